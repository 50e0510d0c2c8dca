/**
 * The agent with the real health monitor (src/native/health) checking real TCP servers on loopback:
 * the seam plugs in, unhealthy backends leave the rendered state, and the verdicts reach the store.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../../../test/native/fake-node.js';
import { makeRecord } from '../../../test/native/store-record.js';
import { createHealthMonitor } from '../health/monitor.js';
import type { HealthSource } from '../health/types.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { StateStore } from '../store/types.js';
import { createAgent } from './agent.js';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((s) => {
    s.on('error', () => undefined);
    s.end();
  });
  // Bound to 127.0.0.1 only: 127.0.0.2 (also loopback) refuses the same port.
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((r) => server.close(r)));

/** An agent on a fake kernel, reconciling only when asked or told by `health`. */
const agentOn = (store: StateStore, kernel: FakeKernel, health: HealthSource) =>
  createAgent({
    store,
    node: 'lb1',
    executor: fakeIpExecutor(kernel),
    dataplane: () => fakeDataplane(kernel),
    intervalSeconds: 3600,
    health,
  });

describe('agent + real health monitor', () => {
  it('renders only backends that pass their checks and reports the verdicts', async () => {
    const store = createMemoryStore();
    const record = makeRecord('web', { vip: '10.99.0.1', vms: { good: '127.0.0.1', bad: '127.0.0.2' } });
    record.service.health = { protocol: 'TCP', port, interval: 1, timeout: 1, rise: 1, fall: 1 };
    await store.put(record);
    const kernel = new FakeKernel();
    const health = createHealthMonitor({ seed: 'lb1', coalesceQuietMs: 50, coalesceMaxDelayMs: 200 });
    const agent = agentOn(store, kernel, health);
    try {
      await agent.start();
      const deadline = Date.now() + 8000;
      const report = async () => (await store.listNodeReports())[0];
      while (Date.now() < deadline) {
        const r = await report();
        if (r?.health.web?.good?.state === 'HEALTHY' && r.health.web?.bad?.state === 'UNHEALTHY') break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const r = await report();
      expect(r?.health.web?.good).toMatchObject({ state: 'HEALTHY', lastCheck: expect.any(String) });
      expect(r?.health.web?.bad).toMatchObject({ state: 'UNHEALTHY', reason: expect.any(String) });
      const backends = () =>
        (JSON.parse(kernel.ruleset ?? '{}').services[0].backends as { id: string }[]).map((b) => b.id);
      // The onChange re-sync may land just after the report: give it a moment.
      for (let i = 0; i < 40 && backends().length !== 1; i++) await new Promise((res) => setTimeout(res, 50));
      expect(backends()).toEqual(['good']);
    } finally {
      await agent.stop();
      await health.close();
    }
  }, 20_000);
});

describe('agent + a health source that does not follow paths', () => {
  it("reports a dsr service's backends DOWN ('no VIP path') and never checks their own address", async () => {
    const store = createMemoryStore();
    const record = makeRecord('web', { vip: '10.99.0.1', vms: { good: '127.0.0.1' } });
    record.service.health = { protocol: 'TCP', port, interval: 1, timeout: 1, rise: 1, fall: 1 };
    record.service.forwarding = 'dsr';
    await store.put(record);
    const kernel = new FakeKernel();
    const checked: string[] = [];
    const health = createHealthMonitor({ onCheck: (e) => checked.push(e.key) });
    const agent = agentOn(store, kernel, health);
    try {
      await agent.start();
      await agent.reconcile(); // the first reconcile's verdict change asks for a second
      const r = (await store.listNodeReports())[0];
      expect(r?.health.web?.good).toMatchObject({
        state: 'UNHEALTHY',
        reason: expect.stringMatching(/^no VIP path/),
      });
      await new Promise((res) => setTimeout(res, 1500)); // a direct check would have run by now
      expect(checked).toEqual([]);
    } finally {
      await agent.stop();
      await health.close();
    }
  }, 20_000);
});

describe('agent starting beside nodes that have measured', () => {
  it('renders from its first sync the backends the other nodes judged, before its own checks do', async () => {
    const firstBackends = async (seeded: boolean) => {
      const store = createMemoryStore();
      const record = makeRecord('web', { vip: '10.99.0.1', vms: { good: '127.0.0.1', bad: '127.0.0.2' } });
      // No check of its own during the test: the first one is on an hourly grid (0.003% odds of
      // falling in this test's 100 ms), and its verdict three checks away.
      record.service.health = { protocol: 'TCP', port, interval: 3600, timeout: 1, rise: 3, fall: 3 };
      await store.put(record);
      const at = new Date().toISOString();
      if (seeded)
        await store.putNodeReport({
          node: 'lb2',
          appliedRevision: 1,
          attemptedRevision: 1,
          updatedAt: at,
          vips: [],
          health: {
            web: { bad: { state: 'UNHEALTHY', lastCheck: at }, good: { state: 'HEALTHY', lastCheck: at } },
          },
        });
      const kernel = new FakeKernel();
      const health = createHealthMonitor({ seed: 'lb1' });
      const agent = agentOn(store, kernel, health);
      try {
        await agent.start();
        const mine = (await store.listNodeReports()).find((r) => r.node === 'lb1');
        // A seeded verdict is reported without a check time, so no node passes it on as measured.
        if (seeded) expect(mine?.health.web?.bad).toMatchObject({ state: 'UNHEALTHY' });
        expect(mine?.health.web?.bad?.lastCheck).toBeUndefined();
        return (JSON.parse(kernel.ruleset ?? '{}').services[0].backends as { id: string }[]).map((b) => b.id);
      } finally {
        await agent.stop();
        await health.close();
      }
    };
    expect(await firstBackends(true)).toEqual(['good']);
    // The control: without the other node's report, the unjudged backend takes traffic.
    expect(await firstBackends(false)).toEqual(['bad', 'good']);
  });
});
