/**
 * Changes through the public API take effect for new connections, leave established ones alone, and
 * deleting leaves nothing behind in the kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../src/interfaces/types.js';
import {
  countByBackend,
  listAddresses,
  listRuleset,
  type NativeLab,
  requireRootNetns,
  startNativeLab,
  tableElements,
} from './harness/index.js';

const enabled = requireRootNetns();
const vm = (nameId: string, weight?: number) => (weight ? { nameId, weight } : { nameId });

function request(name: string, vms: string[], over: Partial<NLBCreateRequest> = {}): NLBCreateRequest {
  return {
    iid: { nameId: name },
    vpcIID: { nameId: 'vpc' },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: vms.map((n) => vm(n)) },
    healthChecker: { protocol: 'TCP' },
    ...over,
  };
}

describe.skipIf(!enabled)('native load balancer: changes', () => {
  let lab: NativeLab;
  beforeAll(async () => {
    lab = await startNativeLab({
      backends: 3,
      ipv6: true,
      ports: { tcp: [8080, 9090], udp: [5300], http: [8081] },
    });
  });
  afterAll(async () => {
    await lab?.destroy();
  });
  const send = (host: string, port: number, count = 12) =>
    lab.topo.client.agent.batch({ proto: 'tcp', host, port, count, timeoutMs: 1000 });

  it('addVMs, removeVMs, changeListener and changeVMGroupInfo take effect for new connections', async () => {
    const nlb = await lab.driver.createNLB(request('changing', ['vm-0', 'vm-1']));
    const vip = nlb.listener.ip!;
    expect(countByBackend(await send(vip, 80))).toEqual({ 'vm-0': 6, 'vm-1': 6 });

    await lab.driver.addVMs(nlb.iid, [vm('vm-2')]);
    expect(countByBackend(await send(vip, 80))).toEqual({ 'vm-0': 4, 'vm-1': 4, 'vm-2': 4 });

    await lab.driver.removeVMs(nlb.iid, [vm('vm-0')]);
    expect(countByBackend(await send(vip, 80))).toEqual({ 'vm-1': 6, 'vm-2': 6 });

    await lab.driver.changeListener(nlb.iid, { protocol: 'TCP', port: 81, ip: vip });
    expect(countByBackend(await send(vip, 81))).toEqual({ 'vm-1': 6, 'vm-2': 6 });
    expect(countByBackend(await send(vip, 80, 2))).toEqual({ error: 2 });

    await lab.driver.changeVMGroupInfo(nlb.iid, {
      protocol: 'TCP',
      port: 9090,
      vms: [vm('vm-0', 1), vm('vm-2', 3)],
    });
    const after = await send(vip, 81, 40);
    expect(countByBackend(after)).toEqual({ 'vm-0': 10, 'vm-2': 30 });
    expect(new Set(after.map((r) => r.port))).toEqual(new Set([9090]));
    await lab.driver.deleteNLB(nlb.iid);
  });

  it('a long-lived connection to a backend that stays survives 50 changes', async () => {
    const nlb = await lab.driver.createNLB(request('steady', ['vm-0', 'vm-1', 'vm-2']));
    const vip = nlb.listener.ip!;
    const held = await lab.topo.client.agent.hold({ host: vip, port: 80, intervalMs: 20 });
    const others = ['vm-0', 'vm-1', 'vm-2'].filter((n) => n !== held.backend);
    const [a, b] = others as [string, string];
    const changes: (() => Promise<unknown>)[] = [
      () => lab.driver.removeVMs(nlb.iid, [vm(a)]),
      () => lab.driver.addVMs(nlb.iid, [vm(a, 5)]),
      () =>
        lab.driver.changeVMGroupInfo(nlb.iid, {
          protocol: 'TCP',
          port: 8080,
          vms: [vm(held.backend, 2), vm(b)],
          algorithm: 'SOURCE_HASH',
        }),
      () => lab.driver.changeListener(nlb.iid, { protocol: 'TCP', port: 81, ip: vip }),
      () =>
        lab.driver.changeVMGroupInfo(nlb.iid, {
          protocol: 'TCP',
          port: 8080,
          vms: [vm(held.backend), vm(a), vm(b)],
          algorithm: 'ROUND_ROBIN',
        }),
      () => lab.driver.changeListener(nlb.iid, { protocol: 'TCP', port: 80, ip: vip }),
    ];
    for (let i = 0; i < 50; i++) await changes[i % changes.length]!();
    const midway = await held.status();
    await new Promise((r) => setTimeout(r, 200));
    const final = await held.release();
    expect(final.errors).toEqual([]);
    expect(midway.closed).toBe(false);
    // Pings kept flowing after the last change, and every one sent before release was echoed.
    expect(final.echoed).toBeGreaterThan(midway.echoed);
    expect(final.sent - final.echoed).toBeLessThanOrEqual(1);
    await lab.driver.deleteNLB(nlb.iid);
  });

  it('deleteNLB leaves no rule, map element or VIP behind', async () => {
    const keep = await lab.driver.createNLB(request('keep', ['vm-0', 'vm-1']));
    const rulesBefore = await listRuleset(lab.lbExec);
    const addressesBefore = (await listAddresses(lab.lbExec)).sort();
    // Same shape as `keep`, so it shares keep's chain: the kernel must return to exactly the same text.
    const gone = await lab.driver.createNLB(
      request('gone', ['vm-1', 'vm-2'], { listener: { protocol: 'TCP', port: 443 } }),
    );
    const goneVip = gone.listener.ip!;
    expect(goneVip).not.toBe(keep.listener.ip);
    const rulesDuring = await listRuleset(lab.lbExec);
    expect(rulesDuring).not.toBe(rulesBefore);
    expect(await listAddresses(lab.lbExec)).toContain(`${goneVip}/32`);

    expect(await lab.driver.deleteNLB(gone.iid)).toBe(true);
    expect(await listRuleset(lab.lbExec)).toBe(rulesBefore);
    expect((await listAddresses(lab.lbExec)).sort()).toEqual(addressesBefore);
    expect(countByBackend(await send(goneVip, 443, 2))).toEqual({ error: 2 });
    await lab.driver.deleteNLB(keep.iid);
  });

  it('deleting every NLB leaves the nlbkit table without elements and the node without VIPs', async () => {
    const vips: string[] = [];
    for (const [i, over] of [
      {},
      { vmGroup: { protocol: 'TCP' as const, port: 8080, vms: [vm('vm-0', 1), vm('vm-1', 3)] } },
      { listener: { protocol: 'TCP' as const, port: 80, ip: 'fd00:6e6c:626b:ff::9' } },
      {
        listener: { protocol: 'UDP' as const, port: 53 },
        vmGroup: { protocol: 'UDP' as const, port: 5300, vms: [vm('vm-2')], algorithm: 'MAGLEV' as const },
        healthChecker: { protocol: 'UDP' as const },
      },
    ].entries()) {
      vips.push(
        (await lab.driver.createNLB(request(`all-${i}`, ['vm-0', 'vm-1', 'vm-2'], over))).listener.ip!,
      );
    }
    const during = await tableElements(lab.lbExec);
    expect(Object.values(during ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(4);
    for (const nlb of await lab.driver.listNLB()) await lab.driver.deleteNLB(nlb.iid);
    expect(await lab.driver.listNLB()).toEqual([]);
    const after = await tableElements(lab.lbExec);
    for (const [map, count] of Object.entries(after ?? {}))
      expect(count, `elements left in map ${map}`).toBe(0);
    const addresses = await listAddresses(lab.lbExec);
    for (const vip of vips) expect(addresses.join(' ')).not.toContain(vip);
  });
});
