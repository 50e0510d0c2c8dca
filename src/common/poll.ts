/**
 * Polling until a cloud resource settles: delays doubling from `minDelayMs` to `maxDelayMs`, TIMEOUT
 * after `maxWaitMs`, and the caller's AbortSignal interrupting the sleep between polls at once.
 */
import { NLBError } from '../interfaces/errors.js';
import { sleep } from './abort.js';

/** How long and how often to poll. */
export interface PollDelays {
  minDelayMs: number;
  maxDelayMs: number;
  maxWaitMs: number;
}

/** Calls `check` until it returns a value other than undefined, and returns that value. */
export async function pollUntil<T>(
  driver: string,
  what: string,
  delays: PollDelays,
  ctx: { operation: string; signal?: AbortSignal },
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + delays.maxWaitMs;
  let delay = delays.minDelayMs;
  for (;;) {
    const done = await check();
    if (done !== undefined) return done;
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
