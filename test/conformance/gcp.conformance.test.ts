/**
 * The shared conformance suite against the GCP driver, through the real `@google-cloud/compute` SDK
 * over HTTP to the local Compute Engine fake. Every case gets its own fake.
 */
import { createGcpDriver } from '../../src/drivers/gcp/index.js';
import { nlbHandlerConformance, nlbHandlerPeerConformance } from '../../src/testing/index.js';
import { gcpForeign } from '../drivers/gcp/gcp-foreign.js';
import { driverOptionsFor, startGcpWorld } from '../drivers/gcp/gcp-world.js';

nlbHandlerConformance('gcp (fake)', async () => {
  const world = await startGcpWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: world.vpcIID,
    cleanup: () => world.close(),
    foreign: gcpForeign(world.fake),
  };
});

// Two drivers (two processes) on one Compute Engine fake.
nlbHandlerPeerConformance('gcp (fake)', async () => {
  const world = await startGcpWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    peer: createGcpDriver(driverOptionsFor(world.fake)),
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: world.vpcIID,
    cleanup: () => world.close(),
  };
});
