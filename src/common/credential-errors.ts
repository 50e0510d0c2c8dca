/**
 * One mapping of credential failures for every cloud driver: a credential that is missing or that the
 * provider rejects is PERMISSION_DENIED (not retryable) with a hint naming the exact environment
 * variables (or option) to set; a token request that never got an answer (connection refused, DNS,
 * timeout) is UNAVAILABLE (retryable), whatever HTTP-like status the credential library put on it
 * (`@azure/identity` reports a network failure as an AuthenticationError with status 400). Messages are
 * one line: a credential chain's aggregate error (one paragraph per source) becomes its first line.
 */
import { NLBError } from '../interfaces/errors.js';
import { causeOf } from './provider-cause.js';

/** What a driver tells about its credentials. */
export interface CredentialHelp {
  driver: string;
  operation: string;
  /** How the message names them, e.g. `AWS credentials`. */
  what: string;
  /** What to do, naming the environment variables, e.g. `set AWS_ACCESS_KEY_ID and ...`. */
  hint: string;
  /** Scrubs secrets from a message (the driver's own redaction). */
  scrub?: (text: string) => string;
  /** Names the failed call at the message's start, e.g. `DescribeLoadBalancers`. */
  call?: string;
}

/**
 * The words that mark a transport failure (a request that got no answer), as Node, undici, gaxios, MSAL
 * and the Azure pipeline put them in an error's code, name or message. `UND_ERR_` is a prefix: every
 * undici error code.
 */
export const NETWORK_FAILURE_WORDS = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_',
  'REQUEST_SEND_ERROR',
  'network_error',
  'endpoints_resolution_error',
  'fetch failed',
  'socket hang up',
] as const;

const NETWORK = new RegExp(
  `\\b(${NETWORK_FAILURE_WORDS.map((w) => (w.endsWith('_') ? `${w}\\w+` : w)).join('|')})\\b`,
  'i',
);

/** The strings of `e` that can say it was a transport failure: codes, names, messages, causes. */
function transportWords(e: unknown, depth = 0): string[] {
  if (!e || typeof e !== 'object' || depth > 4) return typeof e === 'string' ? [e] : [];
  const o = e as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ['code', 'name', 'message', 'errno', 'type'])
    if (typeof o[key] === 'string') out.push(o[key] as string);
  const response = o.errorResponse as Record<string, unknown> | undefined;
  if (response) for (const v of Object.values(response)) if (typeof v === 'string') out.push(v);
  if (o.cause) out.push(...transportWords(o.cause, depth + 1));
  if (Array.isArray(o.errors)) for (const inner of o.errors) out.push(...transportWords(inner, depth + 1));
  return out;
}

/** Whether `e` (or what it wraps) is a request that got no answer. */
export function isNetworkFailure(e: unknown): boolean {
  return transportWords(e).some((w) => NETWORK.test(w));
}

/** The first line of `e`'s message, at most 200 characters. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line.trim();
}

/**
 * The NLBError for a credential that could not be had or was refused: UNAVAILABLE for a network
 * failure while fetching a token, PERMISSION_DENIED with `help.hint` otherwise.
 */
export function credentialError(e: unknown, help: CredentialHelp): NLBError {
  const scrub = help.scrub ?? ((text: string) => text);
  const said = scrub(firstLine(e));
  const at = help.call ? `${help.call}: ` : '';
  if (isNetworkFailure(e))
    return new NLBError({
      code: 'UNAVAILABLE',
      driver: help.driver,
      operation: help.operation,
      message: `${at}could not reach the service that issues ${help.what}: ${said}`,
      cause: causeOf(e, scrub),
    });
  return new NLBError({
    code: 'PERMISSION_DENIED',
    driver: help.driver,
    operation: help.operation,
    retryable: false,
    message: `${at}no usable ${help.what} (${said}): ${help.hint}`,
    cause: causeOf(e, scrub),
  });
}
