/** Builds valid NLB records for store and agent tests. */
import type { NLBRecord } from '../../src/native/store/types.js';

/** A valid record named `name` whose backends are `vms` (name -> address). */
export function makeRecord(
  name: string,
  opts: { vip?: string; port?: number; vms?: Record<string, string>; payload?: string } = {},
): NLBRecord {
  const vip = opts.vip ?? '10.99.0.1';
  const family = vip.includes(':') ? 6 : 4;
  const vms = opts.vms ?? { vm1: family === 4 ? '10.0.0.11' : 'fd00::11' };
  const port = opts.port ?? 80;
  return {
    name,
    nlb: {
      iid: { nameId: name, systemId: `nlbkit:${name}` },
      vpcIID: { nameId: 'default' },
      type: 'PUBLIC',
      scope: 'REGION',
      listener: { protocol: 'TCP', port, ip: vip },
      vmGroup: {
        protocol: 'TCP',
        port: 8080,
        vms: Object.keys(vms).map((nameId) => ({ nameId })),
        algorithm: 'ROUND_ROBIN',
      },
      healthChecker: {
        protocol: 'TCP',
        port: 8080,
        interval: 10,
        timeout: 5,
        threshold: 3,
        healthyThreshold: 3,
        unhealthyThreshold: 3,
      },
      createdTime: new Date(0).toISOString(),
      tagList: opts.payload ? [{ key: 'payload', value: opts.payload }] : [],
      keyValueList: [],
    },
    service: {
      vip,
      family,
      protocol: 'TCP',
      port,
      backendPort: 8080,
      algorithm: 'ROUND_ROBIN',
      hashFields: 'SOURCE_IP',
      snat: false,
      hashSeed: 1,
      maglevTableSize: 251,
      backends: Object.entries(vms).map(([id, address]) => ({ id, address, weight: 1 })),
      health: { protocol: 'TCP', port: 8080, interval: 10, timeout: 5, rise: 3, fall: 3 },
    },
  };
}
