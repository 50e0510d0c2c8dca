/** One guarded call: the steps every operation of every driver goes through, in order. */
import type { AdoptOperation } from '../interfaces/adoption.js';
import { isNLBError, NLBError } from '../interfaces/errors.js';
import type { NLBOperation } from '../interfaces/handler.js';
import type { CallOptions } from '../interfaces/types.js';
import { signalOf, throwIfAborted } from './abort.js';
import type { BackendContext } from './driver-backend.js';
import { progressReporter } from './progress.js';
import { causeOf } from './provider-cause.js';

/**
 * Runs one operation the way every guarded call runs: options, abort check, `before`, body, a copy of
 * the result, and any non-NLBError mapped to PROVIDER_ERROR (with a safe cause, never the error).
 */
export async function guardedCall<T>(
  driver: string,
  operation: NLBOperation | AdoptOperation,
  opts: CallOptions | undefined,
  before: ((signal?: AbortSignal) => Promise<void>) | undefined,
  body: (ctx: BackendContext) => Promise<T>,
): Promise<T> {
  try {
    const signal = signalOf(opts, driver, operation);
    const progress = progressReporter(opts, driver, operation);
    const ctx: BackendContext = { operation, signal, progress };
    throwIfAborted(signal, driver, operation);
    await before?.(signal);
    return structuredClone(await body(ctx));
  } catch (e) {
    if (isNLBError(e)) throw e;
    throw new NLBError({
      code: 'PROVIDER_ERROR',
      driver,
      operation,
      message: e instanceof Error ? e.message : 'unexpected error',
      // Not `e` itself: an SDK's error may hold its request, credentials included.
      cause: causeOf(e),
    });
  }
}
