/**
 * The bench's own client (spread-load.c): each process spreads its connections over all targets in
 * turn, so `direct x3` mixes clients and backends the way a load balancer does (wrk aims a whole
 * thread at one address). A new connection per request, or kept alive (`keepAlive`). Compiled once
 * per run with the system's C compiler.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './lab.js';
import { inNs, must, start } from './proc.js';
import { combine, type LoadResult } from './wrk.js';

const SOURCE = fileURLToPath(new URL('./spread-load.c', import.meta.url));

/** What spread-load prints: one JSON line. */
interface SpreadOutput {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: { connect: number; read: number; timeout: number; status: number };
}

/** Reads spread-load's JSON line into a load result (errors summed over their kinds). */
export function parseSpread(stdout: string): LoadResult {
  const out = JSON.parse(stdout.trim()) as SpreadOutput;
  if (typeof out.requests !== 'number' || !(out.seconds > 0)) {
    throw new Error(`spread-load: unexpected output ${stdout.trim()}`);
  }
  const e = out.errors;
  return {
    rps: out.requests / out.seconds,
    requests: out.requests,
    p50: out.p50,
    p99: out.p99,
    errors: e.connect + e.read + e.timeout + e.status,
  };
}

/** Compiles spread-load into `dir` (gcc, -O2) and returns the program's path. */
export async function buildSpreadLoad(dir: string): Promise<string> {
  const program = join(dir, 'spread-load');
  await must(['gcc', '-O2', '-Wall', '-o', program, SOURCE]);
  return program;
}

/** One spread load: `clients` processes, each with `connections` connections over every target. */
export interface SpreadJob {
  targets: Endpoint[];
  clients: number;
  connections: number;
  seconds: number;
  /** Keep each connection open for request after request (default: a new connection per request). */
  keepAlive?: boolean;
  /**
   * Process i talks to target i (mod the count) only: wrk's shape, one backend per client, kept to
   * show the old keep-alive baseline with the same client. Default: every process spreads.
   */
  pinned?: boolean;
}

/** The argv of spread-load process `i` of `job`. */
export function spreadArgv(program: string, job: SpreadJob, i: number): string[] {
  const all = job.targets.map((t) => `${t.host}:${t.port}`);
  const targets = job.pinned ? [all[i % all.length]!] : all;
  const offset = job.pinned ? 0 : i;
  return [
    program,
    ...(job.keepAlive ? ['--keep-alive'] : []),
    String(job.seconds),
    String(job.connections),
    String(offset),
    ...targets,
  ];
}

/**
 * Runs the processes at once in namespace `ns` (this one when undefined; process i starts at target i)
 * and sums their results.
 */
export async function runSpread(
  ns: string | undefined,
  program: string,
  job: SpreadJob,
): Promise<LoadResult> {
  const procs = Array.from({ length: job.clients }, (_, i) => {
    const argv = spreadArgv(program, job, i);
    return start(ns === undefined ? argv : inNs(ns, argv), (job.seconds + 30) * 1000);
  });
  const outs = await Promise.all(procs.map((p) => p.done));
  return combine(
    outs.map((o) => {
      if (o.code !== 0) throw new Error(`spread-load exited ${o.code ?? o.signal}: ${o.stderr.trim()}`);
      return parseSpread(o.stdout);
    }),
  );
}
