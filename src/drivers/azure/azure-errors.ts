/**
 * Maps Azure SDK errors (`RestError`: statusCode, ARM error code) to NLBError. The message is Azure's
 * own, with the bearer token scrubbed should it ever appear.
 */
import { z } from 'zod';
import { abortedError } from '../../common/abort.js';
import { credentialError, isNetworkFailure } from '../../common/credential-errors.js';
import { codeForHttpStatus } from '../../common/http-status.js';
import { lenient } from '../../common/provider-answer.js';
import { isNLBError, NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';

/** What the driver reads of what an Azure call threw (a RestError, or a credential's error). */
const AzureThrown = z.looseObject({
  statusCode: lenient(z.number()),
  code: lenient(z.string()),
  name: lenient(z.string()),
  message: lenient(z.string()),
  // RestError.details: ARM's error body, {error: {code, message}}, when the SDK kept it parsed.
  details: lenient(
    z.looseObject({ error: z.looseObject({ code: lenient(z.string()), message: lenient(z.string()) }) }),
  ),
});

const BY_CODE: Record<string, NLBErrorCode> = {
  ResourceNotFound: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  ResourceGroupNotFound: 'NOT_FOUND',
  AuthorizationFailed: 'PERMISSION_DENIED',
  InvalidAuthenticationToken: 'PERMISSION_DENIED',
  AuthenticationFailed: 'PERMISSION_DENIED',
  AnotherOperationInProgress: 'CONFLICT',
  PreconditionFailed: 'CONFLICT',
  RetryableError: 'UNAVAILABLE',
  InUsePublicIpAddressCannotBeDeleted: 'CONFLICT',
  PrivateIPAddressInUse: 'CONFLICT',
  PrivateIPAddressNotInSubnet: 'INVALID_ARGUMENT',
  TooManyRequests: 'THROTTLED',
};

/** Errors `@azure/identity` credentials throw (by name: the package is optional). */
const CREDENTIAL_ERRORS = new Set([
  'AuthenticationError',
  'AggregateAuthenticationError',
  'CredentialUnavailableError',
  'AuthenticationRequiredError',
]);

/** What DefaultAzureCredential reads first, for the hint of a missing or refused credential. */
export const AZURE_CREDENTIAL_HINT =
  'set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a service principal), or sign in with `az login`, or pass options.credential';

const scrubToken = (text: string) => text.replace(/Bearer\s+[\w.-]+/gi, 'Bearer [redacted]');

/** Turns whatever an Azure call threw into an NLBError (NLBErrors pass through). */
export function mapAzureError(e: unknown, what: string, operation: string, signal?: AbortSignal): NLBError {
  if (isNLBError(e)) return e;
  if (signal?.aborted) return abortedError(signal, AZURE_DRIVER_NAME, operation);
  const o = AzureThrown.safeParse(e).data ?? {};
  // A credential's failure, not Resource Manager's answer: its status (400 for a network failure)
  // says nothing about the request.
  if (o.name && CREDENTIAL_ERRORS.has(o.name))
    return credentialError(e, {
      driver: AZURE_DRIVER_NAME,
      operation,
      what: 'Azure credential',
      hint: AZURE_CREDENTIAL_HINT,
      scrub: scrubToken,
      call: what,
    });
  const status = o.statusCode;
  const code = o.code ?? o.details?.error.code ?? o.name;
  const message = scrubToken(o.message ?? o.details?.error.message ?? String(e));
  const mapped: NLBErrorCode =
    (code ? BY_CODE[code] : undefined) ??
    (status !== undefined ? codeForHttpStatus(status) : undefined) ??
    (isNetworkFailure(e) ? 'UNAVAILABLE' : 'PROVIDER_ERROR');
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
  isNLBError(e) && z.looseObject({ code: z.literal('PreconditionFailed') }).safeParse(e.cause).success;
