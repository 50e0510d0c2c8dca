import { NLBError, violationsError } from '../interfaces/errors.js';
import type { CallOptions } from '../interfaces/types.js';

/**
 * Throws an ABORTED NLBError if `signal` has fired: call it before each side effect of a long step.
 *
 * @example
 * try {
 *   throwIfAborted(AbortSignal.abort(), 'toy', 'createNLB');
 * } catch (e) {
 *   console.log(isNLBError(e) && e.code); // 'ABORTED'
 * }
 */
export function throwIfAborted(signal: AbortSignal | undefined, driver: string, operation: string): void {
  if (signal?.aborted) throw abortedError(signal, driver, operation);
}

/** The error an aborted call rejects with; the signal's reason is kept as `cause`. */
export function abortedError(signal: AbortSignal, driver: string, operation: string): NLBError {
  return new NLBError({
    code: 'ABORTED',
    driver,
    operation,
    message: 'the call was aborted',
    cause: signal.reason,
  });
}

/**
 * Waits `ms`, rejecting with an ABORTED NLBError as soon as `signal` fires.
 *
 * @example
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 10);
 * await sleep(60_000, controller.signal, 'toy', 'createNLB').catch((e) => console.log(e.code)); // 'ABORTED'
 */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  driver: string,
  operation: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal, driver, operation));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal, driver, operation));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The caller's signal, read once from `opts`. Options that are not an object or cannot be read (a
 * throwing getter, a revoked proxy), or a signal that is not an AbortSignal (of any realm), are
 * INVALID_ARGUMENT, before anything is done.
 */
export function signalOf(
  opts: CallOptions | undefined,
  driver: string,
  operation: string,
): AbortSignal | undefined {
  if (opts === undefined) return undefined;
  const invalid = (path: string, message: string) =>
    violationsError(driver, operation, [{ path, message, code: 'INVALID_ARGUMENT' }]);
  if (typeof opts !== 'object' || opts === null) throw invalid('opts', 'must be an object');
  let signal: AbortSignal | undefined;
  let usable: boolean;
  try {
    signal = opts.signal;
    // What the drivers use of a signal must be there and readable.
    usable =
      signal === undefined ||
      (typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function');
  } catch {
    throw invalid('opts.signal', 'could not be read (a getter or proxy trap threw)');
  }
  if (!usable) throw invalid('opts.signal', 'must be an AbortSignal');
  return signal;
}

/**
 * Settles as `work` does, or rejects with ABORTED as soon as `signal` fires, whichever is first. For
 * waits the caller cannot cancel itself (a shared token request, a transport that ignores the
 * signal): the caller is released at once; `work` goes on and its outcome is ignored.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  driver: string,
  operation: string,
): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortedError(signal, driver, operation));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(abortedError(signal, driver, operation));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
