/** Option resolution: explicit options, then the OS_* environment, then defaults; errors without secrets. */
import { describe, expect, it } from 'vitest';
import { resolveOpenStackOptions } from '../../../src/drivers/openstack/os-options.js';

const env = {
  OS_AUTH_URL: 'https://keystone.example:5000/v3',
  OS_USERNAME: 'alice',
  OS_PASSWORD: 'env-password-secret',
  OS_PROJECT_NAME: 'web',
  OS_USER_DOMAIN_NAME: 'Users',
  OS_REGION_NAME: 'RegionTwo',
  OS_INTERFACE: 'internalURL',
};

describe('OpenStack options', () => {
  it('reads the OS_* variables the openstack CLI reads', () => {
    const o = resolveOpenStackOptions({}, env);
    expect(o).toMatchObject({
      authUrl: env.OS_AUTH_URL,
      auth: { username: 'alice', password: env.OS_PASSWORD, projectName: 'web', userDomainName: 'Users' },
      region: 'RegionTwo',
      interface: 'internal',
    });
  });

  it('prefers an application credential in the environment, and explicit options over both', () => {
    const app = resolveOpenStackOptions(
      {},
      { ...env, OS_APPLICATION_CREDENTIAL_ID: 'id1', OS_APPLICATION_CREDENTIAL_SECRET: 'app-secret-1234' },
    );
    expect(app.auth).toEqual({ type: 'applicationCredential', id: 'id1', secret: 'app-secret-1234' });
    const explicit = resolveOpenStackOptions(
      {
        authUrl: 'http://127.0.0.1:5000',
        region: 'R1',
        auth: { username: 'bob', password: 'pw-explicit-99', projectName: 'p' },
      },
      env,
    );
    expect(explicit).toMatchObject({
      authUrl: 'http://127.0.0.1:5000',
      region: 'R1',
      auth: { username: 'bob' },
    });
  });

  it('names what is missing or wrong, never a secret', () => {
    for (const [options, environment, path] of [
      [{}, {}, 'authUrl'],
      [{}, { OS_AUTH_URL: 'https://k/v3' }, 'auth'],
      [
        {},
        { ...env, OS_PASSWORD: undefined, OS_APPLICATION_CREDENTIAL_SECRET: 'only-a-secret-0000' },
        'auth',
      ],
      [{ authUrl: 'ftp://k' }, env, 'authUrl'],
      [{ waiter: { maxWaitMs: -1 } }, env, 'waiter.maxWaitMs'],
    ] as const) {
      let error: unknown;
      try {
        resolveOpenStackOptions(options as never, environment as never);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(`options.${path}`),
      });
      const text = JSON.stringify(error, Object.getOwnPropertyNames(error));
      for (const secret of ['env-password-secret', 'only-a-secret-0000']) expect(text).not.toContain(secret);
    }
  });
});
