/**
 * Test helper: each cloud driver pointed at one loopback endpoint (a fake, a silent server, a closed
 * port), through its real SDK or client, with the credentials a test wants planted.
 */
import { OAuth2Client } from 'google-auth-library';
import { createAwsDriver } from '../../src/drivers/aws/index.js';
import { createAzureDriver } from '../../src/drivers/azure/index.js';
import { createGcpDriver } from '../../src/drivers/gcp/index.js';
import { createOpenStackDriver } from '../../src/drivers/openstack/index.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import type { CallOptions } from '../../src/interfaces/types.js';
import { redirectingHttpClient } from '../fakes/azure/index.js';

/** The credentials each driver is given. */
export interface PlantedCredentials {
  aws: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  azureToken: string;
  gcpToken: string;
  openstack: { username: string; password: string } | { applicationCredentialId: string; secret: string };
}

export const CLOUD_DRIVERS = ['aws', 'azure', 'gcp', 'openstack'] as const;
export type CloudDriverName = (typeof CLOUD_DRIVERS)[number];

/** The driver `name` sending everything to `endpoint` (`http://127.0.0.1:<port>`), without retries. */
export function cloudDriverAt(
  name: CloudDriverName,
  endpoint: string,
  creds: PlantedCredentials,
): NLBHandler {
  switch (name) {
    case 'aws':
      return createAwsDriver({ region: 'us-east-1', endpoint, credentials: creds.aws, maxRetries: 0 });
    case 'azure':
      return createAzureDriver({
        subscriptionId: '00000000-1111-2222-3333-444444444444',
        resourceGroup: 'nlbkit-rg',
        location: 'westeurope',
        credential: {
          getToken: async () => ({ token: creds.azureToken, expiresOnTimestamp: Date.now() + 3_600_000 }),
        },
        httpClient: redirectingHttpClient(endpoint),
        maxRetries: 0,
      });
    case 'gcp': {
      const authClient = new OAuth2Client();
      authClient.setCredentials({ access_token: creds.gcpToken, expiry_date: Date.now() + 3_600_000 });
      return createGcpDriver({
        projectId: 'nlbkit-test',
        region: 'europe-west1',
        endpoint,
        authClient,
      });
    }
    case 'openstack': {
      const o = creds.openstack;
      return createOpenStackDriver({
        authUrl: `${endpoint}/v3`,
        auth:
          'password' in o
            ? { username: o.username, password: o.password, projectName: 'demo' }
            : { type: 'applicationCredential', id: o.applicationCredentialId, secret: o.secret },
        region: 'RegionOne',
      });
    }
  }
}

const iid = { nameId: 'web' };
const group = { protocol: 'TCP' as const, port: 8080, vms: [{ nameId: 'vm-1' }] };

/** Every NLBHandler operation, with input that passes validation on every cloud driver. */
export const EVERY_OPERATION: [string, (d: NLBHandler, o: CallOptions) => Promise<unknown>][] = [
  ['listIID', (d, o) => d.listIID(o)],
  ['listNLB', (d, o) => d.listNLB(o)],
  ['getNLB', (d, o) => d.getNLB(iid, o)],
  [
    'createNLB',
    (d, o) =>
      d.createNLB(
        {
          iid,
          vpcIID: { nameId: 'main' },
          listener: { protocol: 'TCP', port: 8080 },
          vmGroup: group,
          healthChecker: { protocol: 'TCP' },
        },
        o,
      ),
  ],
  ['deleteNLB', (d, o) => d.deleteNLB(iid, o)],
  ['changeListener', (d, o) => d.changeListener(iid, { protocol: 'TCP', port: 8080 }, o)],
  ['changeVMGroupInfo', (d, o) => d.changeVMGroupInfo(iid, group, o)],
  ['addVMs', (d, o) => d.addVMs(iid, [{ nameId: 'vm-2' }], o)],
  ['removeVMs', (d, o) => d.removeVMs(iid, [{ nameId: 'vm-1' }], o)],
  ['getVMGroupHealthInfo', (d, o) => d.getVMGroupHealthInfo(iid, o)],
  ['changeHealthCheckerInfo', (d, o) => d.changeHealthCheckerInfo(iid, { protocol: 'TCP' }, o)],
];
