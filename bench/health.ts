/**
 * Health-monitor benchmark: 10,000 TCP targets, each a real loopback listener of its own, checked every
 * second by one monitor; run once with the native TCP checker and once with the JavaScript fallback.
 * Prints, against the goals: the monitor's CPU (its process plus its native helper; the listeners run in
 * other processes), checks per second, schedule lateness p50/p99, failed checks while every target is
 * up, and the onChange notifications when 100 targets go down together (goal: one). Then the CPU per
 * check of HTTP checks.
 *
 * Run: npm run bench:health [-- --seconds 30 --targets 10000 --processes 4 --interval 1
 *   --concurrency 256 --checker both|native|js --http-targets 1000]
 *
 * Listener i is 127.0.(1 + floor(a / 250)).(1 + a % 250) with a = floor(i / 4), port 20001 + i % 4;
 * `--processes` children hold them, each with its file limit raised by prlimit.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { locateTcpChecker } from '../src/native/health/checkers/native-tcp-prober.js';
import { createHealthMonitor, type HealthChange, type MonitorTarget } from '../src/native/health/index.js';
import { childPids, type Endpoint, processCpuSeconds, startListeners } from './health-procs.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    targets: { type: 'string', default: '10000' },
    processes: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '256' },
    interval: { type: 'string', default: '1' },
    checker: { type: 'string', default: 'both' },
    'http-targets': { type: 'string', default: '1000' },
  },
});
const SECONDS = Number(args.seconds);
const TARGETS = Number(args.targets);
const PROCESSES = Number(args.processes);
const CONCURRENCY = Number(args.concurrency);
const INTERVAL = Number(args.interval);
const HTTP_TARGETS = Number(args['http-targets']);
const DOWN = 100;
const GOAL = { cpu: 0.25, p99Ms: 100, failures: 0, notifications: 1 };

function endpoint(i: number, base = 20001): Endpoint {
  const a = Math.floor(i / 4);
  return { address: `127.0.${1 + Math.floor(a / 250)}.${1 + (a % 250)}`, port: base + (i % 4) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: Float64Array, q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : Number.NaN;
const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** CPU seconds of this process plus its native checker helper(s). */
function monitorCpuSeconds(): number {
  const own = process.cpuUsage();
  const helpers = childPids('nlbkit-tcp-chec').reduce((s, pid) => s + processCpuSeconds(pid), 0);
  return (own.user + own.system) / 1e6 + helpers;
}

interface Row {
  mode: string;
  cpu: number;
  helperCpu: number;
  checksPerSecond: number;
  usPerCheck: number;
  failures: number;
  reasons: string;
  p50: number;
  p99: number;
  max: number;
  loopP99: number;
  skips: string;
  notifications: number;
  sizes: string;
  reported: number;
  notifyAfter: number;
  listenerCpu: number;
}

async function run(mode: 'native' | 'js'): Promise<Row> {
  const eps = Array.from({ length: TARGETS }, (_, i) => endpoint(i));
  const listeners = await startListeners(eps, PROCESSES);
  let measuring = false;
  const lateness: number[] = [];
  let checks = 0;
  let failures = 0;
  const reasons = new Map<string, number>();
  const monitor = createHealthMonitor({
    concurrency: CONCURRENCY,
    seed: 'bench',
    tcpChecker: mode === 'js' ? 'js' : 'auto',
    onCheck: (e) => {
      if (!measuring) return;
      checks++;
      lateness.push(e.startedAt - e.scheduledAt);
      if (e.ok) return;
      failures++;
      const why = (e.reason ?? '?').replace(/\d+/g, 'N');
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    },
  });
  const targets: MonitorTarget[] = eps.map((e, i) => ({
    key: `lb${i % 50}/vm${i}`,
    ...e,
    protocol: 'TCP',
    interval: INTERVAL,
    timeout: 0.5,
    rise: 2,
    fall: 2,
  }));
  monitor.update(targets);
  // Warm-up: three intervals bring every target to HEALTHY (rise 2) and let the JIT settle.
  await sleep(3 * INTERVAL * 1000 + 1000);
  const healthy = [...monitor.states().values()].filter((h) => h.state === 'HEALTHY').length;
  const helpers = childPids('nlbkit-tcp-chec');
  if (mode === 'native' && helpers.length === 0) throw new Error('the native TCP checker did not start');
  console.log(`${mode}: after warm-up ${healthy}/${TARGETS} HEALTHY; load average ${loadavg()}`);

  measuring = true;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpu0 = monitorCpuSeconds();
  const helper0 = helpers.reduce((s, pid) => s + processCpuSeconds(pid), 0);
  const listen0 = listeners.cpuSeconds();
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const wall = (performance.now() - t0) / 1000;
  const cpu = monitorCpuSeconds() - cpu0;
  const helperCpu = helpers.reduce((s, pid) => s + processCpuSeconds(pid), 0) - helper0;
  const listenerCpu = listeners.cpuSeconds() - listen0;
  measuring = false;
  loopDelay.disable();
  const sorted = Float64Array.from(lateness).sort();
  const skipped = /nlbkit_health_checks_skipped_total\{reason="(\w+)"\} (\d+)/g;
  const skips =
    [...monitor.metricsText().matchAll(skipped)].map((m) => `${m[1]} ${m[2]}`).join(', ') || 'none';

  // 100 targets go down at once: their listeners close together.
  const downIdx = Array.from({ length: DOWN }, (_, k) => k * Math.floor(TARGETS / DOWN));
  const downKeys = new Set(downIdx.map((i) => targets[i]?.key));
  const batches: Array<{ at: number; changes: readonly HealthChange[] }> = [];
  monitor.onChange((_keys, changes) => batches.push({ at: performance.now(), changes }));
  const tDown = performance.now();
  await listeners.down(downIdx);
  const reported = () => batches.flatMap((b) => b.changes).filter((c) => downKeys.has(c.key)).length;
  while (reported() < downKeys.size && performance.now() < tDown + 15_000) await sleep(50);
  await sleep(3000); // anything trickling in later would show as a second notification
  await monitor.close();
  await listeners.close();
  return {
    mode,
    cpu: cpu / wall,
    helperCpu: helperCpu / wall,
    checksPerSecond: checks / wall,
    usPerCheck: (cpu * 1e6) / Math.max(1, checks),
    failures,
    reasons: [...reasons].map(([why, n]) => `${n}× ${why}`).join('; '),
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: quantile(sorted, 1),
    loopP99: loopDelay.percentile(99) / 1e6,
    skips,
    notifications: batches.length,
    sizes: batches.map((b) => b.changes.length).join(', ') || '-',
    reported: reported(),
    notifyAfter: batches[0] ? (batches[0].at - tDown) / 1000 : Number.NaN,
    listenerCpu: listenerCpu / wall,
  };
}

/**
 * The floor: the native helper alone, fed as fast as it answers (64 checks in flight) with no
 * scheduler, state or JavaScript per check; its CPU per connect + RST close. On loopback the kernel
 * runs both ends of each handshake in the checker's context, so this is an upper bound of what the
 * same check costs against a remote backend.
 */
async function nativeFloor(helper: string, ms: number): Promise<{ perSecond: number; usPerCheck: number }> {
  const eps = Array.from({ length: TARGETS }, (_, i) => endpoint(i));
  const listeners = await startListeners(eps, PROCESSES);
  const proc = spawn(helper, [], { stdio: ['pipe', 'pipe', 'ignore'] });
  let sent = 0;
  let done = 0;
  const t0 = performance.now();
  const more = (n: number) => {
    let lines = '';
    for (let k = 0; k < n && performance.now() - t0 < ms; k++, sent++) {
      const e = eps[sent % eps.length] as Endpoint;
      lines += `${sent} ${e.address} ${e.port} 500\n`;
    }
    if (lines) proc.stdin.write(lines);
  };
  const finished = new Promise<void>((resolve) => {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      const n = chunk.split('\n').length - 1;
      done += n;
      more(n);
      if (done >= sent && performance.now() - t0 >= ms) resolve();
    });
  });
  const cpu0 = processCpuSeconds(proc.pid as number);
  more(64);
  await finished;
  const wall = (performance.now() - t0) / 1000;
  const cpu = processCpuSeconds(proc.pid as number) - cpu0;
  proc.stdin.end();
  await listeners.close();
  return { perSecond: done / wall, usPerCheck: (cpu * 1e6) / done };
}

/** CPU per HTTP check: HTTP_TARGETS listeners answering 200, checked every interval. */
async function httpCost(): Promise<{ perSecond: number; usPerCheck: number; failures: number }> {
  const eps = Array.from({ length: HTTP_TARGETS }, (_, i) => endpoint(i, 21001));
  const listeners = await startListeners(eps, Math.max(1, Math.min(PROCESSES, 2)), true);
  let checks = 0;
  let failures = 0;
  let measuring = false;
  const monitor = createHealthMonitor({
    concurrency: CONCURRENCY,
    seed: 'bench',
    onCheck: (e) => {
      if (!measuring) return;
      checks++;
      if (!e.ok) failures++;
    },
  });
  monitor.update(
    eps.map((e, i) => ({
      key: `http${i}`,
      ...e,
      protocol: 'HTTP',
      httpPath: '/healthz',
      interval: INTERVAL,
      timeout: 0.5,
      rise: 2,
      fall: 2,
    })),
  );
  await sleep(2 * INTERVAL * 1000 + 1000);
  measuring = true;
  const cpu0 = monitorCpuSeconds();
  const t0 = performance.now();
  await sleep(Math.max(5, SECONDS / 3) * 1000);
  const cpu = monitorCpuSeconds() - cpu0;
  const wall = (performance.now() - t0) / 1000;
  measuring = false;
  await monitor.close();
  await listeners.close();
  return { perSecond: checks / wall, usPerCheck: (cpu * 1e6) / Math.max(1, checks), failures };
}

async function main(): Promise<void> {
  const helper = locateTcpChecker();
  const modes: Array<'native' | 'js'> =
    args.checker === 'native' ? ['native'] : args.checker === 'js' ? ['js'] : ['native', 'js'];
  if (modes.includes('native') && !helper)
    throw new Error('the native TCP checker is not built: npm run build:native');
  console.log(
    `health bench: ${TARGETS} TCP targets on ${TARGETS} loopback listeners in ${PROCESSES} processes, ` +
      `interval ${INTERVAL} s, concurrency ${CONCURRENCY}, ${SECONDS} s per run; ${os.cpus().length} CPUs, ` +
      `Node ${process.version}; load average ${loadavg()}`,
  );
  const floor = helper ? await nativeFloor(helper, 5000) : undefined;
  const rows: Row[] = [];
  for (const mode of modes) rows.push(await run(mode));
  const http = HTTP_TARGETS > 0 ? await httpCost() : undefined;
  console.log(`load average at the end: ${loadavg()} (${os.cpus().length} cores, shared)\n`);

  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  const cells = (f: (r: Row) => string) => rows.map(f).join(' | ');
  console.log(`| measure | ${rows.map((r) => `${r.mode} TCP checker`).join(' | ')} | goal |`);
  console.log(`|---|${rows.map(() => '---|').join('')}---|`);
  const line = (name: string, f: (r: Row) => string, goal = '') =>
    console.log(`| ${name} | ${cells(f)} | ${goal} |`);
  line(
    'monitor CPU, its process + native helper (one core = 100%)',
    (r) => `${(r.cpu * 100).toFixed(1)}% ${ok(r.cpu < GOAL.cpu)}`,
    '< 25%',
  );
  line('of which the native helper', (r) =>
    r.mode === 'native' ? `${(r.helperCpu * 100).toFixed(1)}%` : '-',
  );
  line('checks per second', (r) => r.checksPerSecond.toFixed(0), (TARGETS / INTERVAL).toFixed(0));
  line('CPU per check', (r) => `${r.usPerCheck.toFixed(1)} µs`);
  line('schedule lateness p50', (r) => `${r.p50.toFixed(1)} ms`);
  line('schedule lateness p99', (r) => `${r.p99.toFixed(1)} ms ${ok(r.p99 < GOAL.p99Ms)}`, '< 100 ms');
  line('schedule lateness max', (r) => `${r.max.toFixed(1)} ms`);
  line('event-loop delay p99', (r) => `${r.loopP99.toFixed(1)} ms`);
  line(
    'failed checks while all up',
    (r) => `${r.failures}${r.reasons ? ` (${r.reasons})` : ''} ${ok(r.failures === 0)}`,
    '0',
  );
  line('skipped slots', (r) => r.skips, 'none');
  line(
    `notifications for ${DOWN} targets down at once`,
    (r) => `${r.notifications} (sizes ${r.sizes}) ${ok(r.notifications === 1 && r.reported === DOWN)}`,
    '1',
  );
  line('time from down to notification', (r) => `${r.notifyAfter.toFixed(2)} s`);
  if (floor)
    line(
      'floor: the native helper alone, CPU per connect + RST (no JavaScript)',
      () => `${floor.usPerCheck.toFixed(1)} µs (${floor.perSecond.toFixed(0)}/s)`,
    );
  line('listener processes CPU (not the monitor)', (r) => `${(r.listenerCpu * 100).toFixed(1)}%`);
  if (http)
    console.log(
      `\nHTTP checks (${HTTP_TARGETS} targets, GET /healthz answered 200, new connection each): ` +
        `${http.perSecond.toFixed(0)} checks/s, ${http.usPerCheck.toFixed(0)} µs CPU per check ` +
        `(${((http.usPerCheck * 10_000) / 1e4).toFixed(0)}% of a core at 10,000 checks/s), ${http.failures} failed.`,
    );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
