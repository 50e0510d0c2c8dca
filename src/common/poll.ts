/**
 * Polling until a cloud resource settles: delays doubling from `minDelayMs` to `maxDelayMs`, TIMEOUT
 * after `maxWaitMs`, and the caller's AbortSignal interrupting the sleep between polls at once. A wait
 * given a progress step tells it when it begins and every {@link STILL_WAITING_EVERY_MS} after.
 */
import { NLBError } from '../interfaces/errors.js';
import { sleep } from './abort.js';
import type { ProgressReporter } from './progress.js';

/** How often a long wait tells its progress step that it is still waiting: every 10 s. */
export const STILL_WAITING_EVERY_MS = 10_000;

/**
 * How long and how often to poll; every field is required (no default).
 *
 * @example
 * const delays: PollDelays = { minDelayMs: 500, maxDelayMs: 5_000, maxWaitMs: 600_000 };
 */
export interface PollDelays {
  /** The first delay between polls; each next one doubles. */
  minDelayMs: number;
  /** The longest delay between polls. */
  maxDelayMs: number;
  /** How long to wait in all before TIMEOUT. */
  maxWaitMs: number;
}

/**
 * Calls `check` until it returns a value other than undefined, and returns that value; TIMEOUT after
 * `maxWaitMs`, ABORTED as soon as `ctx.signal` fires. With `step` (e.g. `wait-active`), tells
 * `ctx.progress` "waiting for <what>" first and "still waiting" while the wait goes on.
 *
 * @example
 * let polls = 0;
 * const delays = { minDelayMs: 10, maxDelayMs: 100, maxWaitMs: 5_000 };
 * const state = await pollUntil('toy', 'the load balancer to become active', delays, { operation: 'createNLB' },
 *   async () => (++polls >= 3 ? 'active' : undefined));
 */
export async function pollUntil<T>(
  driver: string,
  what: string,
  delays: PollDelays,
  ctx: { operation: string; signal?: AbortSignal | undefined; progress?: ProgressReporter | undefined },
  check: () => Promise<T | undefined>,
  step?: string,
): Promise<T> {
  const started = Date.now();
  const deadline = started + delays.maxWaitMs;
  let delay = delays.minDelayMs;
  const { progress } = ctx;
  const tell = step && progress ? (detail: string) => progress(step, detail) : undefined;
  let toldAt = started;
  tell?.(`waiting for ${what}`);
  for (;;) {
    const done = await check();
    if (done !== undefined) return done;
    if (tell && Date.now() - toldAt >= STILL_WAITING_EVERY_MS) {
      toldAt = Date.now();
      tell(`still waiting for ${what} (${Math.round((toldAt - started) / 1000)} s)`);
    }
    if (Date.now() + delay > deadline)
      throw new NLBError({
        code: 'TIMEOUT',
        driver,
        operation: ctx.operation,
        message: `gave up waiting for ${what} after ${delays.maxWaitMs} ms`,
      });
    await sleep(delay, ctx.signal, driver, ctx.operation);
    delay = Math.min(delays.maxDelayMs, delay * 2);
  }
}
