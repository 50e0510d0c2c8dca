/**
 * Progress of long operations: the caller's `onProgress`, read once with the signal and wrapped so a
 * display that throws (or rejects) never fails the operation, stamped with the operation and the time
 * since it began.
 */
import { violationsError } from '../interfaces/errors.js';
import type { CallOptions, ProgressEvent } from '../interfaces/types.js';

/**
 * Tells the caller one step of the operation: `step` a short, stable kebab-case id
 * (`create-target-group`, `wait-active`), `detail` the step in words. Never throws. A backend gets
 * one as `ctx.progress`.
 *
 * @example
 * async function create(ctx: BackendContext): Promise<void> {
 *   ctx.progress('create-pool', "creating pool 'web'");
 * }
 */
export type ProgressReporter = (step: string, detail?: string) => void;

/** A reporter that tells no one (no `onProgress` given). */
export const silentProgress: ProgressReporter = () => {};

/**
 * The reporter for one call: reads `opts.onProgress` once. A value that is neither a function nor
 * undefined, or that cannot be read (a throwing getter, a revoked proxy), is INVALID_ARGUMENT, before
 * anything is done. `opts` itself has been checked by `signalOf`.
 */
export function progressReporter(
  opts: CallOptions | undefined,
  driver: string,
  operation: string,
): ProgressReporter {
  if (opts === undefined) return silentProgress;
  const invalid = (message: string) =>
    violationsError(driver, operation, [{ path: 'opts.onProgress', message, code: 'INVALID_ARGUMENT' }]);
  let onProgress: unknown;
  try {
    onProgress = opts.onProgress;
  } catch {
    throw invalid('could not be read (a getter or proxy trap threw)');
  }
  if (onProgress === undefined) return silentProgress;
  if (typeof onProgress !== 'function') throw invalid('must be a function');
  const tell = onProgress as (event: ProgressEvent) => unknown;
  const start = performance.now();
  return (step, detail) => {
    const event: ProgressEvent = { operation, step, elapsedMs: Math.round(performance.now() - start) };
    if (detail !== undefined) event.detail = detail;
    try {
      const returned = tell(event);
      // An async callback's rejection would otherwise be unhandled (and end the process).
      if (returned instanceof Promise) returned.catch(() => undefined);
    } catch {
      // A broken progress display never fails the operation it reports on.
    }
  };
}
