/**
 * How the spider routes answer a failure. CB-Spider answers every handler error with HTTP 500 and
 * `{"message":"<text>"}` (NLBRest.go: `echo.NewHTTPError(http.StatusInternalServerError, err.Error())`)
 * although its API docs advertise 400 and 404; that is the default here, so its clients work unchanged.
 * With `errors: 'http'` the status follows the NLBError code (the same table as nlbkit's /v1 API) and
 * the body adds `code`, `retryable` and `violations`.
 */
import type { Context } from 'hono';
import { isNLBError, type NLBError } from '../../interfaces/errors.js';
import { STATUS_OF_CODE } from '../http/error-response.js';

/** `spider`: CB-Spider's 500 `{"message"}`. `http`: real status codes and machine-readable errors. */
export type SpiderErrorMode = 'spider' | 'http';

/**
 * A request refused before any driver call (unreadable, too large, invalid). It keeps its 4xx status
 * in both modes: CB-Spider's own docs give 400 for "invalid JSON structure or missing fields".
 */
export class InputRejected extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly error: NLBError,
  ) {
    super(error.message);
  }
}

const body = (e: NLBError, mode: SpiderErrorMode) =>
  mode === 'spider'
    ? { message: e.message }
    : {
        message: e.message,
        code: e.code,
        retryable: e.retryable,
        violations: e.violations.map((v) => ({ path: v.path, message: v.message, code: v.code })),
      };

/** The answer for anything a spider route threw. */
export function spiderErrorResponse(c: Context, e: unknown, mode: SpiderErrorMode): Response {
  if (e instanceof InputRejected) return c.json(body(e.error, mode), e.status);
  if (isNLBError(e)) {
    if (mode === 'spider') return c.json(body(e, mode), 500);
    if (e.code === 'THROTTLED') c.header('Retry-After', '1');
    return c.json(body(e, mode), STATUS_OF_CODE[e.code] ?? 500);
  }
  // Not ours to describe: an unexpected error's text may hold anything, so it is not sent.
  return c.json({ message: 'internal error' }, 500);
}
