import { NLBError } from '../interfaces/errors.js';

/** Throws an ABORTED NLBError if `signal` has fired. */
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

/** Waits `ms`, rejecting with an ABORTED NLBError as soon as `signal` fires. */
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
