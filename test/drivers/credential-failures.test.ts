/**
 * Credential failures, one mapping for every cloud driver (src/common/credential-errors.ts): a missing
 * or refused credential is PERMISSION_DENIED naming the environment variables to set; a token request
 * that gets no answer is UNAVAILABLE and retryable; messages are one line. Also the messages that
 * named the wrong thing: AWS SignatureDoesNotMatch, a missing AWS region, GCP's and Azure's missing
 * options. Every network failure here is a real one, to a loopback port where nothing listens.
 */
import { createServer as createHttpServer } from 'node:http';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsCredentials, createAwsDriver } from '../../src/drivers/aws/index.js';
import { resolveAzureOptions } from '../../src/drivers/azure/azure-options.js';
import { createAzureDriver } from '../../src/drivers/azure/index.js';
import { resolveGcpOptions } from '../../src/drivers/gcp/gcp-options.js';
import { createGcpDriver } from '../../src/drivers/gcp/index.js';
import { isNLBError } from '../../src/interfaces/errors.js';
import { startAwsWorld } from './aws/aws-world.js';
import { driverOptionsFor as azureOptions, startAzureWorld } from './azure/azure-world.js';
import { cloudDriverAt } from './cloud-drivers-at.js';
import { driverOptionsFor as gcpOptions, startGcpWorld } from './gcp/gcp-world.js';
import { startOpenStackWorld } from './openstack/openstack-world.js';
import { closedLoopbackUrl } from './silent-server.js';

let closed: string;
beforeAll(async () => {
  closed = await closedLoopbackUrl();
});

/** The NLBError a call rejects with. */
async function errorOf(call: Promise<unknown>): Promise<Error & { code: string; retryable: boolean }> {
  const e = await call.then(
    () => new Error('the call succeeded'),
    (x: unknown) => x,
  );
  expect(isNLBError(e), String(e)).toBe(true);
  return e as Error & { code: string; retryable: boolean };
}

/** Runs `work` with these environment variables set (undefined: unset), then puts them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v))
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
  };
  apply(vars);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}

/** Env with no AWS configuration at all (and no instance metadata to ask). */
const NO_AWS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
};

describe('aws', () => {
  it('no credentials anywhere: PERMISSION_DENIED naming the variables, in one line', async () => {
    const error = await withEnv(NO_AWS, () =>
      errorOf(createAwsDriver({ region: 'us-east-1', endpoint: closed, maxRetries: 0 }).listIID()),
    );
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    expect(error.message).toContain('AWS_ACCESS_KEY_ID');
    expect(error.message).not.toContain('\n');
  });

  it('a credential provider that cannot reach its service: UNAVAILABLE, retryable', async () => {
    const driver = createAwsDriver({
      region: 'us-east-1',
      endpoint: closed,
      maxRetries: 0,
      credentials: async () => (await fetch(`${closed}/credentials`)).json() as Promise<AwsCredentials>,
    });
    expect(await errorOf(driver.listIID())).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });

  it('SignatureDoesNotMatch points at the secret key and the clock, not the IAM policy', async () => {
    const world = await startAwsWorld({ driver: { maxRetries: 0 } });
    try {
      world.fake.failOn('DescribeLoadBalancers', { code: 'SignatureDoesNotMatch', status: 403 });
      const error = await errorOf(world.driver.listIID());
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
      expect(error.message).toMatch(/clock/);
      expect(error.message).toContain('AWS_SECRET_ACCESS_KEY');
      expect(error.message).not.toMatch(/IAM policy/);
      world.fake.failOn('DescribeLoadBalancers', { code: 'AccessDenied', status: 403 });
      expect((await errorOf(world.driver.listIID())).message).toMatch(/IAM policy/);
    } finally {
      await world.close();
    }
  });

  it('no region anywhere: INVALID_ARGUMENT naming `region` and AWS_REGION', async () => {
    const error = await withEnv(NO_AWS, () =>
      errorOf(
        createAwsDriver({
          endpoint: closed,
          maxRetries: 0,
          credentials: { accessKeyId: 'AKIAREGIONTESTREGION', secretAccessKey: 'x'.repeat(40) },
        }).listIID(),
      ),
    );
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false });
    expect(error.message).toContain('options.region');
    expect(error.message).toContain('AWS_REGION');
  });
});

/** What `@azure/identity` throws (by shape: the package is an optional peer, not installed here). */
const identityError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name }, extra);

describe('azure', () => {
  const withCredential = async (getToken: () => Promise<never>) => {
    const world = await startAzureWorld({ vmCount: 1 });
    try {
      const driver = createAzureDriver(azureOptions(world.fake, { credential: { getToken } }));
      return await errorOf(driver.listIID());
    } finally {
      await world.close();
    }
  };

  it('AuthenticationError 400 from a network failure is UNAVAILABLE, not INVALID_ARGUMENT', async () => {
    const error = await withCredential(async () => {
      throw identityError(
        'AuthenticationError',
        'network_error: Network request failed\nStatus code: 400\nMore details: connect ECONNREFUSED',
        {
          statusCode: 400,
          errorResponse: { error: 'network_error', errorDescription: 'Network request failed' },
        },
      );
    });
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });

  it('a credential whose token request gets no answer is UNAVAILABLE', async () => {
    const error = await withCredential(async () => (await fetch(`${closed}/token`)).json() as never);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });

  it('no credential at all: PERMISSION_DENIED naming the variables, one line, not seven', async () => {
    const aggregate = [
      'ChainedTokenCredential authentication failed.',
      'CredentialUnavailableError: EnvironmentCredential is unavailable. No underlying credential could be used.',
      'CredentialUnavailableError: ManagedIdentityCredential: Authentication failed.',
      'CredentialUnavailableError: WorkloadIdentityCredential: is unavailable.',
      'CredentialUnavailableError: Azure CLI could not be found.',
      'CredentialUnavailableError: Azure PowerShell is not installed.',
      'CredentialUnavailableError: Azure Developer CLI could not be found.',
    ].join('\n');
    const error = await withCredential(async () => {
      throw identityError('AggregateAuthenticationError', aggregate, {
        errors: [identityError('CredentialUnavailableError', 'EnvironmentCredential is unavailable.')],
      });
    });
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('AZURE_CLIENT_SECRET');
  });

  it('a missing option names its variable', () => {
    expect(() =>
      resolveAzureOptions({}, { AZURE_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444' }),
    ).toThrow(/options\.resourceGroup is missing .*set AZURE_RESOURCE_GROUP/);
  });
});

describe('gcp', () => {
  it('a key file that is not there: PERMISSION_DENIED naming GOOGLE_APPLICATION_CREDENTIALS', async () => {
    const world = await startGcpWorld({ vmCount: 1 });
    try {
      const driver = createGcpDriver(
        gcpOptions(world.fake, { authClient: undefined, keyFilename: '/nonexistent/key.json' }),
      );
      const error = await errorOf(driver.listIID());
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
      expect(error.message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    } finally {
      await world.close();
    }
  });

  /** A token endpoint that refuses every refresh as Google's does for a revoked grant. */
  let tokenServer: ReturnType<typeof createHttpServer>;
  let tokenUrl: string;
  beforeAll(async () => {
    tokenServer = createHttpServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
      );
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(tokenServer.address() as { port: number }).port}/token`;
  });
  afterAll(() => new Promise<void>((resolve) => tokenServer.close(() => resolve())));

  const refreshingClient = (url: string) => {
    const client = new OAuth2Client({
      clientId: 'id',
      clientSecret: 'secret',
      endpoints: { oauth2TokenUrl: url },
    });
    client.setCredentials({ refresh_token: 'refresh' });
    return client;
  };

  it('a refresh token the token endpoint refuses is PERMISSION_DENIED, not INVALID_ARGUMENT', async () => {
    const world = await startGcpWorld({ vmCount: 1 });
    try {
      const driver = createGcpDriver(gcpOptions(world.fake, { authClient: refreshingClient(tokenUrl) }));
      const error = await errorOf(driver.listIID());
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
      expect(error.message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    } finally {
      await world.close();
    }
  });

  it('a token endpoint that cannot be reached is UNAVAILABLE', async () => {
    const world = await startGcpWorld({ vmCount: 1 });
    try {
      const driver = createGcpDriver(
        gcpOptions(world.fake, { authClient: refreshingClient(`${closed}/token`) }),
      );
      expect(await errorOf(driver.listIID())).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    } finally {
      await world.close();
    }
  });

  it('a missing project names GOOGLE_CLOUD_PROJECT', () => {
    expect(() => resolveGcpOptions({ region: 'europe-west1' }, {})).toThrow(
      /options\.projectId is missing .*set GOOGLE_CLOUD_PROJECT/,
    );
  });
});

describe('openstack', () => {
  const openStackAt = (endpoint: string, password: string) =>
    cloudDriverAt('openstack', endpoint, {
      aws: { accessKeyId: '', secretAccessKey: '', sessionToken: '' },
      azureToken: '',
      gcpToken: '',
      openstack: { username: 'demo', password },
    });

  it('Keystone refusing the password: PERMISSION_DENIED naming the OS_* variables', async () => {
    const world = await startOpenStackWorld({ vmCount: 1 });
    try {
      const driver = openStackAt(world.fake.authUrl.replace(/\/v3$/, ''), 'not-the-password');
      const error = await errorOf(driver.listIID());
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
      expect(error.message).toContain('OS_PASSWORD');
    } finally {
      await world.close();
    }
  });

  it('Keystone unreachable: UNAVAILABLE', async () => {
    const driver = openStackAt(closed, 'pw');
    expect(await errorOf(driver.listIID())).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });
});
