import { describe, expect, it } from 'vitest';
import type { MockForeignNLB } from './mock-adoption.js';
import { createMockDriver } from './mock-driver.js';

const vms = { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' } };
const lb = (over: Partial<MockForeignNLB> = {}): MockForeignNLB => ({
  listeners: [{ protocol: 'TCP', port: 443 }],
  vmGroup: { protocol: 'TCP', port: 8443, vms: ['web1', 'web2'] },
  healthChecker: { protocol: 'HTTP', port: 8080, httpPath: '/healthz' },
  ...over,
});
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
  );

describe('mock adoption', () => {
  it('adopts a load balancer given in the options, with its own id, settings and VMs', async () => {
    const nlb = createMockDriver({ vms, foreign: { 'lb-1': lb() } });
    const adopted = await nlb.adoptNLB('lb-1', { nameId: 'shop' });
    expect(adopted.iid).toEqual({ nameId: 'shop', systemId: 'lb-1' });
    expect(adopted.listener).toMatchObject({ protocol: 'TCP', port: 443 });
    expect(adopted.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['web1', 'web2']);
    expect(adopted.healthChecker).toMatchObject({
      protocol: 'HTTP',
      port: 8080,
      httpPath: '/healthz',
      interval: 10,
    });
    expect(await nlb.listIID()).toEqual([{ nameId: 'shop', systemId: 'lb-1' }]);
  });

  it('releases back into the cloud and adopts again under another name', async () => {
    const nlb = createMockDriver({ vms, foreign: { 'lb-1': lb() } });
    await nlb.adoptNLB('lb-1', { nameId: 'shop' });
    expect(await nlb.releaseNLB({ nameId: 'shop' })).toBe(true);
    expect(await nlb.listIID()).toEqual([]);
    expect(nlb.holdsNLB('lb-1')).toBe(true);
    const again = await nlb.adoptNLB('lb-1', { nameId: 'store' });
    expect(again.listener.port).toBe(443);
  });

  it('refuses what a cloud driver refuses, changing nothing', async () => {
    const nlb = createMockDriver({
      vms,
      foreign: {
        two: lb({
          listeners: [
            { protocol: 'TCP', port: 80 },
            { protocol: 'TCP', port: 81 },
          ],
        }),
        ghost: lb({ vmGroup: { protocol: 'TCP', port: 80, vms: ['web1', 'gone'] } }),
      },
    });
    expect(await code(nlb.adoptNLB('two', { nameId: 'a' }))).toMatch(/^UNSUPPORTED: .*2 listeners/);
    expect(await code(nlb.adoptNLB('ghost', { nameId: 'a' }))).toMatch(/^UNSUPPORTED: .*'gone'/);
    expect(await code(nlb.adoptNLB('nothing', { nameId: 'a' }))).toMatch(/^NOT_FOUND/);
    expect(await nlb.listIID()).toEqual([]);
    expect(nlb.holdsNLB('two') && nlb.holdsNLB('ghost')).toBe(true);
  });

  it('refuses a taken name or an id it already manages', async () => {
    const nlb = createMockDriver({ vms, foreign: { 'lb-1': lb(), 'lb-2': lb() } });
    await nlb.adoptNLB('lb-1', { nameId: 'shop' });
    expect(await code(nlb.adoptNLB('lb-2', { nameId: 'shop' }))).toMatch(/^ALREADY_EXISTS/);
    expect(await code(nlb.adoptNLB('lb-1', { nameId: 'other' }))).toMatch(/^ALREADY_EXISTS/);
    expect(() => nlb.putForeignNLB('lb-1', lb())).toThrow(/already manages/);
    expect(nlb.holdsNLB('lb-2')).toBe(true);
  });

  it('validates what a test puts into the cloud', () => {
    const nlb = createMockDriver({ vms });
    expect(() => nlb.putForeignNLB('x', lb({ listeners: [{ protocol: 'SCTP' as 'TCP', port: 1 }] }))).toThrow(
      /listeners\[0\]/,
    );
    expect(() =>
      nlb.putForeignNLB('x', lb({ vmGroup: { protocol: 'TCP', port: 1, vms: ['bad name'] } })),
    ).toThrow(/not a valid name/);
    expect(nlb.holdsNLB('x')).toBe(false);
  });

  it('is UNSUPPORTED when the emulated cloud does not adopt', async () => {
    const nlb = createMockDriver({ vms, foreign: { 'lb-1': lb() }, capabilities: { adoption: false } });
    expect(await code(nlb.adoptNLB('lb-1', { nameId: 'shop' }))).toMatch(/^UNSUPPORTED: .*adoption: false/);
    expect(await nlb.listIID()).toEqual([]);
  });
});
