/**
 * Retrying a store write that lost a race with another writer process. Immediate retries made writers
 * collide again in lock step (4 processes lost 1-5% of creates after 10 tries); a full-jitter
 * exponential backoff spreads them out, and a deadline, not a try count, bounds the wait.
 */
import { sleep } from '../../common/abort.js';
import type { BackendContext } from '../../driver-kit/index.js';
import { NLBError } from '../../interfaces/errors.js';
import { DRIVER_NAME } from './native-capabilities.js';

/** How a write retries under contention. */
export interface ContentionRetry {
  /** Give up after this long, in ms. */
  deadlineMs: number;
  /** First backoff ceiling, in ms (doubles per try up to `maxDelayMs`). Default 5. */
  minDelayMs?: number;
  /** Largest backoff ceiling, in ms. Default 250. */
  maxDelayMs?: number;
}

/**
 * Runs `step` until it succeeds, retrying while `again(error)` holds, with full-jitter backoff, until
 * `retry.deadlineMs` has passed; then `exhausted(lastError)` is thrown. The caller's signal interrupts
 * a backoff at once (ABORTED).
 */
export async function retryOnContention<T>(
  step: (attempt: number) => Promise<T>,
  again: (e: unknown) => boolean,
  exhausted: (e: unknown) => unknown,
  retry: ContentionRetry,
  ctx: BackendContext,
): Promise<T> {
  const deadline = Date.now() + retry.deadlineMs;
  let ceiling = retry.minDelayMs ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (e) {
      if (!again(e)) throw e;
      if (Date.now() >= deadline) throw exhausted(e);
      await sleep(Math.random() * ceiling, ctx.signal, DRIVER_NAME, ctx.operation);
      ceiling = Math.min(ceiling * 2, retry.maxDelayMs ?? 250);
    }
  }
}

/** What a write whose store never settled throws: not CONFLICT (no one changed its NLB), retryable. */
export const storeKeptChanging = (deadlineMs: number, ctx: BackendContext, cause: unknown): NLBError =>
  new NLBError({
    code: 'UNAVAILABLE',
    driver: DRIVER_NAME,
    operation: ctx.operation,
    retryable: true,
    message: `other writers kept changing the store for ${deadlineMs} ms, so this write could not be placed; nothing was written, try again`,
    cause,
  });
