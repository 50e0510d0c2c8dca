/** The NLBError code an HTTP status means, for cloud APIs whose body gave no better one. */
import type { NLBErrorCode } from '../interfaces/errors.js';

/**
 * 400 INVALID_ARGUMENT, 401/403 PERMISSION_DENIED, 404 NOT_FOUND, 409 (`conflict409`, CONFLICT by
 * default: Compute Engine uses it for an existing name), 412 CONFLICT, 429 THROTTLED, 5xx UNAVAILABLE.
 */
export function codeForHttpStatus(
  status: number,
  conflict409: NLBErrorCode = 'CONFLICT',
): NLBErrorCode | undefined {
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return conflict409;
  if (status === 412) return 'CONFLICT';
  if (status === 429) return 'THROTTLED';
  return status >= 500 ? 'UNAVAILABLE' : undefined;
}
