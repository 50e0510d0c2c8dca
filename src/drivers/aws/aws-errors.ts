/**
 * Maps AWS SDK errors to NLBError codes. The cause is not the SDK's error, whose `$response` holds the
 * signed request (access key id, session token): it is a ProviderCause with the AWS code, the HTTP
 * status, the request id and the message, scrubbed of anything that looks like a credential (some
 * signature errors echo the canonical request, which names the access key).
 */
import { z } from 'zod';
import { abortedError } from '../../common/abort.js';
import { credentialError, isNetworkFailure } from '../../common/credential-errors.js';
import { lenient } from '../../common/provider-answer.js';
import { ProviderCause } from '../../common/provider-cause.js';
import { isNLBError, NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import { AWS_DRIVER_NAME } from './aws-options.js';

const CODES: Record<string, NLBErrorCode> = {};
const assign = (code: NLBErrorCode, names: string[]) => {
  for (const n of names) CODES[n] = code;
};
assign('NOT_FOUND', [
  'LoadBalancerNotFound',
  'TargetGroupNotFound',
  'ListenerNotFound',
  'InvalidInstanceID.NotFound',
  'InvalidVpcID.NotFound',
  'InvalidSubnetID.NotFound',
]);
assign('ALREADY_EXISTS', ['DuplicateLoadBalancerName', 'DuplicateTargetGroupName', 'DuplicateListener']);
assign('THROTTLED', [
  'Throttling',
  'ThrottlingException',
  'Throttled',
  'RequestLimitExceeded',
  'TooManyRequests',
  'RequestThrottled',
  'EC2Throttled',
]);
assign('INVALID_ARGUMENT', [
  'ValidationError',
  'Validation',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameter',
  'MissingParameter',
  'InvalidConfigurationRequest',
  'InvalidScheme',
  'InvalidSubnet',
  'UnsupportedProtocol',
  'IncompatibleProtocols',
  'InvalidVpcID.Malformed',
  'InvalidInstanceID.Malformed',
  'SubnetNotFound',
  'AvailabilityZoneNotSupported',
  'InvalidTarget',
]);
assign('CONFLICT', ['ResourceInUse', 'OperationNotPermitted', 'PriorityInUse', 'DuplicateTagKeys']);
assign('UNAVAILABLE', ['ServiceUnavailable', 'InternalFailure', 'InternalError', 'Unavailable']);
/** The credentials are fine but may not do this: the message points to the IAM policy in the docs. */
const NOT_ALLOWED = new Set(['AccessDenied', 'UnauthorizedOperation']);

/** Where the SDK's default chain looks for credentials first. */
export const AWS_CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE, or pass options.credentials';

/** AWS refused the credentials themselves (not retryable): what to check, by code. */
const REJECTED: Record<string, string> = {
  SignatureDoesNotMatch:
    "the secret access key does not belong to the access key id, or this machine's clock is more than 5 minutes off: check AWS_SECRET_ACCESS_KEY (or options.credentials) and the clock",
  ExpiredToken: 'the temporary credentials have expired: get new ones (AWS_SESSION_TOKEN, AWS_PROFILE)',
  InvalidClientTokenId: `AWS does not know the access key id: ${AWS_CREDENTIALS_HINT}`,
  InvalidAccessKeyId: `AWS does not know the access key id: ${AWS_CREDENTIALS_HINT}`,
  UnrecognizedClient: `AWS does not know the access key id: ${AWS_CREDENTIALS_HINT}`,
  AuthFailure: `AWS could not validate the credentials: ${AWS_CREDENTIALS_HINT}`,
  MissingAuthenticationToken: `the request was not signed: ${AWS_CREDENTIALS_HINT}`,
};

/**
 * What the driver reads of what an AWS call threw: the SDK's service exceptions carry `name` (their
 * class) and, from query protocols (ELBv2, EC2), `Code`; `$metadata` the HTTP status and request id;
 * Node's system errors a string `code`.
 */
const AwsThrown = z.looseObject({
  Code: lenient(z.string()),
  name: lenient(z.string()),
  code: lenient(z.string()),
  $metadata: lenient(z.looseObject({ httpStatusCode: lenient(z.number()), requestId: lenient(z.string()) })),
});
const readThrown = (e: unknown) => AwsThrown.safeParse(e).data ?? {};

/** The AWS error code of `e`: its `Code`, or its class name without the `Exception` suffix. */
export function awsErrorCode(e: unknown): string | undefined {
  const o = readThrown(e);
  return (o.Code ?? o.name)?.replace(/Exception$/, '');
}

const KEY_ID = /\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g;
const CREDENTIAL_SCOPE = /Credential=[^,\s]+/g;
const SIGNATURE = /Signature=[0-9a-f]+/gi;

/** Removes access-key ids, credential scopes, signatures and the given secrets from `text`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(KEY_ID, '[redacted]').replace(CREDENTIAL_SCOPE, 'Credential=[redacted]');
  out = out.replace(SIGNATURE, 'Signature=[redacted]');
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}

/** Context for mapping: which NLB operation and AWS action failed. */
export interface AwsErrorContext {
  operation: string;
  action: string;
  signal?: AbortSignal;
  /** Secret strings known to the driver (explicit credentials), scrubbed from messages. */
  secrets?: readonly string[];
}

/** Turns whatever an AWS call threw into an NLBError (NLBErrors pass through unchanged). */
export function mapAwsError(e: unknown, ctx: AwsErrorContext): NLBError {
  if (isNLBError(e)) return e;
  if (ctx.signal?.aborted) return abortedError(ctx.signal, AWS_DRIVER_NAME, ctx.operation);
  const code = awsErrorCode(e);
  const message = redact(e instanceof Error ? e.message : String(e), ctx.secrets);
  const thrown = readThrown(e);
  const sysCode = thrown.code;
  const status = thrown.$metadata?.httpStatusCode;
  const cause = new ProviderCause({
    name: e instanceof Error ? e.name : undefined,
    message,
    status,
    code: code ?? sysCode,
    requestId: thrown.$metadata?.requestId,
  });
  const make = (nlbCode: NLBErrorCode, text: string, retryable?: boolean) =>
    new NLBError({
      code: nlbCode,
      driver: AWS_DRIVER_NAME,
      operation: ctx.operation,
      message: `${ctx.action}: ${text}`,
      retryable,
      cause,
    });
  if (code && NOT_ALLOWED.has(code))
    return make(
      'PERMISSION_DENIED',
      `access denied (${code}): check the IAM policy in docs/drivers/aws.md. ${message}`,
      false,
    );
  const rejected = code ? REJECTED[code] : undefined;
  if (rejected)
    return make('PERMISSION_DENIED', `credentials refused (${code}): ${rejected}. ${message}`, false);
  if (code === 'CredentialsProviderError' || code === 'ProviderError' || code === 'TokenProviderError')
    return credentialError(e, {
      driver: AWS_DRIVER_NAME,
      operation: ctx.operation,
      what: 'AWS credentials',
      hint: AWS_CREDENTIALS_HINT,
      scrub: (text) => redact(text, ctx.secrets),
      call: ctx.action,
    });
  // The SDK's own words when neither options.region nor its chain (AWS_REGION, profile) gives one.
  if (/^Region is missing/.test(message))
    return make('INVALID_ARGUMENT', 'no AWS region: pass options.region or set AWS_REGION', false);
  const mapped = code ? CODES[code] : undefined;
  if (mapped) return make(mapped, `${code}: ${message}`);
  if (status === 429) return make('THROTTLED', `${code ?? 'HTTP 429'}: ${message}`);
  if (status !== undefined && status >= 500) return make('UNAVAILABLE', `${code ?? status}: ${message}`);
  if (code === 'TimeoutError' || code === 'RequestTimeout') return make('TIMEOUT', message);
  if (isNetworkFailure(e)) return make('UNAVAILABLE', `${sysCode ?? 'network'}: ${message}`);
  return make('PROVIDER_ERROR', `${code ?? 'error'}: ${message}`, false);
}
