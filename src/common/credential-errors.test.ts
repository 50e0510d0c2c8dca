import { describe, expect, it } from 'vitest';
import { closedLoopbackUrl } from '../../test/drivers/silent-server.js';
import { credentialError, isNetworkFailure } from './credential-errors.js';

const help = { driver: 'x', operation: 'listNLB', what: 'X credentials', hint: 'set X_KEY' };

/** A real failed fetch: to a loopback port that was just free. */
async function failedFetch(): Promise<unknown> {
  const url = await closedLoopbackUrl();
  return fetch(`${url}/token`).catch((e: unknown) => e);
}

describe('credentialError', () => {
  it('a token request that got no answer is UNAVAILABLE and retryable (the cause says why)', async () => {
    const e = await failedFetch();
    expect(isNetworkFailure(e)).toBe(true);
    expect(credentialError(e, help)).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });

  it('a status on a network failure (AuthenticationError 400) does not make it a bad request', () => {
    const e = Object.assign(new Error('network_error: Network request failed'), {
      name: 'AuthenticationError',
      statusCode: 400,
      errorResponse: { error: 'network_error' },
    });
    expect(credentialError(e, help)).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('anything else is PERMISSION_DENIED with the hint, in one line', () => {
    const e = new Error('No credential in the chain.\nEnvironment: unset\nCLI: not installed\n...');
    const mapped = credentialError(e, { ...help, call: 'GET thing' });
    expect(mapped).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    expect(mapped.message).toBe(
      '[nlbkit] [x] listNLB: GET thing: no usable X credentials (No credential in the chain.): set X_KEY',
    );
    expect(isNetworkFailure(e)).toBe(false);
  });
});
