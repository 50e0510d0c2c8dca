/** The native driver's progress ("stored", "applied on node X") and its per-call `wait` option. */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../../../test/native/fake-node.js';
import type { NLBCreateRequest, ProgressEvent } from '../../interfaces/types.js';
import { type Agent, createAgent } from '../../native/agent/agent.js';
import { createMemoryStore } from '../../native/store/memory-store.js';
import type { NodeReport, StateStore } from '../../native/store/types.js';
import { createNativeDriver, type NativeDriver } from './native-driver.js';
import type { NativeDriverOptions } from './native-options.js';
import { LIVE_REPORT_WINDOW_MS, nodesToWaitFor } from './native-wait.js';

const drivers: NativeDriver[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
  for (const a of agents.splice(0)) await a.stop();
});

function make(extra: Partial<NativeDriverOptions> = {}) {
  const kernel = new FakeKernel();
  const driver = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: ['10.99.0.0/29'] },
    vmInventory: { vm1: { ipv4: '10.0.0.11' }, vm2: { ipv4: '10.0.0.12' } },
    agent: {
      node: 'lb1',
      executor: fakeIpExecutor(kernel),
      dataplane: () => fakeDataplane(kernel),
      intervalSeconds: 3600,
    },
    ...extra,
  });
  drivers.push(driver);
  return { driver, kernel };
}

/** A second LB node whose kernel refuses every ruleset: it reports, but never applies. */
async function brokenNode(store: StateStore, node: string) {
  const agent = createAgent({
    store,
    node,
    executor: fakeIpExecutor(new FakeKernel()),
    dataplane: {
      sync: async () => {
        throw new Error('nft: Operation not permitted');
      },
      verify: async () => [],
      destroy: async () => {},
    },
    intervalSeconds: 3600,
  });
  agents.push(agent);
  await agent.start().catch(() => undefined);
  return agent;
}

const req: NLBCreateRequest = {
  iid: { nameId: 'web' },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
  healthChecker: { protocol: 'TCP' },
};

const recorder = () => {
  const events: ProgressEvent[] = [];
  return {
    onProgress: (e: ProgressEvent) => events.push(e),
    told: () => events.map((e) => [e.step, e.detail]),
  };
};

describe('native progress and wait', () => {
  it('tells "stored" after the store write, then "applied on node" from the embedded agent', async () => {
    const { driver, kernel } = make({ applyMode: 'store-only' });
    const r = recorder();
    await driver.createNLB(req, { onProgress: r.onProgress, wait: {} });
    expect(r.told()).toEqual([
      ['stored', 'stored as store revision 1'],
      ['applied', 'applied on node lb1'],
    ]);
    // Applied means the node's kernel holds it.
    expect(kernel.ruleset).toContain('10.99.0.1');
    const del = recorder();
    await driver.deleteNLB({ nameId: 'web' }, { onProgress: del.onProgress, wait: { timeoutMs: 5000 } });
    expect(del.told()).toEqual([
      ['stored', 'stored as store revision 2'],
      ['applied', 'applied on node lb1'],
    ]);
  });

  it('waits for every live node of the store: one that never applies is a TIMEOUT naming it', async () => {
    const { driver } = make({ applyMode: 'store-only' });
    await driver.createNLB(req);
    await brokenNode(driver.store, 'lb2');
    const r = recorder();
    const error = await driver
      .addVMs({ nameId: 'web' }, [{ nameId: 'vm2' }], { onProgress: r.onProgress, wait: { timeoutMs: 300 } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT', operation: 'addVMs' });
    const message = (error as Error).message;
    expect(message).toMatch(
      /: store revision 2 is not applied on every node after 300 ms: lb2 at revision 0 /,
    );
    expect(message).toContain("error 'nft: Operation not permitted'");
    expect(message).toContain('the change is stored');
    expect(message).not.toMatch(/lb1/);
    expect(r.told()).toEqual([
      ['stored', 'stored as store revision 2'],
      ['applied', 'applied on node lb1'],
    ]);
    // Stored indeed: the change is there for the nodes that apply it.
    expect((await driver.getNLB({ nameId: 'web' })).vmGroup.vms.map((v) => v.nameId)).toEqual(['vm1', 'vm2']);
  });

  it('with `nodes` set, waits for exactly those', async () => {
    const { driver } = make({ applyMode: 'store-only', nodes: ['lb1'] });
    await brokenNode(driver.store, 'lb2');
    const r = recorder();
    await driver.createNLB(req, { onProgress: r.onProgress, wait: { timeoutMs: 5000 } });
    expect(r.told().map(([step, detail]) => `${step}: ${detail}`)).toEqual([
      'stored: stored as store revision 1',
      'applied: applied on node lb1',
    ]);
  });

  it('refuses a bad `wait` with INVALID_ARGUMENT before anything is stored', async () => {
    const { driver } = make();
    const getterThrows = Object.defineProperty({}, 'wait', {
      get: () => {
        throw new Error('no');
      },
      enumerable: true,
    });
    for (const opts of [
      { wait: { timeoutMs: -1 } },
      { wait: { timeoutMs: 1.5 } },
      { wait: 'yes' },
      { wait: { timeout: 5 } },
      getterThrows,
    ]) {
      const error = await driver.createNLB(req, opts as never).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'INVALID_ARGUMENT',
        violations: [expect.objectContaining({ path: expect.stringMatching(/^opts\.wait/) })],
      });
    }
    expect(await driver.store.revision()).toBe(0);
  });
});

describe('which nodes a wait waits for', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  const report = (node: string, appliedRevision: number, ageMs: number): NodeReport => ({
    node,
    appliedRevision,
    attemptedRevision: appliedRevision,
    updatedAt: new Date(now - ageMs).toISOString(),
    vips: [],
    health: {},
  });
  const year = 365 * 24 * 3600_000;

  it('counts nodes in step before the change, or recently heard from; never a long-gone one', () => {
    const reports = [
      report('idle', 9, year), // in step with revision 9, quiet since: alive as far as anyone knows
      report('failing', 3, 60_000), // behind, but reported a minute ago
      report('gone', 3, year), // behind and silent for a year: decommissioned
      report('edge', 3, LIVE_REPORT_WINDOW_MS + 1),
    ];
    expect(nodesToWaitFor(reports, 10, { now }).sort()).toEqual(['failing', 'idle']);
    expect(nodesToWaitFor(reports, 10, { now, embedded: 'lb1' }).sort()).toEqual(['failing', 'idle', 'lb1']);
    expect(nodesToWaitFor(reports, 10, { now, configured: ['gone', 'new'] })).toEqual(['gone', 'new']);
  });
});
