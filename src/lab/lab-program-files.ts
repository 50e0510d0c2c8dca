/**
 * Finds the lab programs' files for `node` to run: plain `.js` when built, transpiled from `.ts` into
 * a cache when run from source (see runnable-program.ts).
 */
import { runnableProgram } from '../common/runnable-program.js';

/** A program that can be started in a namespace. */
export type LabProgram = 'lab-backend-main' | 'lab-client-main';

/** Resolves the path of `program`'s entry file, transpiling the sources first when needed. */
export function programFile(program: LabProgram): Promise<string> {
  return runnableProgram(import.meta.url, program);
}
