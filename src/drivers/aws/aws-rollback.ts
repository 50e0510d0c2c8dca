/**
 * All-or-nothing for multi-step writes: each step that makes something registers how to unmake it;
 * on failure the undo steps run newest first, every one of them even if one fails, and without the
 * caller's AbortSignal (an aborted create must still clean up).
 */
import { cleanupFailedError } from './aws-errors.js';

/** A stack of undo steps; see the module comment. */
export class Rollback {
  readonly #steps: { what: string; undo: () => Promise<unknown> }[] = [];

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
          failed.push(`${step.what} (${undoError instanceof Error ? undoError.message : String(undoError)})`);
        }
      }
      throw failed.length === 0 ? e : cleanupFailedError(e, failed, operation);
    }
  }
}
