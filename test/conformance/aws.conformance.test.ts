/**
 * The shared conformance suite against the AWS driver, through the real AWS SDK over HTTP to the local
 * AWS fake. Every case gets its own fake, so no case sees another's load balancers.
 */

import { createAwsDriver } from '../../src/drivers/aws/index.js';
import { nlbHandlerConformance, nlbHandlerPeerConformance } from '../../src/testing/index.js';
import { awsForeign } from '../drivers/aws/aws-foreign.js';
import { driverOptionsFor, startAwsWorld } from '../drivers/aws/aws-world.js';

nlbHandlerConformance('aws (fake)', async () => {
  const world = await startAwsWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: world.vpcIID,
    cleanup: () => world.close(),
    foreign: awsForeign(world.fake, world.vpcIID.systemId as string, world.subnetIds, world.vms),
  };
});

// Two drivers (two processes) on one AWS fake.
nlbHandlerPeerConformance('aws (fake)', async () => {
  const world = await startAwsWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    peer: createAwsDriver(driverOptionsFor(world.fake)),
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: world.vpcIID,
    cleanup: () => world.close(),
  };
});
