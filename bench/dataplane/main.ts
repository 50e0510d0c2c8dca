/**
 * `npm run bench:dataplane`: measures nlbkit's native data plane against the direct path and HAProxy in
 * a throwaway netns lab (method and results: docs/performance.md). Root needed; it
 * installs nothing, and says which Debian packages are missing. Everything it builds is removed on exit
 * and on Ctrl-C; leftovers of a crashed earlier run are removed at start.
 */
import { removeRemembered } from '../../src/lab/lab-names.js';
import { allCases, type Case, caseId, lbCpuCases, runCase, scheduleFor } from './cases.js';
import { type ChurnResult, runChurn } from './churn.js';
import { segmentCounters } from './dsr-path.js';
import { probeFlowtable } from './flowtable.js';
import { checkDsrGoals, checkGoals } from './goals.js';
import { type BenchLab, buildBenchLab } from './lab.js';
import { type BenchOptions, parseBenchOptions } from './options.js';
import { checkBenchRequirements } from './preflight.js';
import { type BenchReport, caseSummary, machine, renderReport, writeReport } from './report.js';
import { buildSpreadLoad } from './spread.js';
import { costs, lbCosts, lbRatios, ratios, type Sample } from './stats.js';
import { makeWorkdir } from './workdir.js';

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  const opts = parseBenchOptions(process.argv.slice(2));
  if (!opts) return;
  const missing = checkBenchRequirements(opts);
  if (missing.length > 0) {
    console.error('The data-plane benchmark cannot run on this host:');
    for (const m of missing) console.error(`  - ${m}`);
    process.exitCode = 1;
    return;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: removing the benchmark's namespaces and processes...`);
    removeRemembered();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const startedAt = new Date().toISOString();
  let lab: BenchLab | undefined;
  let flowtableSkipped: string | undefined;
  try {
    lab = await buildBenchLab(makeWorkdir(), log, opts.targets.includes('dsr'));
    if (opts.newconnClient === 'spread' || opts.keepaliveClient === 'spread') {
      lab.spreadLoad = await buildSpreadLoad(lab.workdir);
      const which = [
        opts.keepaliveClient === 'spread' ? 'keep-alive' : '',
        opts.newconnClient === 'spread' ? 'new-connection' : '',
      ].filter(Boolean);
      log(`${which.join(' and ')} cases: spread-load (connections spread over all targets)`);
    }
    if (opts.flowtable && opts.targets.includes('nlbkit+ft')) {
      const probe = await probeFlowtable(lab.topo.lbNodes[0]!.exec);
      if (!probe.ok) {
        flowtableSkipped = probe.reason;
        opts.flowtable = false;
        log(`flowtable variant skipped: ${probe.reason}`);
      }
    }
    const cases = allCases(opts);
    log(`warm-up: every case once for 1 s (${cases.length} cases)`);
    for (const c of cases) await runCase(lab, c, opts, 1);

    const samples = await measure(lab, cases, opts.reps, opts, '');

    let churn: ChurnResult | undefined;
    if (opts.churnOps > 0) {
      log(`changes under load: ${opts.churnOps} backend add/remove operations through the API`);
      churn = await runChurn(lab, opts);
    }
    // Last: threaded NAPI changes the packet path's scheduling, so it never touches the figures above.
    let lbSamples: Sample[] = [];
    const lbCases = lbCpuCases(cases);
    if (opts.lbReps > 0 && lbCases.some((c) => c.target !== 'direct')) {
      await lab.threadNapi();
      log(`LB-node CPU phase: ${lbCases.length} cases, warm-up 1 s each, then ${opts.lbReps} repetitions`);
      for (const c of lbCases) await runCase(lab, c, opts, 1);
      lbSamples = await measure(lab, lbCases, opts.lbReps, opts, 'LB ');
    }
    const dsrReplyPath = cases.some((c) => c.target === 'dsr') ? await segmentCounters(lab.topo) : undefined;
    const rows = ratios(samples, opts.reps);
    const lbRows = lbRatios(lbSamples, opts.lbReps);
    const report: BenchReport = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machine(),
      options: opts,
      samples,
      cases: cases.map((c) => caseSummary(c, samples)),
      ratios: rows,
      costs: costs(samples, opts.reps),
      lbSamples,
      dsrReplyPath,
      lbCosts: lbCosts(lbSamples, opts.lbReps),
      lbRatios: lbRows,
      churn,
      flowtableSkipped,
      goals: checkGoals(rows, churn?.errors),
      dsrGoals: checkDsrGoals(rows, lbRows),
    };
    console.log(`\n${renderReport(report)}`);
    console.log(`\nJSON: ${await writeReport(report, opts.out)}`);
  } finally {
    await lab?.destroy();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs `reps` interleaved repetitions of `cases`, logging each measurement. */
async function measure(
  lab: BenchLab,
  cases: Case[],
  reps: number,
  opts: BenchOptions,
  phase: string,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const c of scheduleFor(cases, rep)) {
      const { result, cpuUsPerRequest, lbUsPerRequest } = await runCase(lab, c, opts, opts.duration);
      samples.push({ rep, case: c, result, cpuUsPerRequest, lbUsPerRequest });
      const err = result.errors > 0 ? `, ${result.errors} errors` : '';
      const lb = Number.isFinite(lbUsPerRequest) ? `  LB ${lbUsPerRequest.toFixed(1)} us/req` : '';
      log(
        `${phase}rep ${rep + 1}/${reps} ${caseId(c).padEnd(28)} ${Math.round(result.rps).toString().padStart(7)} req/s` +
          `  p50 ${result.p50.toFixed(3)} ms  p99 ${result.p99.toFixed(3)} ms  ${cpuUsPerRequest.toFixed(1)} CPU us/req${lb}${err}`,
      );
    }
  }
  return samples;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
