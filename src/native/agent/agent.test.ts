import { afterEach, describe, expect, it } from 'vitest';
import { FakeHealth } from '../../../test/native/fake-health.js';
import { FakeKernel, fakeDataplane, fakeIpExecutor, writes } from '../../../test/native/fake-node.js';
import { makeRecord } from '../../../test/native/store-record.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { StateStore } from '../store/types.js';
import { type Agent, type AgentOptions, createAgent } from './agent.js';

const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

function makeAgent(store: StateStore, kernel: FakeKernel, extra: Partial<AgentOptions> = {}) {
  const agent = createAgent({
    store,
    node: 'lb1',
    executor: fakeIpExecutor(kernel),
    dataplane: () => fakeDataplane(kernel),
    intervalSeconds: 3600,
    ...extra,
  });
  agents.push(agent);
  return agent;
}

const until = async (cond: () => boolean | Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('agent', () => {
  it('applies the store: full sync, VIP on its own dummy interface, a report with the revision', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web', { vip: '10.99.0.1' }));
    const kernel = new FakeKernel();
    const outcome = await makeAgent(store, kernel).start();
    expect(outcome).toMatchObject({ revision: 1, sync: { mode: 'full' }, vipsAdded: ['10.99.0.1'] });
    expect(kernel.links.get('nlbkit0')).toEqual({ up: true, addrs: new Set(['10.99.0.1']) });
    expect(JSON.parse(kernel.ruleset ?? '{}').services[0]).toMatchObject({
      id: 'web',
      vip: '10.99.0.1',
      protocol: 'tcp',
      backends: [{ id: 'vm1', address: '10.0.0.11', port: 8080, weight: 1 }],
    });
    const [report] = await store.listNodeReports();
    expect(report).toMatchObject({ node: 'lb1', appliedRevision: 1, vips: ['10.99.0.1'], health: {} });
    expect(report?.error).toBeUndefined();
  });

  it('does not churn: a restarted agent adopts the ruleset as it is and touches no address', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web', { vip: '10.99.0.1' }));
    await store.put(makeRecord('api', { vip: 'fd00:99::1', vms: { vm2: 'fd00::12' } }));
    const kernel = new FakeKernel();
    const first = makeAgent(store, kernel);
    await first.start();
    await first.stop();
    const ruleset = kernel.ruleset;
    const writesBefore = writes(kernel).length;
    const syncsBefore = kernel.syncs.length;
    const second = makeAgent(store, kernel);
    const restarted = await second.start();
    expect(restarted).toMatchObject({
      sync: { mode: 'none', statements: 0 },
      drift: [],
      vipsAdded: [],
      vipsRemoved: [],
    });
    expect(kernel.syncs.slice(syncsBefore)).toEqual([{ mode: 'none', statements: 0 }]);
    expect(kernel.ruleset).toBe(ruleset);
    expect(writes(kernel).length).toBe(writesBefore);
    const again = await second.reconcile();
    expect(again).toMatchObject({
      sync: { mode: 'none' },
      drift: [],
      vipsAdded: [],
      vipsRemoved: [],
      reported: false,
    });
  });

  it('repairs external tampering: a flushed ruleset and a removed VIP come back', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web', { vip: '10.99.0.1' }));
    const kernel = new FakeKernel();
    const agent = makeAgent(store, kernel);
    await agent.start();
    const good = kernel.ruleset;
    kernel.ruleset = undefined; // nft flush ruleset
    kernel.links.get('nlbkit0')?.addrs.clear(); // ip addr flush dev nlbkit0
    const outcome = await agent.reconcile();
    expect(outcome.drift).toEqual(['ruleset differs']);
    expect(outcome.sync.mode).toBe('full');
    expect(outcome.vipsAdded).toEqual(['10.99.0.1']);
    expect(kernel.ruleset).toBe(good);
  });

  it('repairs drift with a lone data-plane instance too (destroy, then rebuild)', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web'));
    const kernel = new FakeKernel();
    const agent = makeAgent(store, kernel, { dataplane: fakeDataplane(kernel) });
    await agent.start();
    const good = kernel.ruleset;
    kernel.ruleset = 'tampered';
    const outcome = await agent.reconcile();
    expect(outcome).toMatchObject({ drift: ['ruleset differs'], sync: { mode: 'full' } });
    expect(kernel.ruleset).toBe(good);
  });

  it('reports a failed sync, keeps the applied revision, and rebuilds fully on the next run', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web'));
    const kernel = new FakeKernel();
    const agent = makeAgent(store, kernel);
    await agent.start();
    kernel.failNextSync = true;
    await store.put(makeRecord('web', { port: 81 }));
    await expect(agent.reconcile()).rejects.toThrow('injected failure');
    const [report] = await store.listNodeReports();
    expect(report).toMatchObject({
      appliedRevision: 1,
      attemptedRevision: 2,
      error: expect.stringContaining('injected'),
    });
    const outcome = await agent.reconcile();
    expect(outcome).toMatchObject({ revision: 2, sync: { mode: 'full' } });
    expect((await store.listNodeReports())[0]?.error).toBeUndefined();
  });

  it('removes only the VIPs it added on a shared interface, even after a restart', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web', { vip: '10.99.0.1' }));
    const kernel = new FakeKernel();
    kernel.links.get('lo')?.addrs.add('192.0.2.7'); // someone else's
    await makeAgent(store, kernel, { interface: 'lo' }).start();
    expect(kernel.links.get('lo')?.addrs).toEqual(new Set(['127.0.0.1', '192.0.2.7', '10.99.0.1']));
    await agents[0]?.stop();
    await store.delete('web');
    const restarted = await makeAgent(store, kernel, { interface: 'lo' }).start();
    expect(restarted.vipsRemoved).toEqual(['10.99.0.1']);
    expect(kernel.links.get('lo')?.addrs).toEqual(new Set(['127.0.0.1', '192.0.2.7']));
    expect(kernel.links.has('nlbkit0')).toBe(false);
  });

  it('falls back to lo when the kernel has no dummy interfaces, and owns only what it added there', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web', { vip: '10.99.0.1' }));
    const kernel = new FakeKernel();
    kernel.noDummy = true;
    kernel.links.get('lo')?.addrs.add('192.0.2.7');
    const agent = makeAgent(store, kernel);
    await agent.start();
    expect(kernel.links.get('lo')?.addrs.has('10.99.0.1')).toBe(true);
    await store.delete('web');
    await agent.reconcile();
    expect(kernel.links.get('lo')?.addrs).toEqual(new Set(['127.0.0.1', '192.0.2.7']));
  });

  it('follows store changes without being asked', async () => {
    const store = createMemoryStore();
    const kernel = new FakeKernel();
    await makeAgent(store, kernel).start();
    await store.put(makeRecord('web', { vip: '10.99.0.9' }));
    await until(() => kernel.ruleset?.includes('10.99.0.9') === true);
    await until(async () => (await store.listNodeReports())[0]?.appliedRevision === 1);
  });

  it('feeds health targets, leaves unhealthy backends out, re-syncs on change, reports health', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web', { vms: { vm1: '10.0.0.11', vm2: '10.0.0.12' } }));
    const kernel = new FakeKernel();
    const health = new FakeHealth();
    await makeAgent(store, kernel, { health }).start();
    expect(health.targets.map((t) => t.key)).toEqual(['web/vm1', 'web/vm2']);
    expect(health.targets[0]).toMatchObject({
      address: '10.0.0.11',
      port: 8080,
      protocol: 'TCP',
      rise: 3,
      fall: 3,
    });
    const backends = () =>
      JSON.parse(kernel.ruleset ?? '{}').services[0].backends.map((b: { id: string }) => b.id);
    expect(backends()).toEqual(['vm1', 'vm2']); // UNKNOWN is rendered
    health.set('web/vm2', 'UNHEALTHY', 'connection refused');
    await until(() => backends().length === 1);
    expect(backends()).toEqual(['vm1']);
    await until(async () => (await store.listNodeReports())[0]?.health.web?.vm2?.state === 'UNHEALTHY');
    expect((await store.listNodeReports())[0]?.health.web?.vm2).toMatchObject({
      reason: 'connection refused',
      lastCheck: '2026-01-01T00:00:00.000Z',
    });
    // Every backend down: fail-open by default renders them all rather than none.
    health.set('web/vm1', 'UNHEALTHY');
    await until(() => backends().length === 2);
  });

  it('teardown removes the ruleset and its interface', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web'));
    const kernel = new FakeKernel();
    const agent = makeAgent(store, kernel);
    await agent.start();
    await agent.teardown();
    expect(kernel.ruleset).toBeUndefined();
    expect(kernel.links.has('nlbkit0')).toBe(false);
  });
});
