/** Shared by the drivers' *-answers tests: a planted value, and the NLBError a call must fail with. */
import { expect } from 'vitest';
import { isNLBError, type NLBError } from '../../src/interfaces/errors.js';

/** Planted in odd answers: no error message may repeat it. */
export const ODD = 'odd-value-that-must-not-leak';

/** The NLBError `p` rejects with (fails the test if it resolves or rejects with anything else). */
export const nlbFailure = (p: Promise<unknown>): Promise<NLBError> =>
  p.then(
    () => expect.fail('expected a failure'),
    (e: unknown) => {
      expect(isNLBError(e)).toBe(true);
      return e as NLBError;
    },
  );
