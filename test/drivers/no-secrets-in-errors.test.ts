/**
 * No planted secret is reachable from any error a cloud driver throws: each driver gets credentials
 * whose strings the test knows, every kind of error it produces is provoked (403, 401, 404, 409, 429,
 * 500 from its provider's fake, a network failure, an abort with the request in flight, invalid input),
 * and the whole object graph of each error (cause chain at any depth, hidden and symbol properties,
 * getters, Maps and Sets) and its `util.inspect(showHidden, depth: Infinity)` are searched for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNLBError } from '../../src/interfaces/errors.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import { FAKE_TOKEN } from '../fakes/azure/index.js';
import { type AwsWorld, startAwsWorld } from './aws/aws-world.js';
import { type AzureWorld, startAzureWorld } from './azure/azure-world.js';
import {
  CLOUD_DRIVERS,
  type CloudDriverName,
  cloudDriverAt,
  type PlantedCredentials,
} from './cloud-drivers-at.js';
import { type GcpWorld, startGcpWorld } from './gcp/gcp-world.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack/openstack-world.js';
import { secretsReachable } from './secret-walk.js';
import { closedLoopbackUrl, type SilentServer, startSilentServer } from './silent-server.js';

const AWS = {
  accessKeyId: 'ASIAPLANTEDKEYID7Q2Z',
  secretAccessKey: 'planted/aws/secret/key/wJalrXUtnFEMI/K7MDENG',
  sessionToken: 'planted-aws-session-token-FwoGZXIvYXdzEJr//////////wEaDO5',
};
const OS_PASSWORD = 'planted-openstack-password-9f3k';
const OS_APP_SECRET = 'planted-openstack-app-credential-secret-c81x';
const OS_WRONG_PASSWORD = 'planted-openstack-wrong-password-77zz';
/** The fakes accept fixed bearer tokens: those are the tokens planted. */
const GCP_TOKEN = 'fake-gce-access-token';

const creds: PlantedCredentials = {
  aws: AWS,
  azureToken: FAKE_TOKEN,
  gcpToken: GCP_TOKEN,
  openstack: { username: 'demo', password: OS_PASSWORD },
};
const PLANTED = [
  AWS.accessKeyId,
  AWS.secretAccessKey,
  AWS.sessionToken,
  FAKE_TOKEN,
  GCP_TOKEN,
  OS_PASSWORD,
  OS_APP_SECRET,
  OS_WRONG_PASSWORD,
];

/** A provider answer to provoke, by HTTP status, with the provider's own error code for it. */
const STATUSES: [number, { aws: string; azure: string; gcp: string }][] = [
  [403, { aws: 'AccessDenied', azure: 'AuthorizationFailed', gcp: 'forbidden' }],
  [401, { aws: 'InvalidClientTokenId', azure: 'InvalidAuthenticationToken', gcp: 'authError' }],
  [404, { aws: 'LoadBalancerNotFound', azure: 'ResourceNotFound', gcp: 'notFound' }],
  [409, { aws: 'ResourceInUse', azure: 'AnotherOperationInProgress', gcp: 'resourceInUseByAnotherResource' }],
  [429, { aws: 'Throttling', azure: 'TooManyRequests', gcp: 'rateLimitExceeded' }],
  [500, { aws: 'InternalFailure', azure: 'InternalServerError', gcp: 'backendError' }],
];

/** The error a call rejects with (a resolved call fails the test). */
async function errorOf(call: Promise<unknown>): Promise<unknown> {
  const e = await call.then(
    () => new Error('the call succeeded'),
    (x: unknown) => x,
  );
  expect(isNLBError(e), String(e)).toBe(true);
  return e;
}

function expectNoSecrets(error: unknown, what: string) {
  expect(secretsReachable(error, PLANTED), what).toEqual([]);
}

let silent: SilentServer;
let closedPort: string;
let aws: AwsWorld;
let azure: AzureWorld;
let gcp: GcpWorld;
let openstack: OpenStackWorld;
let openstackApp: OpenStackWorld;

beforeAll(async () => {
  silent = await startSilentServer();
  closedPort = await closedLoopbackUrl();
  [aws, azure, gcp, openstack, openstackApp] = await Promise.all([
    startAwsWorld({ driver: { credentials: AWS, maxRetries: 0 }, vmCount: 2 }),
    startAzureWorld({ vmCount: 2 }),
    startGcpWorld({ vmCount: 2 }),
    startOpenStackWorld({ fake: { credentials: { password: OS_PASSWORD } }, vmCount: 2 }),
    startOpenStackWorld({
      fake: { credentials: { applicationCredential: { id: 'app-1', secret: OS_APP_SECRET } } },
      driver: { auth: { type: 'applicationCredential', id: 'app-1', secret: OS_APP_SECRET } },
      vmCount: 2,
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([silent, aws, azure, gcp, openstack, openstackApp].map((w) => w?.close()));
});

/** Makes the provider answer the driver's first list call with `status`. */
function failFirstList(name: CloudDriverName, status: number, codes: (typeof STATUSES)[number][1]) {
  if (name === 'aws')
    aws.fake.failOn('DescribeLoadBalancers', { code: codes.aws, status, message: `injected ${status}` });
  if (name === 'azure') azure.fake.fail({ method: 'GET', path: /^loadBalancers/, status, code: codes.azure });
  if (name === 'gcp') gcp.fake.fail({ method: 'GET', path: /forwardingRules/, status, reason: codes.gcp });
  if (name === 'openstack')
    // A 401 makes the driver authenticate again and retry once: fail the retry too.
    for (const w of [openstack, openstackApp])
      w.fake.fail({
        method: 'GET',
        path: /loadbalancers/,
        status,
        message: `injected ${status}`,
        times: status === 401 ? 2 : 1,
      });
}

/** The drivers on their fakes (OpenStack twice: password and application credential). */
const onFake = (name: CloudDriverName): NLBHandler[] =>
  name === 'aws'
    ? [aws.driver]
    : name === 'azure'
      ? [azure.driver]
      : name === 'gcp'
        ? [gcp.driver]
        : [openstack.driver, openstackApp.driver];

describe.each(CLOUD_DRIVERS)('%s: no planted secret is reachable from an error', (name) => {
  it.each(STATUSES)('HTTP %i from the provider', async (status, codes) => {
    failFirstList(name, status, codes);
    for (const driver of onFake(name)) {
      const error = await errorOf(driver.listIID());
      expectNoSecrets(error, `HTTP ${status}`);
    }
  });

  it('a network failure (nothing listens)', async () => {
    const error = await errorOf(cloudDriverAt(name, closedPort, creds).listNLB());
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expectNoSecrets(error, 'network failure');
  });

  it('an abort with the request in flight', async () => {
    const driver = cloudDriverAt(name, silent.url, creds);
    const error = await errorOf(driver.getNLB({ nameId: 'web' }, { signal: AbortSignal.timeout(1500) }));
    expect(error).toMatchObject({ code: 'ABORTED' });
    expectNoSecrets(error, 'abort');
  });

  it('invalid input', async () => {
    for (const driver of onFake(name)) {
      const error = await errorOf(driver.getNLB({ nameId: 'not a name!' }));
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expectNoSecrets(error, 'invalid input');
    }
  });
});

describe('credentials the provider rejects', () => {
  it('AWS SignatureDoesNotMatch echoing the canonical request', async () => {
    aws.fake.failOn('DescribeLoadBalancers', {
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: `The request signature we calculated does not match. Credential=${AWS.accessKeyId}/20260101/us-east-1/elasticloadbalancing/aws4_request`,
    });
    expectNoSecrets(await errorOf(aws.driver.listNLB()), 'SignatureDoesNotMatch');
  });

  it('OpenStack: Keystone refuses a wrong password (401)', async () => {
    const driver = cloudDriverAt('openstack', openstack.fake.authUrl.replace(/\/v3$/, ''), {
      ...creds,
      openstack: { username: 'demo', password: OS_WRONG_PASSWORD },
    });
    const error = await errorOf(driver.listIID());
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED' });
    expectNoSecrets(error, 'Keystone 401');
  });

  it('OpenStack: the session token issued is never in an error either', async () => {
    openstack.fake.fail({ method: 'GET', path: /loadbalancers/, status: 403, message: 'forbidden' });
    const error = await errorOf(openstack.driver.listNLB());
    const tokens = [...openstack.fake.state.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    expect(secretsReachable(error, tokens)).toEqual([]);
  });
});
