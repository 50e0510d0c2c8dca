/**
 * nlbkit AWS example: create an internal network load balancer over two VMs, look at its health,
 * swap its VM group, and delete it.
 *
 *   npx tsx examples/aws/main.ts --fake       # against the local AWS fake (what CI runs)
 *   AWS_REGION=eu-west-1 NLBKIT_AWS_VPC=vpc-0abc NLBKIT_AWS_VMS=web-1,web-2,web-3 npx tsx examples/aws/main.ts
 *
 * Against a real account it needs credentials from the default chain (env, profile, SSO, IMDS), a VPC
 * and three running instances tagged Name=<vm>. It creates one NLB and deletes it at the end; costs
 * are a few cents. Without credentials (and without NLBKIT_AWS_VPC) it falls back to the fake.
 */
// In your project: import { createAwsDriver } from 'nlbkit/aws';
import { createAwsDriver } from '../../src/drivers/aws/index.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import type { IID } from '../../src/interfaces/types.js';

interface Setup {
  driver: NLBHandler;
  vpc: IID;
  vms: string[];
  done(): Promise<void>;
}

/** The local fake: a VPC with two subnets and three instances; fast waits. */
async function fakeSetup(): Promise<Setup> {
  const { startAwsFake, awsClientConfig } = await import('../../test/fakes/aws/index.js');
  const fake = await startAwsFake();
  const { vpcId } = fake.addVpc({ name: 'demo' });
  const vms = ['web-1', 'web-2', 'web-3'];
  for (const name of vms) fake.addInstance({ vpcId, name });
  const { region, endpoint, credentials } = awsClientConfig(fake);
  const driver = createAwsDriver({
    region,
    endpoint,
    credentials,
    maxRetries: 2,
    waiter: { minDelayMs: 10, maxDelayMs: 50 },
    // Optional: the SDK modules imported here (a bundler sees them) rather than by the driver.
    lib: {
      elbv2: await import('@aws-sdk/client-elastic-load-balancing-v2'),
      ec2: await import('@aws-sdk/client-ec2'),
    },
  });
  return { driver, vpc: { nameId: 'demo', systemId: vpcId }, vms, done: () => fake.close() };
}

/** A real account: region and credentials from the default chain; VPC and VMs from the environment. */
function realSetup(): Setup {
  const vpc = process.env.NLBKIT_AWS_VPC as string;
  const vms = (process.env.NLBKIT_AWS_VMS ?? '').split(',').filter(Boolean);
  if (vms.length < 3) throw new Error('set NLBKIT_AWS_VMS to three instance Name tags, comma-separated');
  return { driver: createAwsDriver(), vpc: { nameId: vpc }, vms, done: async () => {} };
}

const useFake =
  process.argv.includes('--fake') ||
  !process.env.NLBKIT_AWS_VPC ||
  !(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE);

const setup = useFake ? await fakeSetup() : realSetup();
const { driver } = setup;
const name = 'nlbkit-example';
console.log(`mode: ${useFake ? 'fake' : 'aws'}`);
try {
  const nlb = await driver.createNLB({
    iid: { nameId: name },
    vpcIID: setup.vpc,
    type: 'INTERNAL',
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: setup.vms.slice(0, 2).map((nameId) => ({ nameId })) },
    healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
  });
  console.log(`created: ${nlb.iid.nameId} type=${nlb.type} dns=${nlb.listener.dnsName}`);
  console.log(`vms: ${nlb.vmGroup.vms.map((vm) => vm.nameId).join(',')}`);

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
    await driver.changeHealthCheckerInfo(nlb.iid, { protocol: 'TCP', interval: 1 });
  } catch (e) {
    console.log(`refused before any AWS call: ${(e as { code: string }).code}`);
  }

  await driver.deleteNLB(nlb.iid);
  console.log(`deleted: ${name}; left: ${(await driver.listIID()).length}`);
} finally {
  await setup.done();
}
