/**
 * What `nlbkit status` prints: the store's NLBs and every node's report, and whether every node has
 * applied the store's revision without error (the command's exit code). Pure, for tests.
 */
import type { AnnounceState } from '../native/announce/types.js';
import type { NodeReport, StoreSnapshot } from '../native/store/types.js';

/** The status as data (`--json`). */
export interface StoreStatus {
  revision: number;
  nlbs: {
    name: string;
    listener: string;
    algorithm: string;
    backends: string[];
  }[];
  nodes: {
    node: string;
    appliedRevision: number;
    inSync: boolean;
    error?: string;
    updatedAt: string;
    vips: number;
    unhealthy: string[];
    /** How the node announces its VIPs (absent with `announce: none`). */
    announce?: AnnounceState;
  }[];
  /** Every node reported the store revision without error, and at least one node reported. */
  converged: boolean;
}

/** Builds the status from a snapshot and the node reports (only `nodes` when given). */
export function storeStatus(
  snapshot: StoreSnapshot,
  reports: NodeReport[],
  nodes?: readonly string[],
): StoreStatus {
  const wanted = nodes ?? reports.map((r) => r.node);
  const byNode = new Map(reports.map((r) => [r.node, r]));
  const nodeRows = wanted.map((node) => {
    const r = byNode.get(node);
    if (!r)
      return {
        node,
        appliedRevision: 0,
        inSync: false,
        error: 'never reported',
        updatedAt: '-',
        vips: 0,
        unhealthy: [],
      };
    const unhealthy = Object.entries(r.health).flatMap(([nlb, vms]) =>
      Object.entries(vms)
        .filter(([, h]) => h.state === 'UNHEALTHY')
        .map(([vm]) => `${nlb}/${vm}`),
    );
    return {
      node,
      appliedRevision: r.appliedRevision,
      inSync: r.appliedRevision >= snapshot.revision && r.error === undefined,
      ...(r.error === undefined ? {} : { error: r.error }),
      updatedAt: r.updatedAt,
      vips: r.vips.length,
      unhealthy: unhealthy.sort(),
      ...(r.announce ? { announce: r.announce } : {}),
    };
  });
  return {
    revision: snapshot.revision,
    nlbs: snapshot.records.map(({ record: { name, service: s } }) => ({
      name,
      listener: `${s.protocol} ${s.family === 6 ? `[${s.vip}]` : s.vip}:${s.port}`,
      algorithm: s.algorithm === 'SOURCE_HASH' ? `SOURCE_HASH(${s.hashFields})` : s.algorithm,
      backends: s.backends.map(
        (b) =>
          `${b.id} ${s.family === 6 ? `[${b.address}]` : b.address}:${s.backendPort}${b.weight === 1 ? '' : ` w${b.weight}`}`,
      ),
    })),
    nodes: nodeRows,
    converged: nodeRows.length > 0 && nodeRows.every((n) => n.inSync),
  };
}

/** The status as text for a terminal. */
export function renderStatus(status: StoreStatus, where: string): string {
  const out = [`store ${where} at revision ${status.revision}: ${status.nlbs.length} NLB(s)`];
  for (const n of status.nlbs) {
    out.push(`  ${n.name}  ${n.listener}  ${n.algorithm}  -> ${n.backends.join(', ') || '(no backends)'}`);
  }
  out.push(`nodes: ${status.nodes.length === 0 ? 'none has reported' : ''}`.trimEnd());
  for (const n of status.nodes) {
    const state = n.inSync
      ? `in sync (revision ${n.appliedRevision})`
      : n.error
        ? `ERROR: ${n.error}`
        : `behind (revision ${n.appliedRevision})`;
    const unhealthy = n.unhealthy.length > 0 ? `; unhealthy: ${n.unhealthy.join(', ')}` : '';
    out.push(`  ${n.node}  ${state}  vips ${n.vips}  reported ${n.updatedAt}${unhealthy}`);
    if (n.announce) out.push(`    ${renderAnnounce(n.announce)}`);
  }
  out.push(status.converged ? 'converged' : 'NOT converged');
  return out.join('\n');
}

/** One line for a node's announcements: what it announces, and its sessions (bgp) or owners (l2). */
function renderAnnounce(a: AnnounceState): string {
  const parts = [
    `${a.mode}: ${a.mode === 'l2' ? 'holds' : 'announces'} ${a.announced.join(', ') || 'nothing'}`,
  ];
  if (a.sessions)
    parts.push(`sessions ${a.sessions.map((s) => `${s.name} ${s.state}`).join(', ') || 'none'}`);
  if (a.owners)
    parts.push(
      `owners ${
        Object.entries(a.owners)
          .map(([vip, node]) => `${vip}=${node}`)
          .join(', ') || 'none'
      }`,
    );
  if (a.error) parts.push(`ERROR: ${a.error}`);
  return parts.join('; ');
}
