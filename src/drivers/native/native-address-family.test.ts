/** The native driver maps listener.addressFamily onto the family of the NLB's one VIP. */
import { afterEach, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../interfaces/types.js';
import { createMemoryStore } from '../../native/store/memory-store.js';
import { createNativeDriver, type NativeDriver } from './native-driver.js';

const inventory = {
  vm1: { ipv4: '10.0.0.11', ipv6: 'fd00::11' },
  vm2: { ipv4: '10.0.0.12', ipv6: 'fd00::12' },
};
const drivers: NativeDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

function make(ranges = ['10.99.0.0/29', 'fd00:99::/120']) {
  const driver = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges },
    vmInventory: inventory,
  });
  drivers.push(driver);
  return driver;
}

const req = (name: string, listener: Partial<NLBCreateRequest['listener']> = {}): NLBCreateRequest => ({
  iid: { nameId: name },
  listener: { protocol: 'TCP', port: 80, ...listener },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }, { nameId: 'vm2' }] },
  healthChecker: { protocol: 'TCP' },
});

describe('native driver: listener address family', () => {
  it('IPV6 takes an IPv6 VIP and the VMs IPv6 addresses; IPV4 and no family keep the old behaviour', async () => {
    const driver = make();
    const v6 = await driver.createNLB(req('six', { addressFamily: 'IPV6' }));
    expect(v6.listener).toMatchObject({ ip: 'fd00:99::1', ipv6: 'fd00:99::1', addressFamily: 'IPV6' });
    const service = (await driver.store.get('six'))?.record.service;
    expect(service).toMatchObject({ vip: 'fd00:99::1', family: 6 });
    expect(service?.backends.map((b) => b.address)).toEqual(['fd00::11', 'fd00::12']);
    const v4 = await driver.createNLB(req('four', { addressFamily: 'IPV4' }));
    expect(v4.listener).toMatchObject({ ip: '10.99.0.1', addressFamily: 'IPV4' });
    expect(v4.listener.ipv6).toBeUndefined();
    expect((await driver.createNLB(req('plain'))).listener).toMatchObject({ addressFamily: 'IPV4' });
    // A requested address gives its family.
    const asked = await driver.createNLB(req('asked', { ip: 'fd00:99::9' }));
    expect(asked.listener.addressFamily).toBe('IPV6');
  });

  it('refuses DUAL_STACK, and IPV6 on a pool without IPv6, with UNSUPPORTED before writing', async () => {
    const driver = make(['10.99.0.0/29']);
    expect(driver.capabilities.addressFamilies).toEqual({ families: ['IPV4'], change: false });
    for (const addressFamily of ['DUAL_STACK', 'IPV6'] as const)
      await expect(driver.createNLB(req('x', { addressFamily }))).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        violations: [expect.objectContaining({ path: 'listener.addressFamily' })],
      });
    expect((await driver.store.list()).records).toEqual([]);
  });

  it('changeListener to another family moves the NLB to a new VIP of that family', async () => {
    const driver = make();
    await driver.createNLB(req('web'));
    const moved = await driver.changeListener(
      { nameId: 'web' },
      { protocol: 'TCP', port: 80, addressFamily: 'IPV6' },
    );
    expect(moved.listener).toMatchObject({ ip: 'fd00:99::1', addressFamily: 'IPV6' });
    expect((await driver.store.get('web'))?.record.service).toMatchObject({ vip: 'fd00:99::1', family: 6 });
    // The same family without an ip keeps the VIP.
    const kept = await driver.changeListener(
      { nameId: 'web' },
      { protocol: 'TCP', port: 81, addressFamily: 'IPV6' },
    );
    expect(kept.listener).toMatchObject({ ip: 'fd00:99::1', port: 81 });
  });
});
