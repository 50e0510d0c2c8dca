/**
 * Layer-2 failover benchmark (root): the e2e lab (test/e2e/l2: a client and two LB nodes on one
 * bridge, an agent process per node with the layer-2 announcer over PostgreSQL). For each failure kind,
 * >= 20 failures of the owner of a VIP (IPv4 and IPv6 in turn) while the client opens a new TCP
 * connection every 20 ms: the time from the failure to the client's neighbour entry holding the new
 * owner's MAC, and to the first successful new connection; failed new connections per failure; and
 * `ip addr` sampled every 50 ms in both nodes for split brain (a VIP on two nodes). Exports the rows for
 * `npm run bench:failover`; runs alone too: `npx tsx bench/failover-l2.ts [failures per kind]`.
 */
import {
  analyse,
  type L2Lab,
  type LbNode,
  requireL2Lab,
  startL2Lab,
  startSampler,
  TIMING,
  VIP4,
  VIP6,
} from '../test/e2e/l2/l2-lab.js';

/** One row of the failover table. */
export interface FailoverRow {
  mode: 'l2';
  failure: 'node dies' | 'agent kill -9' | 'graceful stop';
  failures: number;
  /** Failure -> the client's view moved (neighbour entry on the new owner's MAC), ms. */
  viewMovedMs: Stats;
  /** Failure -> first successful new connection, ms. */
  firstConnectionMs: Stats;
  /** Failed new connections per failure (mean; one attempt every 20 ms, 300 ms timeout). */
  failedPerFailure: number;
  splitBrainSamples: number;
  /** What the issue asks of this row. */
  goal: string;
}
export interface Stats {
  median: number;
  p99: number;
  max: number;
}

const PACE_MS = 20;
const TIMEOUT_MS = 300;
/** New connections that start within this of the failure are not counted (rebuilt start times). */
const SKEW_MS = 50;

/** Nearest-rank percentile. */
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = (values: number[]): Stats => {
  const v = [...values].sort((a, b) => a - b);
  return { median: pct(v, 50), p99: pct(v, 99), max: v[v.length - 1]! };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The node that has held `vip` alone for `stableMs` (a hand-back after a restart must be over). */
async function ownerOf(lab: L2Lab, vip: string, stableMs = 0, ms = 30_000): Promise<LbNode> {
  const end = Date.now() + ms;
  let since: { node: LbNode; at: number } | undefined;
  for (;;) {
    const s = await lab.sample();
    const h = vip === VIP4 ? s.v4 : s.v6;
    const n = h.length === 1 ? lab.nodes.find((x) => x.name === h[0]) : undefined;
    if (!n || since?.node !== n) since = n ? { node: n, at: Date.now() } : undefined;
    if (since && Date.now() - since.at >= stableMs) return since.node;
    if (Date.now() > end) throw new Error(`no stable single owner of ${vip}`);
    await sleep(50);
  }
}

/** One failure of `vip`'s owner; the client probes all along. */
async function oneFailure(lab: L2Lab, vip: string, failure: FailoverRow['failure']) {
  await ownerOf(lab, vip, 1500);
  // The probe: small paced batches until the window ends (a long batch of failing connections would
  // outlast it); each connection's start is rebuilt from its batch's start (one worker, paced).
  const window = TIMING.ttlMs + 4000;
  const attempts: { started: number; ok: boolean; done: number }[] = [];
  let failedAt = Number.POSITIVE_INFINITY;
  const probe = (async () => {
    while (performance.now() < failedAt + window) {
      let t = performance.now();
      const results = await lab.client.batch({
        proto: 'tcp',
        host: vip,
        port: 80,
        count: 5,
        paceMs: PACE_MS,
        timeoutMs: TIMEOUT_MS,
      });
      for (const r of results) {
        t += PACE_MS;
        attempts.push({ started: t, ok: r.ok, done: t + r.ms });
        t += r.ms;
      }
    }
  })();
  await sleep(1000);
  const owner = await ownerOf(lab, vip);
  const next = lab.nodes.find((n) => n !== owner) as LbNode;
  failedAt = performance.now();
  // A dying node: its agent killed and its link to the segment gone at once. An agent killed alone
  // leaves the node's kernel up: its watchdog removes the VIP at once, its nft rules stay.
  if (failure === 'node dies') owner.setLink(false);
  await owner.stop(failure === 'graceful stop' ? 'SIGTERM' : 'SIGKILL');
  let movedAt: number | undefined;
  while (performance.now() - failedAt < window) {
    if (lab.neighbour(vip) === next.mac) {
      movedAt = performance.now();
      break;
    }
    await sleep(10);
  }
  await probe;
  let firstOk: number | undefined;
  let failed = 0;
  for (const a of attempts) {
    // Start times are rebuilt, so one begun just before the failure could look as if just after.
    if (a.started < failedAt + SKEW_MS) continue;
    if (a.ok) firstOk ??= a.done;
    else if (firstOk === undefined) failed++;
  }
  if (failure === 'node dies') owner.setLink(true);
  await owner.start();
  // Let a hand-back to the restarted node (rebalance) finish before the next failure.
  await sleep(TIMING.renewMs * 4);
  await Promise.all([ownerOf(lab, VIP4), ownerOf(lab, VIP6)]);
  return {
    moved: movedAt === undefined ? Number.NaN : movedAt - failedAt,
    firstOk: firstOk === undefined ? Number.NaN : firstOk - failedAt,
    failed,
  };
}

/** Runs the layer-2 rows: `perKind` failures of each kind (IPv4 and IPv6 owners in turn). */
export async function runL2Failover(
  perKind = 20,
  log: (line: string) => void = console.error,
): Promise<FailoverRow[]> {
  const lab = await startL2Lab();
  const rows: FailoverRow[] = [];
  try {
    await Promise.all(lab.nodes.map((n) => n.start()));
    await Promise.all([ownerOf(lab, VIP4), ownerOf(lab, VIP6)]);
    for (const failure of ['node dies', 'agent kill -9', 'graceful stop'] as const) {
      const sampler = startSampler(lab, 50);
      const runs: Awaited<ReturnType<typeof oneFailure>>[] = [];
      try {
        for (let i = 0; i < perKind; i++) {
          const r = await oneFailure(lab, i % 2 === 0 ? VIP4 : VIP6, failure);
          log(
            `l2 ${failure} #${i + 1}: view moved ${r.moved.toFixed(0)} ms, first connection ${r.firstOk.toFixed(0)} ms, ${r.failed} failed`,
          );
          runs.push(r);
        }
      } finally {
        const { splitBrain } = analyse(await sampler.stop());
        rows.push({
          mode: 'l2',
          failure,
          failures: runs.length,
          viewMovedMs: stats(runs.map((r) => r.moved)),
          firstConnectionMs: stats(runs.map((r) => r.firstOk)),
          failedPerFailure: runs.reduce((a, r) => a + r.failed, 0) / Math.max(1, runs.length),
          splitBrainSamples: splitBrain.length,
          goal: 'median < 1500 ms, p99 < 3000 ms, split brain 0',
        });
      }
    }
  } finally {
    await lab.destroy();
  }
  return rows;
}

/** The rows as a text table. */
export function formatL2Rows(rows: readonly FailoverRow[]): string {
  const ms = (s: Stats) => `${s.median.toFixed(0)} / ${s.p99.toFixed(0)} / ${s.max.toFixed(0)}`;
  const lines = [
    'mode  failure        n   view moved ms (med/p99/max)  first conn ms (med/p99/max)  failed/failure  split brain  goal',
  ];
  for (const r of rows)
    lines.push(
      [
        r.mode.padEnd(5),
        r.failure.padEnd(14),
        String(r.failures).padEnd(3),
        ms(r.viewMovedMs).padEnd(28),
        ms(r.firstConnectionMs).padEnd(28),
        r.failedPerFailure.toFixed(1).padEnd(15),
        String(r.splitBrainSamples).padEnd(12),
        r.goal,
      ].join(' '),
    );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Says what is missing (root, arping, na6, PostgreSQL) and stops.
  if (!requireL2Lab()) process.exit(1);
  const perKind = Number(process.argv[2] ?? 20);
  const rows = await runL2Failover(perKind);
  console.log(
    `lease TTL ${TIMING.ttlMs} ms, renew every ${TIMING.renewMs} ms, margin ${TIMING.marginMs} ms, address lifetime 1 s, watchdog`,
  );
  console.log(formatL2Rows(rows));
}
