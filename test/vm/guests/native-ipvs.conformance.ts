/**
 * Runs INSIDE the test VM, under vitest (test/vm/vitest.guest.config.ts): the conformance suite
 * against the native driver with the IPVS data plane, its agent programming a network namespace made
 * for each case. Started by ipvs-conformance-guest.ts; not a host test (the host has no IPVS).
 */
import { createMemoryStore, createNativeDriver } from '../../../src/drivers/native/index.js';
import { netnsExecutor } from '../../../src/native/executor/index.js';
import { nlbHandlerConformance } from '../../../src/testing/index.js';
import { dualStackInventory as vmInventory, vms } from '../../conformance/native-inventory.js';
import { inNetns, makeNetns } from '../../native/netns.js';

nlbHandlerConformance(
  'native (IPVS in a netns)',
  async () => {
    const ns = makeNetns('cfipvs');
    const driver = createNativeDriver({
      store: createMemoryStore(),
      vipPool: { ranges: ['10.99.0.0/24', 'fd00:99::/120'] },
      vmInventory,
      convergenceTimeoutMs: 120_000,
      agent: { executor: netnsExecutor(ns.name), node: 'lb1', intervalSeconds: 3600, dataplane: 'ipvs' },
    });
    return {
      driver,
      vms,
      cleanup: async () => {
        // Whatever the case left must be exactly what the kernel holds, before teardown.
        const outcome = await driver.agent?.reconcile();
        if (outcome && outcome.drift.length > 0)
          throw new Error(`kernel drifted: ${outcome.drift.join('; ')}`);
        const listing = inNetns(ns.name, ['ipvsadm', '-L', '-n']);
        for (const nlb of await driver.listNLB()) {
          const ip = nlb.listener.ip as string;
          const endpoint = ip.includes(':') ? `[${ip}]:${nlb.listener.port}` : `${ip}:${nlb.listener.port}`;
          if (!listing.includes(endpoint))
            throw new Error(`the kernel has no virtual service for ${nlb.iid.nameId} at ${endpoint}`);
        }
        await driver.close({ teardown: true });
        const left = inNetns(ns.name, ['ipvsadm', '-L', '-n'])
          .split('\n')
          .filter((l) => /^(TCP|UDP)/.test(l));
        ns.remove();
        if (left.length > 0) throw new Error(`teardown left virtual services: ${left.join('; ')}`);
      },
    };
  },
  { timeoutMs: 300_000 },
);
