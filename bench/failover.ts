/**
 * Failover benchmark (root; needs bird2): how long until traffic flows again when one LB node fails,
 * per announcement mode and kind of failure, over `--runs` failures of each kind (default 20).
 * Prints one Markdown table (docs/performance.md holds a run's output) with the goals beside
 * the figures, and how many established connections a NAT node's death breaks.
 *
 * Run: sudo npm run bench:failover [-- --runs 20 --modes bgp,l2,conn --only 'silent death,none' --conn-runs 4]
 *
 * Modes:
 * - bgp (failover-bgp.ts): router BIRD + ECMP, two LB nodes with BIRD (BFD 100 ms x 3) and agents;
 *   failures: graceful stop, kill -9 (agent and BIRD), silent death (all packets dropped, SIGSTOP),
 *   all backends unhealthy. Also the `none` row: one node routed by hand, everything down until it
 *   returns.
 * - l2 (failover-l2.ts): a client and two LB nodes on one bridge, agents with the layer-2 announcer over
 *   PostgreSQL; failures: the node dies (agent killed, link down), agent kill -9, graceful stop. Its
 *   rows measure other things (the client's neighbour entry, split-brain samples) and print as a
 *   table of their own, with the l2 goals (median < 1.5 s, p99 < 3 s; split brain: 0 samples).
 * - conn (failover-connections.ts): the bgp lab with dsr-capable agents, 500 long-lived connections
 *   through a node's death (withdrawn+cut, silent) and return, per forwarding mode (nat, dsr), over
 *   `--conn-runs` failures (default 4): broken / total and stalls, with the goals (dsr: 0 broken,
 *   p99 stall < 500 ms; nat: at most the dead node's share), as a table of their own.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { missingLabRequirements } from '../src/lab/lab-preflight.js';
import { type EstablishedResult, type FailoverOptions, runBgpFailover } from './failover-bgp.js';
import { type ConnectionRow, formatConnectionRows, runConnectionFailover } from './failover-connections.js';
import { formatL2Rows, type FailoverRow as L2Row, runL2Failover } from './failover-l2.js';
import { type FailoverRow, renderTable } from './failover-row.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    modes: { type: 'string', default: 'bgp,l2,conn' },
    'conn-runs': { type: 'string', default: '4' },
    // Parts of the bgp module to run (failure kinds, `established`, `none`); default all.
    only: { type: 'string' },
  },
});
const runs = Number(args.runs);
const modes = new Set((args.modes ?? '').split(','));
if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error('--runs must be 1-1000');
const connRuns = Number(args['conn-runs']);
if (!Number.isInteger(connRuns) || connRuns < 1 || connRuns > 100)
  throw new Error('--conn-runs must be 1-100');
const missing = missingLabRequirements();
if (missing) throw new Error(`bench:failover needs: ${missing}`);
if (spawnSync('bird', ['--version']).error)
  throw new Error('bench:failover needs BIRD 2: apt-get install bird2');

const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);
const opts: FailoverOptions = { runs, log, ...(args.only ? { only: new Set(args.only.split(',')) } : {}) };
const rows: FailoverRow[] = [];
let established: EstablishedResult | undefined;

if (modes.has('bgp')) {
  const bgp = await runBgpFailover(opts);
  rows.push(...bgp.rows);
  established = bgp.established;
}
let l2Rows: L2Row[] = [];
if (modes.has('l2')) l2Rows = await runL2Failover(runs, log);
let connRows: ConnectionRow[] = [];
if (modes.has('conn')) connRows = await runConnectionFailover(connRuns, log);

const counts = [
  ...(rows.length + l2Rows.length > 0 ? [`${runs} failures of each kind`] : []),
  ...(connRows.length > 0 ? [`conn: ${connRuns}`] : []),
];
console.log(`\nbench:failover, ${counts.join('; ')} (${new Date().toISOString().slice(0, 10)})\n`);
if (rows.length > 0) console.log(renderTable(rows));
if (l2Rows.length > 0) console.log(`\n${formatL2Rows(l2Rows)}`);
if (connRows.length > 0)
  console.log(
    `\nEstablished connections (${connRuns} failures of each kind, 500 connections each):\n\n${formatConnectionRows(connRows)}`,
  );
if (established) {
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const rounds = established.brokenWhenDied.length;
  console.log(
    `\nEstablished connections (NAT, ${established.held} held, ${rounds} rounds of kill -9 and return of one of two nodes): ` +
      `broken when the node died ${established.brokenWhenDied.join(', ')} (mean ${(sum(established.brokenWhenDied) / rounds).toFixed(1)}), ` +
      `when it came back ${established.brokenWhenBack.join(', ')} (mean ${(sum(established.brokenWhenBack) / rounds).toFixed(1)}).`,
  );
}
const l2Met = (r: L2Row) =>
  r.viewMovedMs.median < 1500 && r.viewMovedMs.p99 < 3000 && r.splitBrainSamples === 0;
const missed = [
  ...rows.filter((r) => r.met === false).map((r) => `${r.mode} ${r.failure}`),
  ...l2Rows.filter((r) => !l2Met(r)).map((r) => `l2 ${r.failure}`),
  ...connRows.filter((r) => !r.met).map((r) => `conn ${r.mode} ${r.failure}`),
];
console.log(missed.length === 0 ? '\nEvery goal met.' : `\nGoals missed: ${missed.join(', ')}`);
