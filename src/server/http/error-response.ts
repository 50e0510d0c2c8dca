/**
 * NLBError -> HTTP: the status each code answers with, and the JSON body `{code, message, violations,
 * retryable}`. Why 400 for INVALID_ARGUMENT and 422 for UNSUPPORTED: see docs/server.md#errors.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { isNLBError, type NLBError, type NLBErrorCode, type Violation } from '../../interfaces/errors.js';
import type { ServerEnv } from './server-env.js';

/** The HTTP status of every NLBError code. */
export const STATUS_OF_CODE: Readonly<Record<NLBErrorCode, ContentfulStatusCode>> = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  // Wrong for every driver: the request itself is bad.
  INVALID_ARGUMENT: 400,
  // Valid, but this connection's driver cannot do it: the route exists and works for other input.
  UNSUPPORTED: 422,
  THROTTLED: 429,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  PERMISSION_DENIED: 403,
  // The operation was stopped: by the server shutting down, or a client that is gone anyway.
  ABORTED: 503,
  // The provider failed in a way no other code describes.
  PROVIDER_ERROR: 502,
};

/** Seconds a throttled client is told to wait (Retry-After) when nothing better is known. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** The JSON body of every error answer. */
export const errorBodySchema = z.object({
  code: z.enum([
    'NOT_FOUND',
    'ALREADY_EXISTS',
    'INVALID_ARGUMENT',
    'UNSUPPORTED',
    'CONFLICT',
    'THROTTLED',
    'UNAVAILABLE',
    'TIMEOUT',
    'ABORTED',
    'PERMISSION_DENIED',
    'PROVIDER_ERROR',
  ]),
  message: z.string(),
  violations: z.array(
    z.object({
      path: z.string(),
      message: z.string(),
      allowed: z.string().optional(),
      code: z.enum(['INVALID_ARGUMENT', 'UNSUPPORTED']),
    }),
  ),
  retryable: z.boolean(),
});

/** The JSON body of an error answer. */
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The body for an NLBError (its message, violations and retryable; never its cause). */
export function errorBody(e: NLBError): ErrorBody {
  return {
    code: e.code,
    message: e.message,
    violations: e.violations.map((v: Violation) =>
      v.allowed === undefined
        ? { path: v.path, message: v.message, code: v.code }
        : { path: v.path, message: v.message, allowed: v.allowed, code: v.code },
    ),
    retryable: e.retryable,
  };
}

/** Answers `e` (an NLBError, or anything else as a 500 PROVIDER_ERROR without details). */
export function errorResponse(c: Context<ServerEnv>, e: unknown): Response {
  if (!isNLBError(e))
    return c.json(
      { code: 'PROVIDER_ERROR', message: 'internal server error', violations: [], retryable: false },
      500,
    );
  if (e.code === 'THROTTLED') c.header('Retry-After', String(DEFAULT_RETRY_AFTER_SECONDS));
  c.set('errorCode', e.code);
  return c.json(errorBody(e), STATUS_OF_CODE[e.code]);
}

/** An error answer not raised by a driver (auth, routing, body size), in the same shape. */
export function plainError(
  c: Context<ServerEnv>,
  status: ContentfulStatusCode,
  code: NLBErrorCode,
  message: string,
): Response {
  c.set('errorCode', code);
  return c.json({ code, message, violations: [], retryable: false } satisfies ErrorBody, status);
}
