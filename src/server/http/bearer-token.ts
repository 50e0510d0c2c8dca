/**
 * The bearer token that guards nlbkit's own API: compared in constant time (hono's bearerAuth), and
 * every failure answered 401 with the server's JSON error body. A token is at least 16 characters
 * of the RFC 6750 token alphabet, so a short guessable one is refused at start-up.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { NLBError } from '../../interfaces/errors.js';
import type { ErrorBody } from './error-response.js';

/** Tokens: 16-512 characters of letters, digits and `-._~+/`, optionally ending in `=`. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]{16,512}=*$/;

/** Checks a token given to the server; INVALID_ARGUMENT (never quoting it) when unfit. */
export function checkToken(token: string): string {
  if (!TOKEN_PATTERN.test(token))
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'server',
      operation: 'serve',
      message:
        "the bearer token must be 16-512 characters of letters, digits and '-._~+/' (e.g. openssl rand -hex 32)",
    });
  return token;
}

const unauthorized = (): Response =>
  new Response(
    JSON.stringify({
      code: 'PERMISSION_DENIED',
      message: 'missing or wrong bearer token (Authorization: Bearer <token>)',
      violations: [],
      retryable: false,
    } satisfies ErrorBody),
    { status: 401, headers: { 'content-type': 'application/json' } },
  );

/** Middleware that lets through only requests carrying `token` (a failure is an HTTPException with a 401 answer). */
export function requireBearerToken(token: string): MiddlewareHandler {
  return bearerAuth({
    token,
    // Node's synchronous SHA-256: hono's default (WebCrypto, async) costs a tenth of a millisecond a request.
    hashFunction: (text: string) => createHash('sha256').update(text).digest('hex'),
    noAuthenticationHeader: { message: unauthorized },
    invalidAuthenticationHeader: { message: unauthorized },
    invalidToken: { message: unauthorized },
  });
}
