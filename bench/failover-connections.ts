/**
 * bench:failover's `conn` rows (issue 21): established connections through an LB node's death and
 * return, per forwarding mode (nat, dsr) and kind of failure (withdrawn+cut, silent), in the HA lab
 * made ready for dsr (src/lab/lab-ha-dsr.ts). Each run opens 500 fresh long-lived connections (a
 * line every ~20 ms each: test/native/dsr-load.ts), kills one node (the two in turn), waits for the
 * router to move and for the node to return, and counts broken connections and stalls (the longest
 * gap between two echoes of a connection).
 */

import type { HaNode } from '../src/lab/lab-ha.js';
import {
  FORWARDING_VIPS,
  forwardingRequest,
  type NodeFailure,
  startForwardingHaLab,
} from '../src/lab/lab-ha-dsr.js';
import { BENCH_PREFIX } from '../src/lab/lab-names.js';
import {
  conntrackFlows,
  failUnderLoad,
  forgetFlows,
  routedVia,
  startLoad,
} from '../test/e2e/forwarding-load.js';

/** One row: one forwarding mode and one kind of failure, over `runs` failures. */
export interface ConnectionRow {
  mode: 'nat' | 'dsr';
  failure: NodeFailure;
  runs: number;
  /** Connections broken from the failure until 2 s after the node's return, over all runs. */
  broken: number;
  /** Connections held, over all runs. */
  total: number;
  /** Connections the dead node carried (its conntrack, nat only), over all runs. */
  deadNodeShare?: number;
  /** The worst run's p99 (over connections) of the longest stall, ms. */
  p99StallMs: number;
  /** The longest stall of any connection in any run, ms. */
  maxStallMs: number;
  goal: string;
  met: boolean;
}

const CONNECTIONS = 500;
const KINDS: NodeFailure[] = ['withdrawn+cut', 'silent'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `runs` failures of each kind in each mode; one lab for all. */
export async function runConnectionFailover(
  runs: number,
  log: (line: string) => void,
): Promise<ConnectionRow[]> {
  const lab = await startForwardingHaLab({ backends: 3, prefix: BENCH_PREFIX });
  try {
    const vms = lab.topo.backends.map((b) => b.name);
    for (const mode of ['nat', 'dsr'] as const)
      await lab.driver.createNLB(forwardingRequest(mode, mode, vms, FORWARDING_VIPS[mode]));
    for (const vip of Object.values(FORWARDING_VIPS)) await routedVia(lab, vip, lab.nodes, 120_000);
    // A fresh agent compiles its health worker first: let both settle before the first failure.
    await sleep(5000);
    const rows: ConnectionRow[] = [];
    for (const mode of ['nat', 'dsr'] as const)
      for (const failure of KINDS) {
        const vip = FORWARDING_VIPS[mode];
        const row: ConnectionRow = {
          mode,
          failure,
          runs,
          broken: 0,
          total: 0,
          p99StallMs: 0,
          maxStallMs: 0,
          goal: '',
          met: false,
        };
        let share = 0;
        for (let i = 0; i < runs; i++) {
          const victim = lab.nodes[i % 2] as HaNode;
          if (mode === 'nat') await Promise.all(lab.nodes.map((n) => forgetFlows(n, vip)));
          // The loaded machine sometimes loses a batch of 50 opens to the 5 s greeting timeout.
          const load = await startLoad(lab, vip, CONNECTIONS, CONNECTIONS * 0.9);
          try {
            await sleep(1000);
            await load.stats();
            const carried = mode === 'nat' ? await conntrackFlows(victim, vip) : 0;
            const { death, back } = await failUnderLoad(lab, load, victim, failure);
            const broken = death.broken + back.broken;
            const by = { death: death.brokenBy, back: back.brokenBy };
            share += carried;
            row.broken += broken;
            row.total += load.opened;
            row.p99StallMs = Math.max(row.p99StallMs, death.p99, back.p99);
            row.maxStallMs = Math.max(row.maxStallMs, death.max, back.max);
            log(
              `conn ${mode} ${failure} #${i + 1} (${victim.name}): broken ${broken}/${load.opened}` +
                `${mode === 'nat' ? ` (the node carried ${carried})` : ''}${broken > 0 ? ` ${JSON.stringify(by)}` : ''}, p99 stall ${Math.max(death.p99, back.p99)} ms, max ${Math.max(death.max, back.max)} ms`,
            );
          } finally {
            load.stop();
          }
        }
        if (mode === 'dsr') {
          row.goal = '0 broken, p99 stall < 500 ms';
          row.met = row.broken === 0 && row.p99StallMs < 500;
        } else {
          row.deadNodeShare = share;
          row.goal = "broken <= the dead node's share";
          row.met = row.broken <= share + 2 * runs;
        }
        rows.push(row);
      }
    return rows;
  } finally {
    await lab.destroy();
  }
}

/** The rows as Markdown (docs/performance.md and docs/native-forwarding.md hold a run's output). */
export function formatConnectionRows(rows: ConnectionRow[]): string {
  const out = [
    "| forwarding | failure | runs | broken / total | the dead node's share | p99 stall, ms (worst run) | max stall, ms | goal | met |",
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    out.push(
      `| ${r.mode} | ${r.failure} | ${r.runs} | ${r.broken} / ${r.total} | ${r.deadNodeShare ?? ''} | ${r.p99StallMs} | ${r.maxStallMs} | ${r.goal} | ${r.met ? 'yes' : 'NO'} |`,
    );
  return out.join('\n');
}
