/**
 * Long-lived connections through the HA lab while an LB node dies and returns: shared by
 * native-dsr-failover.e2e.test.ts and `npm run bench:failover -- --modes conn`. The load client is
 * test/native/dsr-load.ts (each connection exchanges a line every ~20 ms and knows its backend).
 */

import { mustRun, runArgv } from '../../src/lab/lab-exec.js';
import type { HaLab, HaNode } from '../../src/lab/lab-ha.js';
import { FORWARDING_PORT, failNode, type NodeFailure, restoreNode } from '../../src/lab/lab-ha-dsr.js';
import { LineProcess } from '../native/dsr-lab.js';
import { LOAD_CLIENT, type LoadStats } from '../native/dsr-load.js';
import { waitFor } from './harness/wait-for.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A load client holding connections to one VIP from the lab's client host. */
export interface Load {
  vip: string;
  /** Connections opened. */
  opened: number;
  /** The figures since the last call (broken, stalls), and the live connections now. */
  stats(): Promise<LoadStats>;
  stop(): void;
}

/**
 * Opens `count` connections to `vip` (port 8080) from the client host; throws if fewer than `minimum`
 * (default all) open.
 */
export async function startLoad(lab: HaLab, vip: string, count: number, minimum = count): Promise<Load> {
  const client = new LineProcess(lab.client.ns, LOAD_CLIENT, [vip, String(FORWARDING_PORT)]);
  let opened = 0;
  try {
    await client.next();
    opened = (await client.ask<{ ok: number }>(`open ${count}`)).ok;
    if (opened < minimum) throw new Error(`opened ${opened} of ${count} connections to ${vip}`);
    await client.ask<LoadStats>('stats'); // measure from here: opening them took a while
  } catch (e) {
    client.stop();
    throw e;
  }
  return { vip, opened, stats: () => client.ask<LoadStats>('stats'), stop: () => client.stop() };
}

/** Waits until the router's kernel routes `vip` through exactly `nodes`. */
export async function routedVia(lab: HaLab, vip: string, nodes: HaNode[], deadlineMs: number): Promise<void> {
  const want = nodes.map((n) => (vip.includes(':') ? n.uplink.v6 : n.uplink.v4)).sort();
  let seen: string[] = [];
  await waitFor(
    `${vip} routed via ${nodes.map((n) => n.name)}`,
    deadlineMs,
    async () => {
      seen = await lab.nexthops(vip);
      return seen.join() === want.join() ? true : undefined;
    },
    { everyMs: 50, describe: () => seen },
  );
}

/** Packets that arrived on the node's router link (dsr traffic never reaches the lab's nft counter). */
export async function uplinkPackets(node: HaNode): Promise<number> {
  const out = await mustRun([
    'ip',
    'netns',
    'exec',
    node.ns,
    'cat',
    '/sys/class/net/up0/statistics/rx_packets',
  ]);
  return Number(out.trim());
}

/** Established NAT flows to `vip` in the node's conntrack table (the connections the node carries). */
export async function conntrackFlows(node: HaNode, vip: string): Promise<number> {
  const out = await mustRun(['ip', 'netns', 'exec', node.ns, 'conntrack', '-L', '-p', 'tcp', '-d', vip]);
  return out.split('\n').filter((l) => l.includes('ESTABLISHED')).length;
}

/**
 * Forgets the node's conntrack entries for `vip`: flows that moved away from a node and broke stay
 * ESTABLISHED in its table (it never saw them end), and would count as carried in the next round.
 * Only for a VIP no live connection uses.
 */
export async function forgetFlows(node: HaNode, vip: string): Promise<void> {
  // Exit status 1 when there was nothing to delete.
  await runArgv(['ip', 'netns', 'exec', node.ns, 'conntrack', '-D', '-p', 'tcp', '-d', vip]);
}

/** What one failure of one node did to the connections. */
export interface FailureOutcome {
  /** From the failure until the router used the survivor alone, plus 2 s. */
  death: LoadStats;
  /** From the node's return until the router used both again, plus 2 s. */
  back: LoadStats;
}

/**
 * `victim` fails the `kind` way under `load`; the router moves the VIP to the survivor (waited for),
 * then the node returns and the router uses both again. `settleMs` (default 2000) is the time the
 * load runs after each move before its figures are taken.
 */
export async function failUnderLoad(
  lab: HaLab,
  load: Load,
  victim: HaNode,
  kind: NodeFailure,
  settleMs = 2000,
): Promise<FailureOutcome> {
  const survivor = lab.nodes.find((n) => n !== victim) as HaNode;
  await failNode(lab, victim, kind);
  await routedVia(lab, load.vip, [survivor], 20_000);
  await sleep(settleMs);
  const death = await load.stats();
  await restoreNode(lab, victim, kind);
  await routedVia(lab, load.vip, lab.nodes, 60_000);
  await sleep(settleMs);
  return { death, back: await load.stats() };
}
