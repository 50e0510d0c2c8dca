/**
 * Maps Azure SDK errors (`RestError`: statusCode, ARM error code) to NLBError. The message is Azure's
 * own, with the bearer token scrubbed should it ever appear.
 */
import { abortedError } from '../../common/abort.js';
import { codeForHttpStatus } from '../../common/http-status.js';
import { isNLBError, NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import { AZURE_DRIVER_NAME } from './az-name.js';

const BY_CODE: Record<string, NLBErrorCode> = {
  ResourceNotFound: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  ResourceGroupNotFound: 'NOT_FOUND',
  AuthorizationFailed: 'PERMISSION_DENIED',
  InvalidAuthenticationToken: 'PERMISSION_DENIED',
  AuthenticationFailed: 'PERMISSION_DENIED',
  CredentialUnavailableError: 'PERMISSION_DENIED',
  AnotherOperationInProgress: 'CONFLICT',
  PreconditionFailed: 'CONFLICT',
  RetryableError: 'UNAVAILABLE',
  InUsePublicIpAddressCannotBeDeleted: 'CONFLICT',
  PrivateIPAddressInUse: 'CONFLICT',
  PrivateIPAddressNotInSubnet: 'INVALID_ARGUMENT',
  TooManyRequests: 'THROTTLED',
};

/** Turns whatever an Azure call threw into an NLBError (NLBErrors pass through). */
export function mapAzureError(e: unknown, what: string, operation: string, signal?: AbortSignal): NLBError {
  if (isNLBError(e)) return e;
  if (signal?.aborted) return abortedError(signal, AZURE_DRIVER_NAME, operation);
  const o = (e ?? {}) as { statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown };
  const status = typeof o.statusCode === 'number' ? o.statusCode : undefined;
  const code = typeof o.code === 'string' ? o.code : typeof o.name === 'string' ? o.name : undefined;
  const message = String(o.message ?? e).replace(/Bearer\s+[\w.-]+/gi, 'Bearer [redacted]');
  const mapped: NLBErrorCode =
    (code ? BY_CODE[code] : undefined) ??
    (status !== undefined ? codeForHttpStatus(status) : undefined) ??
    (code !== undefined &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|REQUEST_SEND_ERROR)$/.test(code)
      ? 'UNAVAILABLE'
      : 'PROVIDER_ERROR');
  return new NLBError({
    code: mapped,
    driver: AZURE_DRIVER_NAME,
    operation,
    message: `${what}: ${code ? `${code}: ` : ''}${message}${mapped === 'PERMISSION_DENIED' ? ' (check the credential and its role on the resource group)' : ''}`,
    retryable: mapped === 'PERMISSION_DENIED' || mapped === 'PROVIDER_ERROR' ? false : undefined,
    cause: { statusCode: status, code, message },
  });
}

/** Whether `e` is Azure refusing a conditional PUT because the resource changed or exists (412). */
export const isPreconditionFailed = (e: unknown) =>
  (e as { cause?: { code?: string } })?.cause?.code === 'PreconditionFailed';
