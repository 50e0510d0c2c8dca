/**
 * Time as the health monitor sees it. Injected so the state machine and the scheduler can be tested
 * with a fake clock, fast and deterministic, instead of real sleeps.
 */

/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** The subset of timers the health code needs. `now()` is milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `Date.now()` and Node's timers. Timers are unref'd so a forgotten monitor never keeps
 * a process alive on its own.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
