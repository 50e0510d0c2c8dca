/**
 * Forwarding modes on the native driver (issue 21): which modes a driver offers follows its agents'
 * data plane; a dsr NLB is stored for the agents (no SNAT, MAGLEV by default) and planned as dsr; a
 * request the data plane cannot honour is refused before the store changes.
 */
import { describe, expect, it } from 'vitest';
import type { NLBError } from '../../interfaces/errors.js';
import type { NLBCreateRequest } from '../../interfaces/types.js';
import { planNode } from '../../native/agent/desired-state.js';
import type { Executor } from '../../native/executor/types.js';
import { createMemoryStore } from '../../native/store/memory-store.js';
import { createNativeDriver } from './native-driver.js';

const vmInventory = { a: { ipv4: '10.0.0.11' }, b: { ipv4: '10.0.0.12' }, c: { ipv6: 'fd00::13' } };
const driver = (over: Parameters<typeof createNativeDriver>[0] extends infer O ? Partial<O> : never = {}) =>
  createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: ['10.99.0.0/24', 'fd00:99::/120'] },
    vmInventory,
    snat: true,
    forwardingModes: ['nat', 'dsr'],
    ...over,
  });
const req = (vmGroup: Partial<NLBCreateRequest['vmGroup']> = {}): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: {
    protocol: 'TCP',
    port: 80,
    vms: [{ nameId: 'a' }, { nameId: 'b' }],
    forwarding: 'dsr',
    ...vmGroup,
  },
  healthChecker: { protocol: 'TCP' },
});
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: NLBError) => e,
  );
const noExec: Executor = { where: 'nowhere', run: async () => ({ code: 1, stdout: '', stderr: 'unused' }) };

describe('native driver: forwarding modes', () => {
  it('offers what the agents honour: nat only by default, dsr with nft dsr devices, all three on IPVS', () => {
    const modes = (d: ReturnType<typeof createNativeDriver>) => d.capabilities.forwarding?.modes;
    expect(modes(driver({ forwardingModes: undefined }))).toEqual(['nat']);
    const agent = { executor: noExec, dsr: { ingress: ['eth0'], egress: 'eth1' } };
    expect(modes(driver({ forwardingModes: undefined, agent }))).toEqual(['nat', 'dsr']);
    const ipvs = { executor: noExec, dataplane: 'ipvs' as const };
    expect(modes(driver({ forwardingModes: undefined, snat: false, agent: ipvs }))).toEqual([
      'nat',
      'dsr',
      'tunnel',
    ]);
    expect(() => driver({ forwardingModes: ['dsr'] })).toThrow(/forwardingModes/);
    expect(() => driver({ snat: false, agent: { ...ipvs, dsr: agent.dsr } })).toThrow(/agent\.dsr|IPVS/);
    const tunnel = { executor: noExec, tunnel: { ingress: ['eth0'] } };
    expect(modes(driver({ forwardingModes: undefined, agent: tunnel }))).toEqual(['nat', 'tunnel']);
    expect(driver({ forwardingModes: undefined, agent: tunnel }).capabilities.forwarding?.ipv4Only).toEqual([
      'tunnel',
    ]);
    expect(() => driver({ snat: false, agent: { ...ipvs, ...tunnel } })).toThrow(/agent\.tunnel/);
  });

  it('refuses bad probe settings at construction, before any check starts or command runs', () => {
    let ran = 0;
    const counting: Executor = {
      where: 'counting',
      run: async () => {
        ran++;
        return { code: 1, stdout: '', stderr: 'unused' };
      },
    };
    const withProbe = (probe: { address: string; device?: string; gateway?: string }) => ({
      forwardingModes: undefined,
      agent: { executor: counting, health: 'auto' as const, tunnel: { ingress: ['eth0'] }, probe },
    });
    const refused = (over: ReturnType<typeof withProbe>) => {
      try {
        driver(over);
      } catch (e) {
        return `${(e as NLBError).code}: ${(e as Error).message}`;
      }
      return 'built';
    };
    expect(refused(withProbe({ address: '10.0.1.250' }))).toMatch(/^INVALID_ARGUMENT: .*needs a device/);
    expect(
      refused(withProbe({ address: '10.0.1.250', device: 'eth1', gateway: '10.0.1.254 dev lo' })),
    ).toMatch(/^INVALID_ARGUMENT: .*the probe gateway must be a canonical IPv4 address/);
    expect(ran).toBe(0);
  });

  it('stores a tunnel NLB for the agents as it does a dsr one', async () => {
    const d = driver({ forwardingModes: ['nat', 'dsr', 'tunnel'] });
    await d.createNLB(req({ forwarding: 'tunnel' }));
    const snapshot = await d.store.list();
    expect(snapshot.records[0]?.record.service).toMatchObject({ forwarding: 'tunnel', snat: false });
    expect(planNode(snapshot, () => 'HEALTHY').state.services[0]).toMatchObject({ forwarding: 'tunnel' });
  });

  it('stores a dsr NLB for the agents: MAGLEV by default, no SNAT, planned as dsr', async () => {
    const d = driver();
    const nlb = await d.createNLB(req());
    expect(nlb.vmGroup).toMatchObject({ forwarding: 'dsr', algorithm: 'MAGLEV', hashFields: 'FIVE_TUPLE' });
    expect((await d.getNLB({ nameId: 'web' })).vmGroup.forwarding).toBe('dsr');
    const snapshot = await d.store.list();
    expect(snapshot.records[0]?.record.service).toMatchObject({ forwarding: 'dsr', snat: false });
    const plan = planNode(snapshot, () => 'HEALTHY');
    expect(plan.state.services[0]).toMatchObject({ forwarding: 'dsr', snat: false });
    // A nat NLB's record stays as before forwarding modes existed.
    await d.createNLB({ ...req({ forwarding: undefined, port: 8080 }), iid: { nameId: 'api' } });
    const api = (await d.store.get('api'))?.record;
    expect(api?.service.forwarding).toBeUndefined();
    expect(api?.nlb.vmGroup.forwarding).toBe('nat');
  });

  it('stores a tunnel NLB like a dsr one (no SNAT, planned as tunnel), and refuses IPv6 before the store changes', async () => {
    const d = driver({ forwardingModes: ['nat', 'dsr', 'tunnel'] });
    await d.createNLB({ ...req({ forwarding: 'tunnel' }), iid: { nameId: 'tun' } });
    const snapshot = await d.store.list();
    expect(snapshot.records[0]?.record.service).toMatchObject({ forwarding: 'tunnel', snat: false });
    expect(planNode(snapshot, () => 'HEALTHY').state.services[0]).toMatchObject({ forwarding: 'tunnel' });
    const listener = { protocol: 'TCP' as const, port: 80, addressFamily: 'IPV6' as const };
    const v6 = await failure(
      d.createNLB({ ...req({ forwarding: 'tunnel', vms: [{ nameId: 'c' }] }), listener }),
    );
    expect(v6 && `${v6.code} ${v6.violations?.[0]?.path}`).toBe('UNSUPPORTED vmGroup.forwarding');
    expect((await d.store.list()).records).toHaveLength(1);
  });

  it('refuses what dsr cannot do, before the store changes', async () => {
    const d = driver();
    const cases: [Partial<NLBCreateRequest['vmGroup']>, string][] = [
      [{ algorithm: 'ROUND_ROBIN' }, 'INVALID_ARGUMENT vmGroup.algorithm'],
      [{ port: 8080 }, 'INVALID_ARGUMENT vmGroup.port'],
      [{ vms: [{ nameId: 'c' }] }, 'UNSUPPORTED vmGroup.forwarding'],
      [{ forwarding: 'tunnel' }, 'UNSUPPORTED vmGroup.forwarding'],
    ];
    for (const [group, expected] of cases) {
      const listener = group.vms
        ? { protocol: 'TCP' as const, port: 80, addressFamily: 'IPV6' as const }
        : undefined;
      const e = await failure(d.createNLB({ ...req(group), ...(listener ? { listener } : {}) }));
      expect(e && `${e.code} ${e.violations?.[0]?.path}`).toBe(expected);
    }
    expect((await d.store.list()).records).toEqual([]);
    const natOnly = driver({ forwardingModes: ['nat'] });
    expect((await failure(natOnly.createNLB(req())))?.code).toBe('UNSUPPORTED');
  });

  it('keeps the mode: a change to another is refused, leaving the NLB as it was', async () => {
    const d = driver();
    await d.createNLB(req());
    const before = await d.store.revision();
    const group = { protocol: 'TCP' as const, port: 80, vms: [{ nameId: 'a' }] };
    const e = await failure(d.changeVMGroupInfo({ nameId: 'web' }, { ...group, forwarding: 'nat' }));
    expect(e?.code).toBe('UNSUPPORTED');
    const moved = await failure(d.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 81 }));
    expect(moved && `${moved.code} ${moved.violations?.[0]?.path}`).toBe('INVALID_ARGUMENT listener.port');
    expect(await d.store.revision()).toBe(before);
    // Without the field the mode in force stays.
    expect((await d.changeVMGroupInfo({ nameId: 'web' }, group)).vmGroup.forwarding).toBe('dsr');
  });
});
