/**
 * nlbkit OpenStack example: create a PUBLIC load balancer (VIP plus floating IP) over two VMs, look at
 * its health, move the listener to another port, swap the VM group, and delete it.
 *
 *   npx tsx examples/openstack/main.ts --fake      # against the local OpenStack fake (what CI runs)
 *   source openrc.sh; NLBKIT_OS_NETWORK=private NLBKIT_OS_FLOATING=public \
 *     NLBKIT_OS_VMS=web-1,web-2,web-3 npx tsx examples/openstack/main.ts
 *
 * Against a real cloud it needs the OS_* variables of an openrc file (or an application credential),
 * Octavia in the catalog, a tenant network with three servers on it, and an external network for the
 * floating IP. It creates one load balancer and deletes it at the end. Without OS_AUTH_URL it uses the fake.
 */
// In your project: import { createOpenStackDriver } from 'nlbkit/openstack';
import { createOpenStackDriver } from '../../src/drivers/openstack/index.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';

interface Setup {
  driver: NLBHandler;
  network: string;
  vms: string[];
  done(): Promise<void>;
}

/** The local fake: a tenant network with three servers, an external network; fast waits. */
async function fakeSetup(): Promise<Setup> {
  const { startOpenStackFake } = await import('../../test/fakes/openstack/index.js');
  const fake = await startOpenStackFake();
  const net = fake.addNetwork('private');
  fake.addNetwork('public', { external: true });
  const vms = ['web-1', 'web-2', 'web-3'];
  for (const name of vms) fake.addServer(name, net);
  const { username, password, projectName } = fake.credentials;
  const driver = createOpenStackDriver({
    authUrl: fake.authUrl,
    auth: { username, password, projectName },
    floatingNetwork: 'public',
    waiter: { minDelayMs: 10, maxDelayMs: 50 },
  });
  return { driver, network: 'private', vms, done: () => fake.close() };
}

/** A real cloud: everything from the OS_* variables, the rest from NLBKIT_OS_*. */
function realSetup(): Setup {
  const vms = (process.env.NLBKIT_OS_VMS ?? '').split(',').filter(Boolean);
  if (vms.length < 3) throw new Error('set NLBKIT_OS_VMS to three server names, comma-separated');
  return {
    driver: createOpenStackDriver({ floatingNetwork: process.env.NLBKIT_OS_FLOATING ?? 'public' }),
    network: process.env.NLBKIT_OS_NETWORK ?? 'private',
    vms,
    done: async () => {},
  };
}

const useFake = process.argv.includes('--fake') || !process.env.OS_AUTH_URL;
const setup = useFake ? await fakeSetup() : realSetup();
const { driver } = setup;
const name = 'nlbkit-example';
console.log(`mode: ${useFake ? 'fake' : 'openstack'}`);
try {
  const nlb = await driver.createNLB({
    iid: { nameId: name },
    vpcIID: { nameId: setup.network },
    type: 'PUBLIC',
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: setup.vms.slice(0, 2).map((nameId) => ({ nameId })) },
    healthChecker: { protocol: 'HTTP', httpPath: '/healthz', interval: 10, timeout: 5, threshold: 3 },
  });
  const vip = nlb.keyValueList.find((kv) => kv.key === 'vipAddress')?.value;
  console.log(`created: ${nlb.iid.nameId} type=${nlb.type} ip=${nlb.listener.ip} vip=${vip}`);

  const health = await driver.getVMGroupHealthInfo(nlb.iid);
  console.log(
    `health: healthy=${health.healthyVMs.length} unhealthy=${health.unhealthyVMs.length} unknown=${health.unknownVMs.length}`,
  );

  const moved = await driver.changeListener(nlb.iid, { protocol: 'TCP', port: 8000 });
  console.log(`listener moved: port=${moved.listener.port} ip=${moved.listener.ip}`);

  const changed = await driver.changeVMGroupInfo(nlb.iid, {
    protocol: 'TCP',
    port: 9090,
    vms: [{ nameId: setup.vms[2] as string, weight: 3 }],
  });
  console.log(
    `group changed: port=${changed.vmGroup.port} vms=${changed.vmGroup.vms.map((vm) => vm.nameId).join(',')}`,
  );

  try {
    // Octavia has no UDP monitor for a TCP pool: refused from the capabilities, nothing sent.
    await driver.changeHealthCheckerInfo(nlb.iid, { protocol: 'UDP' });
  } catch (e) {
    console.log(`refused before any OpenStack call: ${(e as { code: string }).code}`);
  }

  await driver.deleteNLB(nlb.iid);
  console.log(`deleted: ${name}; left: ${(await driver.listIID()).length}`);
} finally {
  await setup.done();
}
