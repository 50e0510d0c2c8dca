import { AWS_CAPABILITIES } from '../../src/drivers/aws/index.js';
import { GCP_CAPABILITIES } from '../../src/drivers/gcp/index.js';
import { createMockDriver } from '../../src/drivers/mock/index.js';
import { nlbHandlerConformance } from '../../src/testing/index.js';

const vms = {
  vm1: { ipv4: '10.0.0.11' },
  vm2: { ipv4: '10.0.0.12' },
  vm3: { ipv4: '10.0.0.13' },
  vm4: { ipv4: '10.0.0.14' },
};
const vmIIDs = Object.keys(vms).map((nameId) => ({ nameId }));

nlbHandlerConformance('mock', async () => ({ driver: createMockDriver({ vms }), vms: vmIIDs }));

// The mock emulating AWS's limits: the capability cases then exercise real rejections, the same ones
// the AWS driver gives (users get this by passing a driver's exported capabilities).
nlbHandlerConformance('mock emulating AWS', async () => ({
  driver: createMockDriver({ vms, capabilities: AWS_CAPABILITIES }),
  vms: vmIIDs,
  vpcIID: { nameId: 'vpc-1' },
}));

// The mock emulating GCP: equal listener and VM ports (no port translation), RFC 1035 names.
nlbHandlerConformance('mock emulating GCP', async () => ({
  driver: createMockDriver({ vms, capabilities: GCP_CAPABILITIES }),
  vms: vmIIDs,
  vpcIID: { nameId: 'default' },
}));
