/**
 * The shared conformance suite against the Azure driver, through the real `@azure/arm-network` SDK over
 * HTTP to the local Azure Resource Manager fake. Every case gets its own fake.
 */
import { createAzureDriver } from '../../src/drivers/azure/index.js';
import { nlbHandlerConformance, nlbHandlerPeerConformance } from '../../src/testing/index.js';
import { azureForeign } from '../drivers/azure/azure-foreign.js';
import { driverOptionsFor, startAzureWorld } from '../drivers/azure/azure-world.js';

nlbHandlerConformance('azure (fake)', async () => {
  const world = await startAzureWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: { nameId: world.vpcIID.nameId },
    cleanup: () => world.close(),
    foreign: azureForeign(world.fake, world.vpcIID.nameId),
  };
});

// Two drivers (two processes) on one Resource Manager fake.
nlbHandlerPeerConformance('azure (fake)', async () => {
  const world = await startAzureWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    peer: createAzureDriver(driverOptionsFor(world.fake)),
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: { nameId: world.vpcIID.nameId },
    cleanup: () => world.close(),
  };
});
