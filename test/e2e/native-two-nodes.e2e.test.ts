/**
 * Two LB nodes, one store: the client reaches the same VIP through node A or node B, and with MAGLEV
 * both nodes send each flow to the same backend (so a flow may move between nodes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeDriver } from '../../src/drivers/native/index.js';
import { listRuleset, type NativeLab, requireRootNetns, startNativeLab } from './harness/index.js';

const enabled = requireRootNetns();

describe.skipIf(!enabled)('native load balancer: two LB nodes', () => {
  let lab: NativeLab;
  let nodeB: NativeDriver;
  beforeAll(async () => {
    lab = await startNativeLab({ backends: 3, lbNodes: 2, ipv6: true, driver: { nodes: ['lb0', 'lb1'] } });
    nodeB = lab.driverFor(1);
    await Promise.all([lab.driver.waitForConvergence(), nodeB.waitForConvergence()]);
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('serves one VIP through either node, each flow to the same backend on both', async () => {
    const nlb = await lab.driver.createNLB({
      iid: { nameId: 'both' },
      vpcIID: { nameId: 'vpc' },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: {
        protocol: 'TCP',
        port: 8080,
        vms: ['vm-0', 'vm-1', 'vm-2'].map((nameId) => ({ nameId })),
        algorithm: 'MAGLEV',
      },
      healthChecker: { protocol: 'TCP' },
    });
    const sourcePorts = Array.from({ length: 30 }, (_, i) => 42000 + i);
    const job = { proto: 'tcp' as const, host: nlb.listener.ip!, port: 80, count: 30, sourcePorts };
    expect(await listRuleset(lab.topo.lbNodes[1]!.exec)).toBe(await listRuleset(lab.lbExec));

    const viaA = await lab.topo.client.agent.batch(job);
    await lab.topo.useLbNode(1);
    try {
      const route = await lab.topo.client.exec.run(['ip', 'route', 'get', nlb.listener.ip!]);
      expect(route.stdout).toContain(`via ${lab.topo.lbNodes[1]!.uplink.v4}`);
      const viaB = await lab.topo.client.agent.batch(job);
      expect(viaA.every((r) => r.ok) && viaB.every((r) => r.ok)).toBe(true);
      expect(viaB.map((r) => r.backend)).toEqual(viaA.map((r) => r.backend));
      // Not trivially equal: the flows are spread over more than one backend.
      expect(new Set(viaA.map((r) => r.backend)).size).toBeGreaterThan(1);
    } finally {
      await lab.topo.useLbNode(0);
    }
    await lab.driver.deleteNLB(nlb.iid);
    expect(await listRuleset(lab.topo.lbNodes[1]!.exec)).toBe(await listRuleset(lab.lbExec));
  });
});
