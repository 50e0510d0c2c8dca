/**
 * All-or-nothing for multi-step writes: each step that makes something registers how to unmake it;
 * on failure the undo steps run newest first, every one of them even if one fails, and without the
 * caller's AbortSignal (an aborted create must still clean up).
 */

import { isNLBError, NLBError } from '../interfaces/errors.js';
import { messageOf } from './error-text.js';

/**
 * A stack of undo steps; see the module comment.
 *
 * @example
 * const made = new Set<string>();
 * await new Rollback('toy')
 *   .run('createNLB', async (rb) => {
 *     rb.push('the target group', async () => made.delete('target group'));
 *     made.add('target group');
 *     throw new Error('the listener failed');
 *   })
 *   .catch(() => console.log(made.size)); // 0: the target group was removed again
 */
export class Rollback {
  readonly #steps: { what: string; undo: () => Promise<unknown> }[] = [];

  /** @param driver the driver's name, for the error that names leftovers. */
  constructor(private readonly driver: string) {}

  /**
   * Registers how to undo a step. Register it before sending the step's call and make it harmless
   * when the step never happened: an aborted or timed-out call may still have been applied.
   */
  push(what: string, undo: () => Promise<unknown>): void {
    this.#steps.push({ what, undo });
  }

  /**
   * Runs `body`; if it throws, undoes everything registered and rethrows. When an undo step fails too,
   * the error says what may be left (deleteNLB removes it) and keeps the original error's code.
   */
  async run<T>(operation: string, body: (rb: Rollback) => Promise<T>): Promise<T> {
    try {
      return await body(this);
    } catch (e) {
      const failed: string[] = [];
      for (const step of this.#steps.reverse()) {
        try {
          await step.undo();
        } catch (undoError) {
          failed.push(`${step.what} (${messageOf(undoError)})`);
        }
      }
      throw failed.length === 0 ? e : cleanupFailedError(this.driver, e, failed, operation);
    }
  }
}

/**
 * The error a failed multi-step operation reports when undoing it also failed: the original error's
 * code and retryability, plus what is left over, so the caller knows deleteNLB must finish the job.
 */
export function cleanupFailedError(
  driver: string,
  original: unknown,
  failed: readonly string[],
  operation: string,
): NLBError {
  const nlbError = isNLBError(original) ? original : undefined;
  return new NLBError({
    code: nlbError?.code ?? 'PROVIDER_ERROR',
    driver,
    operation,
    retryable: nlbError?.retryable,
    message: `${messageOf(original)}; clean-up failed for: ${failed.join(', ')} (deleteNLB removes what is left)`,
    cause: original,
  });
}
