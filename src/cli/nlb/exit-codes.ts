/**
 * The exit code of every `nlbkit nlb` / `nlbkit capabilities` outcome, one table (docs/cli.md#exit-codes):
 * 0 success, 1 a usage error (as commander reports it) or an unexpected failure, and one code per
 * NLBError code from 10 up, so a script can branch on `$?` without parsing text.
 */
import { isNLBError, type NLBErrorCode } from '../../interfaces/errors.js';

/** Every NLBError code's exit code. */
export const EXIT_CODES: Readonly<Record<NLBErrorCode, number>> = {
  NOT_FOUND: 10,
  ALREADY_EXISTS: 11,
  INVALID_ARGUMENT: 12,
  UNSUPPORTED: 13,
  CONFLICT: 14,
  THROTTLED: 15,
  UNAVAILABLE: 16,
  TIMEOUT: 17,
  ABORTED: 18,
  PERMISSION_DENIED: 19,
  PROVIDER_ERROR: 20,
};

/** Success. */
export const EXIT_OK = 0;
/** A usage error (commander's own code) or a failure that is not an NLBError. */
export const EXIT_OTHER = 1;

/** The exit code for what a command threw. */
export function exitCodeOf(e: unknown): number {
  return isNLBError(e) ? (EXIT_CODES[e.code] ?? EXIT_OTHER) : EXIT_OTHER;
}
