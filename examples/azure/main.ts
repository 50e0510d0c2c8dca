/**
 * nlbkit Azure example: create a PUBLIC Standard load balancer over two VMs, read the rule's health,
 * swap its VM group, and delete it.
 *
 *   npx tsx examples/azure/main.ts --fake      # against the local Azure fake (what CI runs)
 *   AZURE_SUBSCRIPTION_ID=... AZURE_RESOURCE_GROUP=web-rg AZURE_LOCATION=westeurope \
 *     NLBKIT_AZ_VNET=web-vnet NLBKIT_AZ_VMS=web-1,web-2,web-3 npx tsx examples/azure/main.ts
 *
 * Against a real subscription it needs `@azure/arm-network` and `@azure/identity`, a credential
 * DefaultAzureCredential finds (az login, environment, managed identity), a VNet and three VMs in the
 * resource group. It creates one load balancer and one public IP and deletes both at the end.
 */
// In your project: import { createAzureDriver } from 'nlbkit/azure';
import { createAzureDriver } from '../../src/drivers/azure/index.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';

interface Setup {
  driver: NLBHandler;
  vnet: string;
  vms: string[];
  done(): Promise<void>;
}

/** The local fake: a VNet with three VMs; the real SDK talks to it through a redirecting HTTP client. */
async function fakeSetup(): Promise<Setup> {
  const { startAzureFake, fakeCredential, fakeHttpClient } = await import('../../test/fakes/azure/index.js');
  const fake = await startAzureFake();
  const vnet = fake.addVnet('web-vnet');
  const vms = ['web-1', 'web-2', 'web-3'];
  for (const name of vms) fake.addVm(name, vnet);
  const driver = createAzureDriver({
    subscriptionId: fake.subscriptionId,
    resourceGroup: fake.resourceGroup,
    location: fake.location,
    credential: fakeCredential,
    httpClient: fakeHttpClient(fake),
    waiter: { minDelayMs: 10 },
    // Optional: the SDK module imported here (a bundler sees it) rather than by the driver.
    lib: { network: await import('@azure/arm-network') },
  });
  return { driver, vnet: 'web-vnet', vms, done: () => fake.close() };
}

function realSetup(): Setup {
  const vms = (process.env.NLBKIT_AZ_VMS ?? '').split(',').filter(Boolean);
  if (vms.length < 3) throw new Error('set NLBKIT_AZ_VMS to three VM names, comma-separated');
  return {
    driver: createAzureDriver(),
    vnet: process.env.NLBKIT_AZ_VNET ?? 'web-vnet',
    vms,
    done: async () => {},
  };
}

const useFake = process.argv.includes('--fake') || !process.env.AZURE_SUBSCRIPTION_ID;
const setup = useFake ? await fakeSetup() : realSetup();
const { driver } = setup;
const name = 'nlbkit-example';
console.log(`mode: ${useFake ? 'fake' : 'azure'}`);
try {
  const nlb = await driver.createNLB({
    iid: { nameId: name },
    vpcIID: { nameId: setup.vnet },
    type: 'PUBLIC',
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: setup.vms.slice(0, 2).map((nameId) => ({ nameId })) },
    healthChecker: { protocol: 'HTTP', httpPath: '/healthz', interval: 10, threshold: 2 },
  });
  console.log(`created: ${nlb.iid.nameId} type=${nlb.type} ip=${nlb.listener.ip}`);

  const health = await driver.getVMGroupHealthInfo(nlb.iid);
  console.log(
    `health: healthy=${health.healthyVMs.length} unhealthy=${health.unhealthyVMs.length} unknown=${health.unknownVMs.length}`,
  );

  const changed = await driver.changeVMGroupInfo(nlb.iid, {
    protocol: 'TCP',
    port: 9090,
    vms: [{ nameId: setup.vms[2] as string }],
  });
  console.log(
    `group changed: port=${changed.vmGroup.port} vms=${changed.vmGroup.vms.map((vm) => vm.nameId).join(',')}`,
  );

  try {
    // Azure probes want a 200: refused before any write.
    await driver.changeHealthCheckerInfo(nlb.iid, { protocol: 'HTTP', expectedCodes: '200-399' });
  } catch (e) {
    console.log(`refused: ${(e as { code: string }).code}`);
  }

  await driver.deleteNLB(nlb.iid);
  console.log(`deleted: ${name}; left: ${(await driver.listIID()).length}`);
} finally {
  await setup.done();
}
