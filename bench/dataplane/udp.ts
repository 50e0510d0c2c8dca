/** Runs the UDP echo load (udp-load-main.ts) in the client namespace. */
import { fileURLToPath } from 'node:url';
import { inNs, start } from './proc.js';
import type { LoadResult } from './wrk.js';

const PROGRAM = fileURLToPath(new URL('./udp-load-main.ts', import.meta.url));

/** One UDP load: `sockets` closed-loop sockets spread over `targets` for `seconds`. */
export interface UdpJob {
  targets: { host: string; port: number }[];
  sockets: number;
  seconds: number;
  timeoutMs?: number;
}

/** Runs the load and returns answered datagrams/s, latency p50/p99 (ms) and lost datagrams as errors. */
export async function runUdp(ns: string, job: UdpJob): Promise<LoadResult> {
  const options = { timeoutMs: 250, ...job };
  const argv = [process.execPath, '--import', import.meta.resolve('tsx'), PROGRAM, JSON.stringify(options)];
  const r = await start(inNs(ns, argv), (job.seconds + 30) * 1000).done;
  if (r.code !== 0) throw new Error(`UDP load exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim()) as LoadResult;
}
