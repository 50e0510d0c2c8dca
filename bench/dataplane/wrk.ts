/** Runs wrk from the client namespace and reads its report. */
import { inNs, type RunningProc, start } from './proc.js';

/** One load measurement (several wrk processes are summed into one). */
export interface LoadResult {
  /** Completed requests per second. */
  rps: number;
  requests: number;
  /** Latency percentiles in ms (request-weighted mean over the wrk processes when several ran). */
  p50: number;
  p99: number;
  /** Socket errors (connect, read, write, timeout) plus non-2xx/3xx answers. */
  errors: number;
}

/** One wrk run: a target URL, connections, and whether every request opens a new connection. */
export interface WrkJob {
  url: string;
  connections: number;
  seconds: number;
  newConnectionPerRequest: boolean;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: cannot read latency ${text}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Reads wrk's text report (with `--latency`). */
export function parseWrk(out: string): LoadResult {
  const num = (re: RegExp) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : 0;
  };
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(out);
  if (!done) throw new Error(`wrk: no result in its output:\n${out}`);
  const requests = Number(done[1]);
  const seconds = duration(`${done[2]}${done[3]}`) / 1000;
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)$`, 'm').exec(out);
    return m ? duration(m[1]!) : Number.NaN;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    rps: seconds > 0 ? requests / seconds : 0,
    requests,
    p50: pct('50'),
    p99: pct('99'),
    errors: socketErrors + num(/Non-2xx or 3xx responses: (\d+)/),
  };
}

/** Sums several results: rates and counts add up, percentiles are request-weighted means. */
export function combine(results: LoadResult[]): LoadResult {
  const requests = results.reduce((a, r) => a + r.requests, 0);
  const weighted = (k: 'p50' | 'p99') =>
    requests > 0 ? results.reduce((a, r) => a + r[k] * r.requests, 0) / requests : Number.NaN;
  return {
    rps: results.reduce((a, r) => a + r.rps, 0),
    requests,
    p50: weighted('p50'),
    p99: weighted('p99'),
    errors: results.reduce((a, r) => a + r.errors, 0),
  };
}

/** Starts one wrk process (one thread) in `ns`; interrupt() makes it stop early and report. */
export function startWrk(ns: string, job: WrkJob): RunningProc {
  const argv = ['wrk', '-t1', `-c${job.connections}`, `-d${job.seconds}s`, '--latency', '--timeout', '2s'];
  if (job.newConnectionPerRequest) argv.push('-H', 'Connection: close');
  argv.push(job.url);
  return start(inNs(ns, argv), (job.seconds + 30) * 1000);
}

/** Runs one wrk per URL at once (same job otherwise) and sums them. */
export async function runWrks(ns: string, urls: string[], job: Omit<WrkJob, 'url'>): Promise<LoadResult> {
  const procs = urls.map((url) => startWrk(ns, { ...job, url }));
  const outs = await Promise.all(procs.map((p) => p.done));
  return combine(
    outs.map((o) => {
      if (o.code !== 0) throw new Error(`wrk exited ${o.code ?? o.signal}: ${o.stderr.trim()}`);
      return parseWrk(o.stdout);
    }),
  );
}
