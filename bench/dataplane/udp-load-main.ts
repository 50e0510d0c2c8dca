/**
 * A bounded UDP echo load, run inside the client namespace: `sockets` sockets, each with one datagram
 * in flight (send, wait for the answer or `timeoutMs`, send again) for `seconds`. Socket i talks to
 * target i % targets.length. Prints one JSON line: answered requests/s, latency p50/p99 (ms), losses.
 *
 * Started (transpiled to JavaScript by udp.ts) as `node udp-load-main.mjs '<json options>'`.
 */
import dgram from 'node:dgram';

interface Options {
  targets: { host: string; port: number }[];
  sockets: number;
  seconds: number;
  timeoutMs: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const payload = Buffer.alloc(32, 'x');
const latencies: number[] = [];
let lost = 0;
let stopping = false;
const end = Date.now() + opts.seconds * 1000;

function runSocket(i: number): Promise<void> {
  const target = opts.targets[i % opts.targets.length]!;
  const socket = dgram.createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    let sentAt = 0n;
    let timer: NodeJS.Timeout | undefined;
    const next = () => {
      if (stopping || Date.now() >= end) {
        socket.close();
        resolve();
        return;
      }
      sentAt = process.hrtime.bigint();
      timer = setTimeout(() => {
        lost += 1;
        next();
      }, opts.timeoutMs);
      socket.send(payload, target.port, target.host);
    };
    socket.on('message', () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      next();
    });
    socket.on('error', () => undefined);
    next();
  });
}

const pct = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const startedAt = Date.now();
await Promise.all(Array.from({ length: opts.sockets }, (_, i) => runSocket(i)));
stopping = true;
const seconds = (Date.now() - startedAt) / 1000;
latencies.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    rps: latencies.length / seconds,
    requests: latencies.length,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    errors: lost,
  })}\n`,
);
