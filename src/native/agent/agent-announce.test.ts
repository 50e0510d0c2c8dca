import { describe, expect, it } from 'vitest';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../../../test/native/fake-node.js';
import { makeRecord } from '../../../test/native/store-record.js';
import type { Announcer, AnnounceState, AnnounceTarget } from '../announce/types.js';
import { createMemoryStore } from '../store/memory-store.js';
import { createAgent } from './agent.js';

/** An announcer that records what the agent tells it, and can ask for a reconcile. */
function recordingAnnouncer(managesAddresses: boolean) {
  const calls: AnnounceTarget[][] = [];
  const listeners = new Set<() => void>();
  let stopped = 0;
  const announcer: Announcer = {
    mode: managesAddresses ? 'l2' : 'bgp',
    managesAddresses,
    update: async (targets): Promise<AnnounceState> => {
      calls.push(targets);
      return {
        mode: managesAddresses ? 'l2' : 'bgp',
        announced: targets.filter((t) => t.serving).map((t) => t.vip),
      };
    },
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop: async () => {
      stopped++;
    },
  };
  return { announcer, calls, listeners, stopped: () => stopped };
}

/** An agent over one stored NLB (VIP 10.99.0.1) on a fake kernel, with a recording announcer. */
async function announcingAgent(managesAddresses: boolean) {
  const store = createMemoryStore();
  await store.put(makeRecord('web', { vip: '10.99.0.1' }));
  const kernel = new FakeKernel();
  const rec = recordingAnnouncer(managesAddresses);
  const agent = createAgent({
    store,
    node: 'lb1',
    executor: fakeIpExecutor(kernel),
    dataplane: () => fakeDataplane(kernel),
    intervalSeconds: 3600,
    announce: rec.announcer,
  });
  return { store, kernel, rec, agent };
}

describe('agent announcement seam', () => {
  it('tells the announcer the applied VIPs, reports its state, and stops it after the last run', async () => {
    const { store, kernel, rec, agent } = await announcingAgent(false);
    await agent.start();
    expect(rec.calls.at(-1)).toEqual([{ vip: '10.99.0.1', family: 4, serving: true }]);
    expect(kernel.links.get('nlbkit0')?.addrs).toEqual(new Set(['10.99.0.1']));
    const [report] = await store.listNodeReports();
    expect(report?.announce).toEqual({ mode: 'bgp', announced: ['10.99.0.1'] });
    expect(rec.listeners.size).toBe(1);
    await agent.stop();
    expect(rec.stopped()).toBe(1);
    expect(rec.listeners.size).toBe(0);
  });

  it('puts no VIP on its own interface when the announcer manages addresses (l2)', async () => {
    const { kernel, rec, agent } = await announcingAgent(true);
    const outcome = await agent.start();
    expect(outcome.vipsAdded).toEqual([]);
    expect([...(kernel.links.get('nlbkit0')?.addrs ?? [])]).toEqual([]);
    // An announcer's change notification makes the agent reconcile (and tell it again).
    const before = rec.calls.length;
    for (const l of rec.listeners) l();
    const end = Date.now() + 3000;
    while (rec.calls.length === before && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(rec.calls.length).toBeGreaterThan(before);
    await agent.stop();
  });
});
