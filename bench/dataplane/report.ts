/** Renders the benchmark's results as terminal tables and writes them as JSON to bench/results/. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, hostname, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Case, caseId } from './cases.js';
import type { ChurnResult } from './churn.js';
import type { SegmentCounters } from './dsr-path.js';
import type { GoalResult } from './goals.js';
import type { BenchOptions } from './options.js';
import { type CostRow, type LbCpuRow, type RatioRow, type Sample, spread } from './stats.js';

/** Everything one run produced. */
export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; model: string; kernel: string; host: string; loadavgAtEnd: number[] };
  options: BenchOptions;
  samples: Sample[];
  cases: ReturnType<typeof caseSummary>[];
  ratios: RatioRow[];
  /** CPU per request that each load balancer adds over the direct path. */
  costs: CostRow[];
  /** The client's segment link over the run (dsr replies arrive there), when dsr was measured. */
  dsrReplyPath?: SegmentCounters;
  /** The LB-CPU phase's measurements (threaded NAPI on: lb-cpu.ts). */
  lbSamples: Sample[];
  /** The LB node's own CPU per request (its NAPI threads), per target, from `lbSamples`. */
  lbCosts: LbCpuRow[];
  /** dsr's LB-node CPU per request over nlbkit's (NAT), per repetition. */
  lbRatios: Omit<RatioRow, 'num' | 'den'>[];
  churn?: ChurnResult;
  /** Why the nlbkit+flowtable variant was not measured, when it was asked for but could not run. */
  flowtableSkipped?: string;
  goals: GoalResult[];
  /** Issue 21's dsr goals (empty when dsr was not measured). */
  dsrGoals: GoalResult[];
}

/** The machine the run happened on. */
export function machine(): BenchReport['machine'] {
  const c = cpus();
  return {
    cpus: c.length,
    model: c[0]?.model ?? '?',
    kernel: release(),
    host: hostname(),
    loadavgAtEnd: loadavg(),
  };
}

/** Per-case summary over repetitions. */
export function caseSummary(c: Case, samples: Sample[]) {
  const mine = samples.filter((s) => caseId(s.case) === caseId(c));
  return {
    id: caseId(c),
    rps: spread(mine.map((s) => s.result.rps)),
    p50: spread(mine.map((s) => s.result.p50)),
    p99: spread(mine.map((s) => s.result.p99)),
    cpuUsPerRequest: spread(mine.map((s) => s.cpuUsPerRequest ?? Number.NaN)),
    errors: mine.reduce((a, s) => a + s.result.errors, 0),
  };
}

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toString() : '-');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** The terminal report: cases, ratios, churn, goals. */
export function renderReport(r: BenchReport): string {
  const cases = table(
    ['case', 'req/s min', 'median', 'max', 'p50 ms', 'p99 ms', 'CPU us/req', 'errors'],
    r.cases.map((c) => [
      c.id,
      f0(c.rps.min),
      f0(c.rps.median),
      f0(c.rps.max),
      f3(c.p50.median),
      f3(c.p99.median),
      f1(c.cpuUsPerRequest.median),
      String(c.errors),
    ]),
  );
  const ratios = table(
    ['ratio (req/s, per repetition)', 'min', 'median', 'max', 'median 90% CI'],
    r.ratios.map((x) => [
      `${x.mode} x${x.backends} ${x.name}${x.num === 'direct' && x.den === 'haproxy' ? ' (ceiling)' : ''}`,
      f2(x.spread.min),
      f2(x.spread.median),
      f2(x.spread.max),
      `${f2(x.ci.low)}-${f2(x.ci.high)}`,
    ]),
  );
  const costs = table(
    ['CPU added per request vs direct (us)', 'min', 'median', 'max'],
    r.costs.map((x) => [
      `${x.mode} x${x.backends} ${x.target}`,
      f1(x.spread.min),
      f1(x.spread.median),
      f1(x.spread.max),
    ]),
  );
  const lb = table(
    [`LB-node CPU per request (us; ${r.options.lbReps} reps, threaded NAPI)`, 'min', 'median', 'max'],
    [
      ...r.lbCosts.map((x) => [
        `${x.mode} x${x.backends} ${x.target}`,
        f1(x.spread.min),
        f1(x.spread.median),
        f1(x.spread.max),
      ]),
      ...r.lbRatios.map((x) => [
        `${x.mode} x${x.backends} ${x.name} (ratio)`,
        f2(x.spread.min),
        f2(x.spread.median),
        f2(x.spread.max),
      ]),
    ],
  );
  const parts = [
    `Machine: ${r.machine.cpus} x ${r.machine.model}, kernel ${r.machine.kernel}; load average at end ${r.machine.loadavgAtEnd.map((x) => x.toFixed(1)).join(' ')}`,
    `Run: ${r.options.reps} repetitions x ${r.options.duration} s per case, ${r.options.clients} client processes x ${r.options.connections} connections (keep-alive: ${r.options.keepaliveClient === 'spread' ? 'spread-load' : 'wrk'}, new connections: ${r.options.newconnClient === 'spread' ? 'spread-load' : 'wrk'}), ${r.options.udpSockets} UDP sockets; latency columns are medians over repetitions`,
    '',
    cases,
    '',
    ratios,
    '',
    costs,
    '',
    lb,
  ];
  if (r.dsrReplyPath) {
    parts.push(
      '',
      `dsr replies bypassed the LB node: the client's segment link received ${r.dsrReplyPath.rxPackets} packets and sent ${r.dsrReplyPath.txPackets} (ARP answers)`,
    );
  }
  const baselines = baselineNote(r.ratios);
  if (baselines) parts.push('', baselines);
  if (r.churn) {
    const c = r.churn;
    parts.push(
      '',
      `Changes under load: ${c.operations} add/remove operations (API call ${f0(c.opMs.min)}/${f0(c.opMs.median)}/${f0(c.opMs.max)} ms min/median/max); ` +
        `${c.newConn.requests} new-connection and ${c.keepAlive.requests} keep-alive requests; failed: ${c.errors}`,
    );
  }
  if (r.flowtableSkipped) parts.push('', `nlbkit+ft (flowtable) not measured: ${r.flowtableSkipped}`);
  parts.push('', 'Goals (issue 7):');
  for (const g of r.goals) parts.push(`  ${goalLine(g)}`);
  if (r.dsrGoals.length > 0) {
    parts.push('', 'Goals (issue 21, dsr):');
    for (const g of r.dsrGoals) parts.push(`  ${goalLine(g)}`);
  }
  return parts.join('\n');
}

/** The keep-alive x3 ratio against both baselines, once, so the change of baseline is visible. */
export function baselineNote(rows: RatioRow[]): string | undefined {
  const find = (name: string) =>
    rows.find((x) => x.mode === 'tcp-keepalive' && x.backends === 3 && x.name === name);
  const fair = find('nlbkit/direct');
  const old = find('nlbkit/direct-pinned');
  if (!fair || !old) return undefined;
  return [
    'Keep-alive x3 baselines (the same spread client for both):',
    `  old, one backend per client (direct-pinned): nlbkit/direct-pinned = ${f2(old.spread.median)} (90% CI ${f2(old.ci.low)}-${f2(old.ci.high)})`,
    `  new, each client spread over the backends as the LB spreads it (direct): nlbkit/direct = ${f2(fair.spread.median)} (90% CI ${f2(fair.ci.low)}-${f2(fair.ci.high)})`,
  ].join('\n');
}

/** One goal's verdict line: measured value, goal, interval, and the machine's ceiling where one applies. */
export function goalLine(g: GoalResult): string {
  const verdict = g.met ? 'met    ' : 'NOT met';
  if (!g.ci) return `${verdict}  ${g.goal}: ${g.measured} (goal ${g.target})`;
  const op = g.below ? '<' : '>=';
  const extra = [
    `90% CI ${f2(g.ci.low)}-${f2(g.ci.high)}${g.certainty === 'within noise' ? ', within noise' : ''}`,
  ];
  if (g.ceiling !== undefined && g.ceiling < g.target) {
    extra.push(
      `out of reach here: a load balancer that cost nothing scores direct/haproxy = ${f2(g.ceiling)}`,
    );
  }
  return `${verdict}  ${g.goal}: ${f2(g.measured)} (goal ${op} ${g.target}; ${extra.join('; ')})`;
}

/** Writes the JSON report; returns its path. */
export async function writeReport(r: BenchReport, out?: string): Promise<string> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  const file = out ?? join(root, `dataplane-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
