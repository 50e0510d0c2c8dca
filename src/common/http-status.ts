/** The NLBError code an HTTP status means, for cloud APIs whose body gave no better one. */
import type { NLBErrorCode } from '../interfaces/errors.js';

/** A driver's exceptions to the common mapping, by status, e.g. `{ 409: 'ALREADY_EXISTS' }`. */
export type HttpStatusOverrides = Readonly<Partial<Record<number, NLBErrorCode>>>;

/**
 * 400 INVALID_ARGUMENT, 401/403 PERMISSION_DENIED, 404 NOT_FOUND, 409 and 412 CONFLICT, 429 THROTTLED,
 * 5xx UNAVAILABLE, anything else undefined; `overrides` (default none) wins over all of these
 * (Compute Engine's 409 is an existing name, Octavia's 413 is over quota and its 501 an unsupported option).
 *
 * @example
 * codeForHttpStatus(409, { 409: 'ALREADY_EXISTS' }); // 'ALREADY_EXISTS'
 */
export function codeForHttpStatus(
  status: number,
  overrides: HttpStatusOverrides = {},
): NLBErrorCode | undefined {
  const own = overrides[status];
  if (own) return own;
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409 || status === 412) return 'CONFLICT';
  if (status === 429) return 'THROTTLED';
  return status >= 500 ? 'UNAVAILABLE' : undefined;
}
