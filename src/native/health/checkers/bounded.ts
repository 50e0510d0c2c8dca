import type { CheckOutcome } from '../state-machine.js';

/**
 * Runs `start` with a hard deadline and an optional abort signal, settling exactly once. `start` opens
 * its sockets, calls `done` with the outcome, and returns a cleanup that destroys them; the cleanup runs
 * on every path (success, error, timeout, abort) so no socket outlives its check.
 *
 * @param onTimeout the outcome when the deadline passes first (a failure, except UDP's silence).
 */
export function bounded(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onTimeout: CheckOutcome,
  start: (done: (outcome: CheckOutcome) => void) => () => void,
): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let cleanup: (() => void) | undefined;
    const finish = (outcome: CheckOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      try {
        cleanup?.();
      } catch {
        // A socket that is already gone cannot be destroyed twice; nothing to do.
      }
      resolve(outcome);
    };
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    // Expired timers can run before I/O that arrived while the process was stalled (GC, a busy node).
    // setImmediate runs after the next I/O poll, so a connect or status that came in time wins over
    // its own timeout instead of being judged a failure.
    const timer = setTimeout(() => setImmediate(() => finish(onTimeout)), timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      cleanup = start(finish);
    } catch (err) {
      finish({ ok: false, reason: errorReason(err) });
    }
    // `start` may have called done synchronously, before cleanup was known.
    if (settled) cleanup?.();
  });
}

/** A short reason for an error: its code when it has one (ECONNREFUSED), else its message. */
export function errorReason(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return `${e.code}: ${e.message}`;
    if (typeof e.message === 'string') return e.message;
  }
  return String(err);
}
