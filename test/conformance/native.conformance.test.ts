/**
 * The conformance suite against the native driver with a real in-process agent programming nftables
 * in a network namespace made for each case. Needs root, ip and nft (a failure under CI=true).
 */
import { describe, it } from 'vitest';
import { createMemoryStore, createNativeDriver } from '../../src/drivers/native/index.js';
import { netnsExecutor } from '../../src/native/executor/index.js';
import { nlbHandlerConformance } from '../../src/testing/index.js';
import { inNetns, makeNetns, requireRootNetns } from '../native/netns.js';
import { dualStackInventory as vmInventory, vms } from './native-inventory.js';

if (requireRootNetns()) {
  nlbHandlerConformance('native (nftables in a netns)', async () => {
    const ns = makeNetns('cf');
    const driver = createNativeDriver({
      store: createMemoryStore(),
      vipPool: { ranges: ['10.99.0.0/24', 'fd00:99::/120'] },
      vmInventory,
      agent: { executor: netnsExecutor(ns.name), node: 'lb1', intervalSeconds: 3600 },
    });
    return {
      driver,
      vms,
      cleanup: async () => {
        // Whatever the case left must be exactly what the kernel holds, before teardown.
        const outcome = await driver.agent?.reconcile();
        if (outcome && outcome.drift.length > 0)
          throw new Error(`kernel drifted: ${outcome.drift.join('; ')}`);
        const nlbs = await driver.listNLB();
        const table = nlbs.length > 0 ? inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit']) : '';
        for (const nlb of nlbs)
          if (!table.includes(nlb.listener.ip as string))
            throw new Error(`the kernel has no rule for ${nlb.iid.nameId}'s VIP ${nlb.listener.ip}`);
        await driver.close({ teardown: true });
        ns.remove();
      },
    };
  });
} else {
  describe.skip('native (nftables in a netns)', () => it('needs root, ip and nft', () => undefined));
}
