/**
 * Connection draining (vmGroup.drainTimeoutSec) against the real kernel: a VM taken out by removeVMs
 * gets no new flow at once, its held TCP connection keeps exchanging data for the drain time, and the
 * agent ends it after that (its conntrack entry deleted). With 0 the connection ends at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../src/interfaces/types.js';
import {
  countByBackend,
  type NativeLab,
  requireRootNetns,
  startNativeLab,
  waitFor,
} from './harness/index.js';

const enabled = requireRootNetns();

function request(name: string, drainTimeoutSec: number): NLBCreateRequest {
  return {
    iid: { nameId: name },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: {
      protocol: 'TCP',
      port: 8080,
      vms: [{ nameId: 'vm-0' }, { nameId: 'vm-1' }, { nameId: 'vm-2' }],
      drainTimeoutSec,
    },
    healthChecker: { protocol: 'TCP' },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!enabled)('native load balancer: connection draining', () => {
  let lab: NativeLab;
  beforeAll(async () => {
    lab = await startNativeLab({ backends: 3 });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('a removed VM keeps its held connection for the drain time, gets no new flows, and is cut after', async () => {
    const drainSec = 4;
    const nlb = await lab.driver.createNLB(request('draining', drainSec));
    expect((await lab.driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec).toBe(drainSec);
    const vip = nlb.listener.ip as string;
    const held = await lab.topo.client.agent.hold({ host: vip, port: 80, intervalMs: 50 });
    const removed = held.backend;
    // Taken before the call: the drain's end is computed inside it.
    const removedAt = Date.now();
    await lab.driver.removeVMs(nlb.iid, [{ nameId: removed }]);

    // Meanwhile: new flows never reach the removed VM; the held one keeps exchanging data.
    const fresh = await lab.topo.client.agent.batch({ proto: 'tcp', host: vip, port: 80, count: 20 });
    const counts = countByBackend(fresh);
    expect(counts[removed]).toBeUndefined();
    expect(counts.error).toBeUndefined();
    const early = await held.status();
    await sleep(Math.max(0, removedAt + (drainSec - 1) * 1000 - Date.now()));
    const late = await held.status();
    expect(late.errors).toEqual([]);
    expect(late.closed).toBe(false);
    expect(late.echoed).toBeGreaterThan(early.echoed + 10);

    // After it: the connection ends (its next packet reaches a VM that never had it).
    const { ms } = await waitFor('the held connection to end', 15_000, async () => {
      const s = await held.status();
      return s.closed || s.errors.length > 0 ? s : undefined;
    });
    expect(Date.now() - removedAt).toBeGreaterThanOrEqual(drainSec * 1000);
    expect(ms).toBeLessThan(15_000);
    await held.release();
    await lab.driver.deleteNLB(nlb.iid);
  });

  it('drainTimeoutSec 0 ends a removed VM connection at once', async () => {
    const nlb = await lab.driver.createNLB(request('cut-at-once', 0));
    const vip = nlb.listener.ip as string;
    const held = await lab.topo.client.agent.hold({ host: vip, port: 80, intervalMs: 50 });
    await lab.driver.removeVMs(nlb.iid, [{ nameId: held.backend }]);
    await waitFor('the held connection to end', 5_000, async () => {
      const s = await held.status();
      return s.closed || s.errors.length > 0 ? s : undefined;
    });
    await held.release();
    await lab.driver.deleteNLB(nlb.iid);
  });

  it('a VM removed without drainTimeoutSec keeps its connection (no timeout), as before', async () => {
    const req = request('untimed', 0);
    delete req.vmGroup.drainTimeoutSec;
    const nlb = await lab.driver.createNLB(req);
    expect(nlb.vmGroup.drainTimeoutSec).toBeUndefined();
    const vip = nlb.listener.ip as string;
    const held = await lab.topo.client.agent.hold({ host: vip, port: 80, intervalMs: 50 });
    await lab.driver.removeVMs(nlb.iid, [{ nameId: held.backend }]);
    const before = await held.status();
    await sleep(3000);
    const after = await held.status();
    expect(after.errors).toEqual([]);
    expect(after.closed).toBe(false);
    expect(after.echoed).toBeGreaterThan(before.echoed + 10);
    await held.release();
    await lab.driver.deleteNLB(nlb.iid);
  });
});
