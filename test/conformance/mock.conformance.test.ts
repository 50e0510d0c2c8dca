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

// The same suite with AWS-like limits: the capability cases then exercise real rejections.
nlbHandlerConformance('mock emulating tight limits', async () => ({
  driver: createMockDriver({
    vms,
    capabilities: {
      vmGroupProtocols: ['TCP', 'UDP'],
      weights: false,
      algorithms: ['ROUND_ROBIN'],
      healthCheck: {
        protocols: ['TCP', 'HTTP', 'HTTPS'],
        protocolsForUdpGroup: ['TCP', 'HTTP', 'HTTPS'],
        interval: { min: 5, max: 300 },
        timeout: { min: 2, max: 120 },
        healthyThreshold: { min: 2, max: 10 },
        unhealthyThreshold: { min: 2, max: 10 },
        separateThresholds: true,
        customPort: true,
        httpOptions: true,
        defaults: { interval: 30, timeout: 10, healthyThreshold: 5, unhealthyThreshold: 2 },
      },
      changes: { listenerPort: false, vmGroupProtocol: false },
    },
  }),
  vms: vmIIDs,
}));
