/**
 * Continuous new connections from the lab client during a failure: every probe's start, end and
 * outcome, and the router's view polled alongside, so a run yields "moved after", "OK again after"
 * and "failed" for one failure.
 */
import type { LabClient } from '../src/lab/lab-programs.js';

/** One probe connection. */
export interface Probe {
  start: number;
  ok: boolean;
}

/**
 * Opens a new connection to `host:port` every `everyMs` (open loop: a connection hanging on a dead
 * node does not hold the next one back) until `stop()`; each has `timeoutMs`. Times are performance.now().
 */
export function startProbes(client: LabClient, host: string, port: number, everyMs = 10, timeoutMs = 1000) {
  const probes: Probe[] = [];
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const start = performance.now();
    const p = client.batch({ proto: 'tcp', host, port, count: 1, timeoutMs }).then(
      ([r]) => {
        probes.push({ start, ok: r?.ok === true });
      },
      () => {
        probes.push({ start, ok: false });
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, everyMs);
  return {
    probes,
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/** From the probes of one failure at `t0`: failed count and when connections were OK again. */
export function outcome(probes: Probe[], t0: number): { failed: number; recoveredMs: number } {
  const after = probes.filter((p) => p.start >= t0 - 1000).sort((a, b) => a.start - b.start);
  const failed = after.filter((p) => !p.ok);
  const last = failed.at(-1);
  if (!last) return { failed: 0, recoveredMs: 0 };
  const next = after.find((p) => p.ok && p.start > last.start);
  return { failed: failed.length, recoveredMs: Math.max(0, (next?.start ?? Number.NaN) - t0) };
}

/** Polls `moved()` every ~10 ms from `t0` until true; resolves with the milliseconds taken. */
export async function timeUntil(
  moved: () => Promise<boolean>,
  t0: number,
  deadlineMs: number,
): Promise<number> {
  for (;;) {
    if (await moved()) return performance.now() - t0;
    if (performance.now() - t0 > deadlineMs) throw new Error(`view did not move within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
