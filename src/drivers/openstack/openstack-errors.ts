/**
 * Maps OpenStack HTTP answers and transport failures to NLBError. Each service words its errors in its
 * own JSON (Octavia `faultstring`, Neutron `NeutronError.message`, Nova `{itemNotFound: {message}}`,
 * Keystone `error.message`); the text is kept, with every known secret scrubbed from it first.
 */
import { z } from 'zod';
import { abortedError } from '../../common/abort.js';
import { codeForHttpStatus } from '../../common/http-status.js';
import { isNLBError, NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';

const Said = z.looseObject({ message: z.string() });
/** Each service's error body, as the text it says: the first shape that matches wins. */
const ErrorBody = z.union([
  z.string().transform((text) => text.trim().slice(0, 500) || undefined),
  // Octavia (wsme): faultstring, and on some errors only a description.
  z.looseObject({ faultstring: z.string() }).transform((b) => b.faultstring),
  z.looseObject({ description: z.string() }).transform((b) => b.description),
  z.looseObject({ NeutronError: Said }).transform((b) => b.NeutronError.message),
  // Keystone.
  z.looseObject({ error: Said }).transform((b) => b.error.message),
  // Nova: {itemNotFound: {message}}, {badRequest: {message}}, ...
  z.record(z.string(), z.unknown()).transform((b) => Said.safeParse(Object.values(b)[0]).data?.message),
]);

/** The human text of an OpenStack error body, whichever service wrote it. */
export function openStackMessage(body: unknown): string | undefined {
  return ErrorBody.safeParse(body).data;
}

/** Replaces each secret (8+ characters) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}

/** Octavia's exceptions to the common mapping. */
const OPENSTACK_STATUS_CODES = {
  // Over quota.
  413: 'THROTTLED',
  // A provider's UnsupportedOptionError (e.g. OVN asked for round robin).
  501: 'UNSUPPORTED',
} as const;

/** What to check when Keystone refuses the credentials: the variables they come from. */
export const OPENSTACK_CREDENTIALS_HINT =
  'check OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME and OS_USER_DOMAIN_NAME (or OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET), or the cloud OS_CLOUD names in clouds.yaml, or options.auth';

/**
 * An error for an HTTP answer that was not 2xx. A 401/403 says what to check: `authHint` when
 * Keystone refused to authenticate, else the credentials' role on the project.
 */
export function httpError(
  status: number,
  body: unknown,
  what: string,
  operation: string,
  secrets: readonly string[],
  authHint = 'check the credentials and the role on the project',
): NLBError {
  const code = codeForHttpStatus(status, OPENSTACK_STATUS_CODES) ?? 'PROVIDER_ERROR';
  const said = redact(openStackMessage(body) ?? 'no message', secrets);
  const hint = status === 401 || status === 403 ? ` (${authHint})` : '';
  return new NLBError({
    code,
    driver: OPENSTACK_DRIVER_NAME,
    operation,
    message: `${what}: HTTP ${status}: ${said}${hint}`,
    retryable: code === 'CONFLICT' ? false : undefined,
    cause: { status, message: said },
  });
}

/** An error for a request that got no answer: aborted, timed out or unreachable. */
export function transportError(
  e: unknown,
  what: string,
  operation: string,
  signal: AbortSignal | undefined,
  secrets: readonly string[],
): NLBError {
  if (isNLBError(e)) return e;
  if (signal?.aborted) return abortedError(signal, OPENSTACK_DRIVER_NAME, operation);
  const name = (e as { name?: unknown })?.name;
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const detail = redact(
    String(cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : e)),
    secrets,
  );
  const timedOut = name === 'TimeoutError';
  return new NLBError({
    code: timedOut ? 'TIMEOUT' : 'UNAVAILABLE',
    driver: OPENSTACK_DRIVER_NAME,
    operation,
    message: `${what}: ${timedOut ? 'no answer in time' : `cannot reach the endpoint (${detail})`}`,
  });
}

/** A failure of the driver's own making (bad catalog, resource in ERROR), never retryable. */
export function providerError(operation: string, message: string, code: NLBErrorCode = 'PROVIDER_ERROR') {
  return new NLBError({ code, driver: OPENSTACK_DRIVER_NAME, operation, message, retryable: false });
}
