/**
 * TCP probers: the health monitor's fast path for TCP checks. Unlike a {@link Checker} they take a
 * callback instead of returning a promise and need no AbortSignal or timer per check, because at
 * 10,000 checks a second that per-check plumbing costs as much as the connect itself.
 */

/** How a probe ended: `ok`, or a failure reason in the style of the other checkers. */
export type ProbeDone = (ok: boolean, reason?: string) => void;

/** Runs TCP connect checks; each `probe` calls `done` exactly once unless it is cancelled first. */
export interface TcpProber {
  /** `native` (the epoll helper) or `js` (net.connect). */
  readonly kind: 'native' | 'js';
  /** Starts a check of `address:port` bounded by `timeoutMs`; returns a token for {@link cancel}. */
  probe(address: string, port: number, timeoutMs: number, done: ProbeDone): number;
  /** Ends a check early: its `done` is called with `aborted` now and its result is ignored. */
  cancel(token: number): void;
  /** Cancels every check and releases the prober (the helper process, the timer). */
  close(): void;
}

/** The reason of a check that did not connect in time (the same text on every path). */
export function timeoutReason(timeoutMs: number): string {
  return `timeout: no TCP connection within ${timeoutMs} ms`;
}
