/**
 * The shared conformance suite against the OpenStack driver, over HTTP to the local OpenStack fake
 * (Keystone, Neutron, Nova, Octavia). Every case gets its own fake.
 */
import { nlbHandlerConformance } from '../../src/testing/index.js';
import { startOpenStackWorld } from '../drivers/openstack/openstack-world.js';

nlbHandlerConformance('openstack (fake)', async () => {
  const world = await startOpenStackWorld({ vmCount: 4 });
  return {
    driver: world.driver,
    vms: world.vms.map((vm) => ({ nameId: vm.nameId })),
    vpcIID: { nameId: world.vpcIID.nameId },
    cleanup: () => world.close(),
  };
});
