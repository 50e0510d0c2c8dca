/**
 * The conformance suite against the native driver with an embedded agent whose executor is the
 * exported fake (`createFakeNftExecutor`, nlbkit/native): the real nftables data plane renders, plans
 * and reads back through it, with no root. After each case the fake must hold exactly what the agent
 * wants (no drift) and a rule for every NLB's VIP.
 */
import {
  createFakeNftExecutor,
  createMemoryStore,
  createNativeDriver,
} from '../../src/drivers/native/index.js';
import { nlbHandlerConformance } from '../../src/testing/index.js';
import { dualStackInventory as vmInventory, vms } from './native-inventory.js';

nlbHandlerConformance('native (nftables on the fake nft executor)', async () => {
  const node = createFakeNftExecutor();
  const driver = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: ['10.99.0.0/24', 'fd00:99::/120'] },
    vmInventory,
    agent: { executor: node, node: 'lb1', intervalSeconds: 3600 },
  });
  return {
    driver,
    vms,
    cleanup: async () => {
      const outcome = await driver.agent?.reconcile();
      if (outcome && outcome.drift.length > 0) throw new Error(`fake drifted: ${outcome.drift.join('; ')}`);
      const table = node.dump();
      for (const nlb of await driver.listNLB())
        if (!table.includes(`${nlb.listener.ip} . `))
          throw new Error(`the fake has no rule for ${nlb.iid.nameId}'s VIP ${nlb.listener.ip}`);
      await driver.close({ teardown: true });
      if (node.dump() !== '') throw new Error(`teardown left: ${node.dump()}`);
    },
  };
});
