/**
 * The shared conformance suite against the OpenStack driver, over HTTP to the local OpenStack fake
 * (Keystone, Neutron, Nova, Octavia). Every case gets its own fake.
 */
import { createOpenStackDriver } from '../../src/drivers/openstack/index.js';
import { nlbHandlerConformance, nlbHandlerPeerConformance } from '../../src/testing/index.js';
import { openStackForeign } from '../drivers/openstack/openstack-foreign.js';
import { driverOptionsFor, startOpenStackWorld } from '../drivers/openstack/openstack-world.js';

nlbHandlerConformance('openstack (fake)', async () => {
  const world = await startOpenStackWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: { nameId: world.vpcIID.nameId },
    cleanup: () => world.close(),
    foreign: openStackForeign(world.fake, world.vpcIID.systemId as string),
  };
});

// Two drivers (two processes) on one OpenStack fake.
nlbHandlerPeerConformance('openstack (fake)', async () => {
  const world = await startOpenStackWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    peer: createOpenStackDriver(driverOptionsFor(world.fake)),
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: { nameId: world.vpcIID.nameId },
    cleanup: () => world.close(),
  };
});

// The OVN provider: its narrower capabilities, held by the fake as ovn-octavia-provider holds them.
nlbHandlerConformance('openstack (fake, OVN provider)', async () => {
  const world = await startOpenStackWorld({ vmCount: 4, driver: { provider: 'ovn' } });
  return {
    driver: world.driver,
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: { nameId: world.vpcIID.nameId },
    cleanup: () => world.close(),
    foreign: openStackForeign(world.fake, world.vpcIID.systemId as string, 'ovn'),
  };
});
