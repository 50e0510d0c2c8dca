/**
 * Health-monitor benchmark: 10,000 TCP targets on loopback checked every second by one monitor.
 * Prints the monitor's CPU (this process only: the listeners run in a child process), checks per
 * second and schedule lateness p50/p99, then takes 100 targets down at once and counts the onChange
 * notifications that report them (target: one).
 *
 * Run: npm run bench:health [-- --seconds 60 --targets 10000 --listeners 10000 --interval 1 --concurrency 256]
 *
 * Every (address, port) is a real listener: targets are spread over 127.0.x.y (from 127.0.1.1) with
 * 4 ports, one socket each in the child. The child needs `listeners` + a few file descriptors; raise the
 * soft limit first if `ulimit -n` is lower (`ulimit -n 20000`), or pass `--listeners 1000` to let ten
 * targets share each listener (every check is still a real connect).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createHealthMonitor, type HealthChange, type MonitorTarget } from '../src/native/health/index.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    targets: { type: 'string', default: '10000' },
    listeners: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '256' },
    interval: { type: 'string', default: '1' },
  },
});
const SECONDS = Number(args.seconds);
const TARGETS = Number(args.targets);
const LISTENERS = Math.min(Number(args.listeners), TARGETS);
const CONCURRENCY = Number(args.concurrency);
const INTERVAL = Number(args.interval);
const PORTS = [20001, 20002, 20003, 20004];
const DOWN = 100;

/** Listener i: address 127.0.(1 + floor(a / 250)).(1 + a % 250) with a = floor(i / 4), port PORTS[i % 4]. */
function endpoint(i: number): { address: string; port: number } {
  const a = Math.floor(i / PORTS.length);
  return { address: `127.0.${1 + Math.floor(a / 250)}.${1 + (a % 250)}`, port: PORTS[i % PORTS.length]! };
}

// The child: plain JavaScript so it starts without tsx. It accepts and drops connections, and closes
// the listeners it is told to (those targets then refuse connections: down).
const CHILD = `
const net = require('node:net');
const servers = [];
function listen(eps) {
  let pending = eps.length;
  for (const [address, port] of eps) {
    const s = net.createServer((c) => c.destroy());
    s.on('error', (e) => { console.error('listen', address, port, e.message); process.exit(2); });
    s.listen({ host: address, port, backlog: 511 }, () => { if (--pending === 0) process.send('ready'); });
    servers.push(s);
  }
}
process.on('message', (m) => {
  if (m && m.listen) listen(m.listen);
  if (m && m.down) { for (const i of m.down) servers[i].close(); process.send('down'); }
});
process.on('disconnect', () => process.exit(0));
`;

function startListeners(): Promise<ChildProcess> {
  const eps = Array.from({ length: LISTENERS }, (_, i) => {
    const e = endpoint(i);
    return [e.address, e.port];
  });
  const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send({ listen: eps }); // the list is too long for argv (E2BIG)
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`listener process exited with ${code}`)));
  });
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The floor: CPU per bare connect + RST close (what a TCP check must do), with no scheduler, timers or
 * state. On loopback the kernel runs both ends of the handshake in the caller's context, so this is
 * higher than against a remote backend.
 */
async function rawConnectCost(ms: number): Promise<{ perSecond: number; cpuMicros: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const s = net.connect(endpoint(i % LISTENERS));
      s.once('connect', () => {
        s.resetAndDestroy();
        resolve();
      });
      s.on('error', () => {
        s.destroy();
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (performance.now() - t0 < ms) await one(n++);
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (n * 1000) / (performance.now() - t0), cpuMicros: (cpu.user + cpu.system) / n };
}

async function main(): Promise<void> {
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )}; health bench: ${TARGETS} TCP targets on ${LISTENERS} loopback listeners, interval ${INTERVAL} s, ` +
      `concurrency ${CONCURRENCY}, ${SECONDS} s; ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  const child = await startListeners();
  const raw = await rawConnectCost(3000);
  let measuring = false;
  let lateness: number[] = [];
  let checks = 0;
  let failures = 0;
  const failureReasons = new Map<string, number>();
  const monitor = createHealthMonitor({
    concurrency: CONCURRENCY,
    seed: 'bench',
    onCheck: (e) => {
      if (!measuring) return;
      checks++;
      if (!e.ok) {
        failures++;
        const why = (e.reason ?? '?').replace(/\d+/g, 'N');
        failureReasons.set(why, (failureReasons.get(why) ?? 0) + 1);
      }
      lateness.push(e.startedAt - e.scheduledAt);
    },
  });
  const targets: MonitorTarget[] = Array.from({ length: TARGETS }, (_, i) => ({
    key: `lb${i % 50}/vm${i}`,
    ...endpoint(i % LISTENERS),
    protocol: 'TCP',
    interval: INTERVAL,
    timeout: 0.5,
    rise: 2,
    fall: 2,
  }));
  monitor.update(targets);

  // Warm-up: two intervals bring every target to HEALTHY (rise 2), and the JIT settles.
  await sleep(2 * INTERVAL * 1000 + 1000);
  const healthy = [...monitor.states().values()].filter((h) => h.state === 'HEALTHY').length;
  console.log(`after warm-up: ${healthy}/${TARGETS} HEALTHY`);

  measuring = true;
  // Event-loop delay tells a stalled process (machine busy, GC) apart from checks queueing behind others.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  measuring = false;
  loopDelay.disable();
  const cpuShare = (cpu.user + cpu.system) / 1e6 / wall;
  const sorted = Float64Array.from(lateness).sort();
  lateness = [];
  const p50 = quantile(sorted, 0.5);
  const p99 = quantile(sorted, 0.99);
  const skipped = /nlbkit_health_checks_skipped_total\{reason="(\w+)"\} (\d+)/g;
  const skips =
    [...monitor.metricsText().matchAll(skipped)].map((m) => `${m[1]} ${m[2]}`).join(', ') || 'none';

  // 100 targets go down at once: close their listeners together.
  const downIdx = Array.from({ length: DOWN }, (_, k) => k * Math.floor(LISTENERS / DOWN));
  const downKeys = new Set(targets.filter((_, i) => downIdx.includes(i % LISTENERS)).map((t) => t.key));
  const batches: Array<{ at: number; changes: readonly HealthChange[] }> = [];
  monitor.onChange((_keys, changes) => batches.push({ at: performance.now(), changes }));
  const tDown = performance.now();
  child.send({ down: downIdx });
  const deadline = tDown + 15_000;
  const reported = () => batches.flatMap((b) => b.changes).filter((c) => downKeys.has(c.key)).length;
  while (reported() < downKeys.size && performance.now() < deadline) await sleep(50);
  await sleep(3000); // anything still trickling in would show up as a second notification
  await monitor.close();
  child.disconnect();

  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (2 cores shared)`,
  );
  console.log('');
  console.log('| measure | value | target |');
  console.log('|---|---|---|');
  console.log(
    `| monitor CPU (one core = 100%) | ${(cpuShare * 100).toFixed(1)}% | < 25% ${ok(cpuShare < 0.25)} |`,
  );
  console.log(`| checks per second | ${(checks / wall).toFixed(0)} | ${(TARGETS / INTERVAL).toFixed(0)} |`);
  const perCheck = (cpu.user + cpu.system) / Math.max(1, checks);
  console.log(`| monitor CPU per check (user+system) | ${perCheck.toFixed(0)} µs | |`);
  console.log(`| bare connect + RST, CPU per connect (the floor) | ${raw.cpuMicros.toFixed(0)} µs | |`);
  console.log(`| monitor CPU per check / bare connect | ${(perCheck / raw.cpuMicros).toFixed(2)}x | |`);
  console.log(`| checks/s that fit in 25% of a core at that cost | ${(250_000 / perCheck).toFixed(0)} | |`);
  const reasons = [...failureReasons].map(([why, n]) => `${n}× ${why}`).join('; ');
  console.log(`| failed checks while all up | ${failures}${reasons ? ` (${reasons})` : ''} | 0 |`);
  console.log(`| schedule lateness p50 | ${p50.toFixed(1)} ms | |`);
  console.log(`| schedule lateness p99 | ${p99.toFixed(1)} ms | < 100 ms ${ok(p99 < 100)} |`);
  console.log(`| schedule lateness max | ${quantile(sorted, 1).toFixed(1)} ms | |`);
  const loopMs = (q: number) => (loopDelay.percentile(q) / 1e6).toFixed(1);
  console.log(
    `| event-loop delay p50 / p99 / max | ${loopMs(50)} / ${loopMs(99)} / ${(loopDelay.max / 1e6).toFixed(1)} ms | |`,
  );
  console.log(`| skipped slots | ${skips} | none |`);
  const sizes = batches.map((b) => b.changes.length);
  const first = batches[0];
  console.log(
    `| onChange notifications for ${downKeys.size} targets down at once | ${batches.length} (sizes ${sizes.join(', ') || '-'}) | 1 ${ok(batches.length === 1 && reported() === downKeys.size)} |`,
  );
  if (first)
    console.log(`| time from down to notification | ${((first.at - tDown) / 1000).toFixed(2)} s | |`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
