/**
 * Maps Compute Engine errors to NLBError. The REST transport throws a GaxiosError (`status`: the HTTP
 * code, `message`: the JSON error body) with google-auth-library clients, or an error with a gRPC
 * `code` with other auth clients; an operation that ends in an error carries `error.errors[]` codes.
 */
import { z } from 'zod';
import { abortedError } from '../../common/abort.js';
import { credentialError, isNetworkFailure } from '../../common/credential-errors.js';
import { codeForHttpStatus } from '../../common/http-status.js';
import { lenient } from '../../common/provider-answer.js';
import { isNLBError, NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

/** Where Application Default Credentials come from, for a missing or refused credential. */
export const GCP_CREDENTIALS_HINT =
  'set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login`, or pass options.keyFilename or options.authClient';

const BY_REASON: Record<string, NLBErrorCode> = {
  notFound: 'NOT_FOUND',
  alreadyExists: 'ALREADY_EXISTS',
  conditionNotMet: 'CONFLICT',
  resourceInUseByAnotherResource: 'CONFLICT',
  resourceNotReady: 'CONFLICT',
  rateLimitExceeded: 'THROTTLED',
  userRateLimitExceeded: 'THROTTLED',
  quotaExceeded: 'THROTTLED',
  forbidden: 'PERMISSION_DENIED',
  authError: 'PERMISSION_DENIED',
  backendError: 'UNAVAILABLE',
};

/** Operation error codes (`Operation.error.errors[].code`). */
const BY_OPERATION_CODE: Record<string, NLBErrorCode> = {
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  RESOURCE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  RESOURCE_IN_USE_BY_ANOTHER_RESOURCE: 'CONFLICT',
  RESOURCE_NOT_READY: 'CONFLICT',
  QUOTA_EXCEEDED: 'THROTTLED',
  RATE_LIMIT_EXCEEDED: 'THROTTLED',
  INTERNAL_ERROR: 'UNAVAILABLE',
};

/** Compute Engine answers 409 for a name that is taken. */
const GCP_STATUS_CODES = { 409: 'ALREADY_EXISTS' } as const;

/** gRPC codes, as errors carry them with non-gaxios auth clients. */
const BY_GRPC: Record<number, NLBErrorCode> = {
  3: 'INVALID_ARGUMENT',
  4: 'TIMEOUT',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'THROTTLED',
  9: 'CONFLICT',
  10: 'CONFLICT',
  14: 'UNAVAILABLE',
  16: 'PERMISSION_DENIED',
};

/** Compute Engine's JSON error body: `{error: {code, message, errors: [{reason}]}}`. */
const ErrorBody = z.looseObject({
  error: z.looseObject({
    message: lenient(z.string()),
    errors: lenient(z.array(z.looseObject({ reason: lenient(z.string()) }))),
  }),
});

/** The `reason` and message of a Compute Engine JSON error body, when `text` is one. */
function parseBody(text: string): { reason?: string | undefined; message?: string | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const body = ErrorBody.safeParse(json).data;
  return { reason: body?.error.errors?.[0]?.reason, message: body?.error.message };
}

/** What the driver reads of what a Compute Engine call threw (a GaxiosError, or a gRPC-coded error). */
const GcpThrown = z.looseObject({
  status: lenient(z.number()),
  code: lenient(z.union([z.number(), z.string()])),
  message: lenient(z.string()),
  // The token endpoint's answer, when the auth client's refresh failed.
  response: lenient(z.looseObject({ data: lenient(z.looseObject({ error: lenient(z.string()) })) })),
});

const scrub = (s: string) => s.replace(/Bearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]');

/** OAuth token-endpoint refusals: the credential itself is bad (revoked, wrong client, no access). */
const TOKEN_REFUSAL = /^(invalid_grant|invalid_client|unauthorized_client|invalid_scope|access_denied)$/;

/** Turns whatever a Compute Engine call threw into an NLBError (NLBErrors pass through). */
export function mapGcpError(e: unknown, what: string, operation: string, signal?: AbortSignal): NLBError {
  if (isNLBError(e)) return e;
  if (signal?.aborted) return abortedError(signal, GCP_DRIVER_NAME, operation);
  const o = GcpThrown.safeParse(e).data ?? {};
  // The auth client's token refresh failed: a credential problem, not Compute Engine's answer.
  const oauth = o.response?.data?.error;
  if (oauth && TOKEN_REFUSAL.test(oauth))
    return credentialError(e, {
      driver: GCP_DRIVER_NAME,
      operation,
      what: 'Google credentials',
      hint: GCP_CREDENTIALS_HINT,
      scrub,
      call: what,
    });
  const raw = o.message ?? String(e);
  const body = parseBody(raw);
  const status =
    typeof o.status === 'number'
      ? o.status
      : typeof o.code === 'number' && o.code >= 100
        ? o.code
        : undefined;
  const grpc = typeof o.code === 'number' && o.code < 100 ? o.code : undefined;
  const errno = typeof o.code === 'string' ? o.code : undefined;
  const mapped: NLBErrorCode =
    (body.reason ? BY_REASON[body.reason] : undefined) ??
    (status !== undefined ? codeForHttpStatus(status, GCP_STATUS_CODES) : undefined) ??
    (grpc !== undefined ? BY_GRPC[grpc] : undefined) ??
    (isNetworkFailure(e) ? 'UNAVAILABLE' : 'PROVIDER_ERROR');
  const message = scrub(body.message ?? raw);
  return new NLBError({
    code: mapped,
    driver: GCP_DRIVER_NAME,
    operation,
    message: `${what}: ${body.reason ? `${body.reason}: ` : ''}${message}${mapped === 'PERMISSION_DENIED' ? ' (check the credentials and their roles on the project, e.g. Compute Network Admin)' : ''}`,
    retryable: mapped === 'PERMISSION_DENIED' || mapped === 'PROVIDER_ERROR' ? false : undefined,
    cause: { status, reason: body.reason, code: grpc ?? errno, message },
  });
}

/** The error of an operation that finished with `error.errors[]`. */
export function operationError(
  errors: { code?: string | null; message?: string | null }[],
  httpStatus: number | undefined,
  what: string,
  operation: string,
): NLBError {
  const first = errors[0] ?? {};
  const code =
    (first.code ? BY_OPERATION_CODE[first.code] : undefined) ??
    (httpStatus ? codeForHttpStatus(httpStatus, GCP_STATUS_CODES) : undefined) ??
    'PROVIDER_ERROR';
  return new NLBError({
    code,
    driver: GCP_DRIVER_NAME,
    operation,
    message: `${what}: ${errors.map((x) => `${x.code ?? 'ERROR'}: ${scrub(x.message ?? '')}`).join('; ')}`,
    retryable: code === 'PROVIDER_ERROR' ? false : undefined,
    cause: { errors, httpStatus },
  });
}

/** The reason of a mapped error, e.g. `alreadyExists` or `conditionNotMet`. */
export const reasonOf = (e: unknown): string | undefined =>
  isNLBError(e) ? z.looseObject({ reason: lenient(z.string()) }).safeParse(e.cause).data?.reason : undefined;
