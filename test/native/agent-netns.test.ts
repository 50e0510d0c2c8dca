/**
 * The agent on a real kernel: nftables and addresses in a namespace made here. Restarting changes
 * nothing (no nft transaction, the same rule handles), and tampering (a deleted table, a removed VIP) is repaired by the next reconcile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/native/agent/agent.js';
import { netnsExecutor } from '../../src/native/executor/index.js';
import type { Executor } from '../../src/native/executor/types.js';
import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { createMemoryStore } from '../../src/native/store/memory-store.js';
import { inNetns, makeNetns, requireRootNetns } from './netns.js';
import { makeRecord } from './store-record.js';

const enabled = requireRootNetns();

function recording(base: Executor) {
  const log: string[][] = [];
  const ex: Executor = {
    where: base.where,
    run: (argv, opts) => {
      log.push([...argv]);
      return base.run(argv, opts);
    },
  };
  return { ex, log };
}
// `nft -f -`: the only way the data plane changes the ruleset.
const nftTransactions = (log: string[][]) => log.filter((a) => a.includes('nft') && a.includes('-f'));
// Address changes only: a failed `ip link add nlbkit0 type dummy` probe (no dummy driver) changes nothing.
const addrChanges = (log: string[][]) =>
  log.filter((a) => a[0] === 'ip' && a.includes('addr') && (a.includes('add') || a.includes('del')));

describe.skipIf(!enabled)('agent on a real kernel', () => {
  let ns: ReturnType<typeof makeNetns>;
  const store = createMemoryStore();
  beforeAll(async () => {
    ns = makeNetns('ag');
    await store.put(makeRecord('web', { vip: '10.99.0.1', vms: { vm1: '10.0.0.11', vm2: '10.0.0.12' } }));
    await store.put(makeRecord('six', { vip: 'fd00:99::1', vms: { vm3: 'fd00::13' } }));
  });
  afterAll(() => ns?.remove());

  const start = async () => {
    const { ex, log } = recording(netnsExecutor(ns.name));
    const agent = createAgent({
      store,
      node: 'lb1',
      executor: ex,
      dataplane: () => createNftDataplane({ executor: ex }),
      intervalSeconds: 3600,
    });
    return { agent, log, outcome: await agent.start() };
  };
  const table = () => inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit']);
  const handles = () => inNetns(ns.name, ['nft', '-a', 'list', 'table', 'inet', 'nlbkit']);
  const vipsOn = () => inNetns(ns.name, ['ip', '-j', 'addr', 'show']);

  it('applies, restarts without churn, and repairs tampering', async () => {
    const first = await start();
    expect(first.outcome.sync.mode).toBe('full');
    expect(table()).toContain('10.99.0.1');
    expect(table()).toContain('fd00:99::1');
    expect(vipsOn()).toContain('"10.99.0.1"');
    expect(vipsOn()).toContain('"fd00:99::1"');
    await first.agent.stop();
    const before = table();
    const handlesBefore = handles();

    // The restarted agent's data plane adopts the table: no transaction, the same rule handles.
    const second = await start();
    expect(second.outcome).toMatchObject({
      sync: { mode: 'none', statements: 0 },
      drift: [],
      vipsAdded: [],
      vipsRemoved: [],
    });
    expect(nftTransactions(second.log)).toEqual([]);
    expect(handles()).toBe(handlesBefore);
    expect(table()).toBe(before);
    expect(addrChanges(second.log)).toEqual([]);
    expect(await second.agent.reconcile()).toMatchObject({
      sync: { mode: 'none' },
      drift: [],
      vipsAdded: [],
    });

    inNetns(ns.name, ['nft', 'delete', 'table', 'inet', 'nlbkit']);
    const dev = vipsOn().includes('"nlbkit0"') ? 'nlbkit0' : 'lo';
    inNetns(ns.name, ['ip', 'addr', 'del', '10.99.0.1/32', 'dev', dev]);
    const sent = nftTransactions(second.log).length;
    const repaired = await second.agent.reconcile();
    expect(repaired.drift.length).toBeGreaterThan(0);
    // Drift repair: the fresh instance cannot adopt what verify rejected, so it rebuilds in full.
    expect(repaired.sync.mode).toBe('full');
    expect(nftTransactions(second.log).length).toBe(sent + 1);
    expect(repaired.vipsAdded).toEqual(['10.99.0.1']);
    expect(table()).toBe(before);

    await store.delete('six');
    const afterDelete = await second.agent.reconcile();
    expect(afterDelete.vipsRemoved).toEqual(['fd00:99::1']);
    expect(table()).not.toContain('fd00:99::1');
    await second.agent.teardown();
    expect(() => table()).toThrow();
    expect(vipsOn()).not.toContain('10.99.0.1');
  });
});
