/**
 * nlbkit GCP example: create a PUBLIC passthrough Network Load Balancer over two VMs in two zones,
 * read its health, swap its VM group, and delete it.
 *
 *   npx tsx examples/gcp/main.ts --fake      # against the local Compute Engine fake (what CI runs)
 *   GOOGLE_CLOUD_PROJECT=my-project CLOUDSDK_COMPUTE_REGION=europe-west1 \
 *     NLBKIT_GCP_NETWORK=default NLBKIT_GCP_VMS=web-1,web-2,web-3 npx tsx examples/gcp/main.ts
 *
 * Against a real project it needs `@google-cloud/compute`, Application Default Credentials (gcloud
 * auth application-default login, GOOGLE_APPLICATION_CREDENTIALS, or the metadata server), a network
 * and three VMs in the region. It creates one NLB (forwarding rule, backend service, health check,
 * one network endpoint group per zone) and deletes it all at the end.
 */
// In your project: import { createGcpDriver } from 'nlbkit/gcp';
import { createGcpDriver } from '../../src/drivers/gcp/index.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';

interface Setup {
  driver: NLBHandler;
  network: string;
  vms: string[];
  done(): Promise<void>;
}

/** The local fake: a network with three VMs over the region's zones; the real SDK talks to it over HTTP. */
async function fakeSetup(): Promise<Setup> {
  const { startGceFake } = await import('../../test/fakes/gcp/index.js');
  const { OAuth2Client } = await import('google-auth-library');
  const fake = await startGceFake();
  const net = fake.addNetwork('default');
  const vms = ['web-1', 'web-2', 'web-3'];
  for (const [i, vm] of vms.entries()) fake.addInstance(vm, fake.zones[i % fake.zones.length] as string, net);
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: fake.token, expiry_date: Date.now() + 3_600_000 });
  const driver = createGcpDriver({
    projectId: fake.project,
    region: fake.region,
    endpoint: `http://127.0.0.1:${fake.port}`,
    authClient,
    // Optional: the SDK module imported here (a bundler sees it) rather than by the driver.
    lib: { compute: await import('@google-cloud/compute') },
  });
  return { driver, network: 'default', vms, done: () => fake.close() };
}

/** A real project: project, region and credentials from the environment (ADC). */
async function liveSetup(): Promise<Setup> {
  const vms = (process.env.NLBKIT_GCP_VMS ?? '').split(',').filter(Boolean);
  if (vms.length < 3) throw new Error('set NLBKIT_GCP_VMS to three VM names (or run with --fake)');
  return {
    driver: createGcpDriver(),
    network: process.env.NLBKIT_GCP_NETWORK ?? 'default',
    vms,
    done: async () => undefined,
  };
}

const fake = process.argv.includes('--fake');
console.log(`mode: ${fake ? 'fake' : 'live'}`);
const setup = await (fake ? fakeSetup() : liveSetup());
const { driver } = setup;
const name = 'nlbkit-example';
try {
  const nlb = await driver.createNLB({
    iid: { nameId: name },
    vpcIID: { nameId: setup.network },
    type: 'PUBLIC',
    // Passthrough: the VMs serve on the listener's port.
    listener: { protocol: 'TCP', port: 8080 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: setup.vms.slice(0, 2).map((nameId) => ({ nameId })) },
    healthChecker: { protocol: 'HTTP', httpPath: '/healthz', interval: 10, timeout: 5, threshold: 2 },
  });
  console.log(`created: ${nlb.iid.nameId} type=${nlb.type} ip=${nlb.listener.ip} port=${nlb.listener.port}`);

  const health = await driver.getVMGroupHealthInfo(nlb.iid);
  console.log(
    `health: healthy=${health.healthyVMs.length} unhealthy=${health.unhealthyVMs.length} unknown=${health.unknownVMs.length}`,
  );

  const changed = await driver.changeVMGroupInfo(nlb.iid, {
    protocol: 'TCP',
    port: 8080,
    hashFields: 'FIVE_TUPLE',
    vms: [{ nameId: setup.vms[2] as string }],
  });
  console.log(
    `group changed: hash=${changed.vmGroup.hashFields} vms=${changed.vmGroup.vms.map((vm) => vm.nameId).join(',')}`,
  );

  try {
    // No port translation on GCP: a listener port other than the VMs' is refused before any write.
    await driver.changeListener(nlb.iid, { protocol: 'TCP', port: 80 });
  } catch (e) {
    console.log(`refused: ${(e as { code: string }).code}`);
  }

  await driver.deleteNLB(nlb.iid);
  console.log(`deleted: ${name}; left: ${(await driver.listIID()).length}`);
} finally {
  await setup.done();
}
