/**
 * Load test of `nlbkit serve`: getNLB at a fixed rate against the mock driver, over loopback.
 *
 * Starts `nlbkit serve` in its own process (so the server's memory is its own), creates one NLB,
 * warms up for 2 s, then sends `--rate` requests/s (open loop: each request leaves at its scheduled
 * time, whether or not earlier ones have answered) for `--seconds` s with keep-alive connections.
 * Prints latency percentiles, errors, and the server's heap and RSS (read from its /metrics) at the
 * start and end of the run, beside the goals: p99 < 20 ms, no error, memory flat (old-space growth < 10 MiB).
 *
 * Run: npm run bench:server [-- --rate 1000 --seconds 10]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' } },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const TOKEN = 'bench-token-0123456789abcdef';
const MiB = 1024 * 1024;

const dir = await mkdtemp(join(tmpdir(), 'nlbkit-bench-serve-'));
const config = join(dir, 'nlbkit.yaml');
await writeFile(
  config,
  'connections:\n  test: {driver: mock, vms: {web1: {ipv4: 10.0.0.11}, web2: {ipv4: 10.0.0.12}}}\n',
);
const server = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    join(import.meta.dirname, '../src/cli/main.ts'),
    'serve',
    '--config',
    config,
    '--listen',
    '127.0.0.1:0',
  ],
  { env: { ...process.env, NLBKIT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'ignore'] },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (\S+)/.exec(out);
    if (m) resolve(m[1] as string);
  });
  server.on('exit', () => reject(new Error(`nlbkit serve exited: ${out}`)));
});
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function memory(): Promise<{ heap: number; old: number; rss: number; cpu: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers })).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    heap: value('nodejs_heap_size_used_bytes'),
    old: value('nodejs_heap_space_size_used_bytes\\{space="old"\\}'),
    rss: value('process_resident_memory_bytes'),
    cpu: value('process_cpu_seconds_total'),
  };
}

// node:http with a bounded keep-alive pool: cheaper per request than fetch, so the client keeps pace.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const get = (path: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });

/** Sends getNLB at `rate`/s for `seconds`; latencies in ms, and how many failed. */
async function run(
  rate: number,
  seconds: number,
): Promise<{ latencies: number[]; errors: number; lateMs: number }> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  let lateMs = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const t0 = performance.now();
      lateMs = Math.max(lateMs, t0 - (start + (sent * 1000) / rate));
      pending.push(
        get('/v1/connections/test/nlbs/web').then(
          (status) => {
            if (status !== 200) errors++;
            latencies.push(performance.now() - t0);
          },
          () => {
            errors++;
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return { latencies, errors, lateMs };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
try {
  const created = await fetch(`${url}/v1/connections/test/nlbs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      iid: { nameId: 'web' },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }, { nameId: 'web2' }] },
      healthChecker: { protocol: 'TCP' },
    }),
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);
  await run(RATE, 2); // warm-up: JIT, connection pool
  const before = await memory();
  const { latencies, errors, lateMs } = await run(RATE, SECONDS);
  const after = await memory();
  const sorted = latencies.sort((a, b) => a - b);
  const p99 = pct(sorted, 99);
  // What the run retained: the old space (objects that survived scavenges). The whole heap also holds
  // the young generation's garbage until its next scavenge (up to ~30 MiB), which says nothing of a leak.
  const growth = (after.old - before.old) / MiB;
  const mib = (n: number) => (n / MiB).toFixed(1);
  const rows: [string, string, string, boolean][] = [
    [
      'requests answered',
      `${latencies.length} (sent at ${RATE}/s for ${SECONDS} s)`,
      `${RATE * SECONDS}`,
      latencies.length === RATE * SECONDS,
    ],
    ['errors', String(errors), '0', errors === 0],
    [
      'latency p50 / p90 / p99 / max (ms)',
      [50, 90, 99].map((p) => pct(sorted, p).toFixed(2)).join(' / ') +
        ` / ${(sorted.at(-1) ?? NaN).toFixed(2)}`,
      'p99 < 20',
      p99 < 20,
    ],
    [
      'server old-space heap before -> after (MiB)',
      `${mib(before.old)} -> ${mib(after.old)} (${growth >= 0 ? '+' : ''}${growth.toFixed(1)})`,
      'growth < 10',
      growth < 10,
    ],
    [
      'server whole heap used before -> after (MiB)',
      `${mib(before.heap)} -> ${mib(after.heap)}`,
      '(shown)',
      true,
    ],
    [
      'server RSS before -> after (MiB)',
      `${(before.rss / MiB).toFixed(1)} -> ${(after.rss / MiB).toFixed(1)}`,
      '(shown)',
      true,
    ],
    // Independent of how busy the machine is: what one request costs the server.
    [
      'server CPU per request (ms)',
      ((1000 * (after.cpu - before.cpu)) / latencies.length).toFixed(3),
      '(shown)',
      true,
    ],
    ['client: latest send behind schedule (ms)', lateMs.toFixed(1), '(shown)', true],
  ];
  console.log(`nlbkit serve load test: getNLB against the mock driver over loopback (${url})\n`);
  console.log('| measure | result | goal | met |\n|---|---|---|---|');
  for (const [what, result, goal, met] of rows)
    console.log(`| ${what} | ${result} | ${goal} | ${met ? 'yes' : 'NO'} |`);
  if (rows.some(([, , , met]) => !met)) process.exitCode = 1;
} finally {
  agent.destroy();
  server.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
