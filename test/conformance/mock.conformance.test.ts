import { AWS_CAPABILITIES } from '../../src/drivers/aws/index.js';
import { GCP_CAPABILITIES } from '../../src/drivers/gcp/index.js';
import { createMockDriver, type MockDriver } from '../../src/drivers/mock/index.js';
import { type ForeignLoadBalancers, nlbHandlerConformance } from '../../src/testing/index.js';

const vms = {
  vm1: { ipv4: '10.0.0.11' },
  vm2: { ipv4: '10.0.0.12' },
  vm3: { ipv4: '10.0.0.13' },
  vm4: { ipv4: '10.0.0.14' },
};
const vmIIDs = Object.keys(vms).map((nameId) => ({ nameId }));

/** Load balancers put into the mock's emulated cloud, as the adoption cases need them. */
function foreignOf(driver: MockDriver): ForeignLoadBalancers {
  let n = 0;
  return {
    async create(name, members, shape = 'plain') {
      n += 1;
      const systemId = `foreign-${name}-${n}`;
      const listeners = [{ protocol: 'TCP' as const, port: 80 }];
      if (shape === 'two-listeners') listeners.push({ protocol: 'TCP', port: 81 });
      driver.putForeignNLB(systemId, {
        listeners,
        vmGroup: { protocol: 'TCP', port: 8080, vms: members.map((vm) => vm.nameId) },
      });
      return systemId;
    },
    exists: async (systemId) => driver.holdsNLB(systemId),
  };
}

function world(driver: MockDriver, extra: { vpcIID?: { nameId: string } } = {}) {
  return { driver, vms: vmIIDs, foreign: foreignOf(driver), ...extra };
}

nlbHandlerConformance('mock', async () => world(createMockDriver({ vms })));

// The mock emulating AWS's limits: the capability cases then exercise real rejections, the same ones
// the AWS driver gives (users get this by passing a driver's exported capabilities).
nlbHandlerConformance('mock emulating AWS', async () =>
  world(createMockDriver({ vms, capabilities: AWS_CAPABILITIES }), { vpcIID: { nameId: 'vpc-1' } }),
);

// The mock emulating GCP: equal listener and VM ports (no port translation), RFC 1035 names.
nlbHandlerConformance('mock emulating GCP', async () =>
  world(createMockDriver({ vms, capabilities: GCP_CAPABILITIES }), { vpcIID: { nameId: 'default' } }),
);
