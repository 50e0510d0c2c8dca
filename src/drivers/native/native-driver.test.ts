import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeHealth } from '../../../test/native/fake-health.js';
import { fakeIpvsadm } from '../../../test/native/fake-ipvsadm.js';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../../../test/native/fake-node.js';
import type { NLBCreateRequest } from '../../interfaces/types.js';
import { createAgent } from '../../native/agent/agent.js';
import { createFileStore } from '../../native/store/file-store.js';
import { createMemoryStore } from '../../native/store/memory-store.js';
import { isStoreMissing } from '../../native/store/store-errors.js';
import { createNativeDriver, type NativeDriver } from './native-driver.js';
import type { NativeDriverOptions } from './native-options.js';

const inventory = {
  vm1: { ipv4: '10.0.0.11', ipv6: 'fd00::11' },
  vm2: { ipv4: '10.0.0.12', ipv6: 'fd00::12' },
  v6only: { ipv6: 'fd00::13' },
};
const drivers: NativeDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

function make(extra: Partial<NativeDriverOptions> = {}, kernel = new FakeKernel()) {
  const driver = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: ['10.99.0.0/29', 'fd00:99::/120'] },
    vmInventory: inventory,
    ...extra,
  });
  drivers.push(driver);
  return { driver, kernel };
}
const embedded = (kernel: FakeKernel, health?: FakeHealth) => ({
  executor: fakeIpExecutor(kernel),
  dataplane: () => fakeDataplane(kernel),
  intervalSeconds: 3600,
  health,
});

const req = (
  name: string,
  extra: Partial<NLBCreateRequest['listener']> = {},
  vms = ['vm1', 'vm2'],
): NLBCreateRequest => ({
  iid: { nameId: name },
  listener: { protocol: 'TCP', port: 80, ...extra },
  vmGroup: { protocol: 'TCP', port: 8080, vms: vms.map((nameId) => ({ nameId })) },
  healthChecker: { protocol: 'TCP' },
});

describe('native driver', () => {
  it('allocates the lowest free VIP and releases it on delete', async () => {
    const { driver } = make();
    expect((await driver.createNLB(req('a'))).listener.ip).toBe('10.99.0.1');
    expect((await driver.createNLB(req('b'))).listener.ip).toBe('10.99.0.2');
    await driver.deleteNLB({ nameId: 'a' });
    expect((await driver.createNLB(req('c'))).listener.ip).toBe('10.99.0.1');
  });

  it('chooses from the store as it is when another driver changed it since', async () => {
    const store = createMemoryStore();
    const { driver: a } = make({ store });
    const { driver: b } = make({ store });
    expect((await a.createNLB(req('x'))).listener.ip).toBe('10.99.0.1');
    expect((await a.createNLB(req('y'))).listener.ip).toBe('10.99.0.2');
    // b frees .1 and gives it to z: a's own index of the VIPs in use is out of date and must not be used.
    await b.deleteNLB({ nameId: 'x' });
    expect((await b.createNLB(req('z'))).listener.ip).toBe('10.99.0.1');
    expect((await a.createNLB(req('w'))).listener.ip).toBe('10.99.0.3');
    await a.deleteNLB({ nameId: 'y' });
    expect((await a.createNLB(req('v'))).listener.ip).toBe('10.99.0.2');
  });

  it('honours a requested VIP in the pool, rejects one outside, shares on another port only', async () => {
    const { driver } = make();
    expect((await driver.createNLB(req('a', { ip: '10.99.0.5' }))).listener.ip).toBe('10.99.0.5');
    await expect(driver.createNLB(req('b', { ip: '192.0.2.1' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/listener\.ip.*10\.99\.0\.0\/29/),
    });
    await expect(driver.createNLB(req('b', { ip: '10.99.0.5' }))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await driver.createNLB(req('b', { ip: '10.99.0.5', port: 443 }))).listener.ip).toBe('10.99.0.5');
    await expect(driver.changeListener({ nameId: 'b' }, { protocol: 'TCP', port: 80 })).rejects.toMatchObject(
      {
        code: 'CONFLICT',
      },
    );
    expect((await driver.listIID()).map((i) => i.nameId)).toEqual(['a', 'b']);
  });

  it('answers NOT_FOUND for a VM the inventory does not know, creating nothing', async () => {
    const { driver } = make();
    await expect(driver.createNLB(req('a', {}, ['vm1', 'ghost']))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining("'ghost'"),
    });
    await expect(driver.addVMs({ nameId: 'x' }, [{ nameId: 'vm1' }])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await driver.listNLB()).toEqual([]);
  });

  it('takes an IPv6 VIP when a VM has only IPv6, and refuses to add an IPv4-only VM to a v4 NLB missing v6', async () => {
    const { driver } = make({ vmInventory: async (name) => inventory[name as keyof typeof inventory] });
    const v6 = await driver.createNLB(req('six', {}, ['vm1', 'v6only']));
    expect(v6.listener.ip).toBe('fd00:99::1');
    const [stored] = (await driver.store.list()).records;
    expect(stored?.record.service.backends.map((b) => b.address)).toEqual(['fd00::11', 'fd00::13']);
    await driver.createNLB(req('four', {}, ['vm1']));
    await expect(driver.addVMs({ nameId: 'four' }, [{ nameId: 'v6only' }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('no IPv4 address'),
    });
  });

  it('moves an NLB to an IPv6 VIP, re-resolving every backend to its IPv6 address', async () => {
    const { driver } = make();
    await driver.createNLB(req('web'));
    const moved = await driver.changeListener(
      { nameId: 'web' },
      { protocol: 'TCP', port: 80, ip: 'fd00:99::7' },
    );
    expect(moved.listener.ip).toBe('fd00:99::7');
    const service = (await driver.store.get('web'))?.record.service;
    expect(service).toMatchObject({ vip: 'fd00:99::7', family: 6 });
    expect(service?.backends.map((b) => b.address)).toEqual(['fd00::11', 'fd00::12']);
  });

  it('persists defaults and settings agents need into the record', async () => {
    const { driver } = make({ snat: true, hashSeed: 7, maglevTableSize: 251 });
    const nlb = await driver.createNLB({
      ...req('m'),
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1', weight: 5 }], algorithm: 'MAGLEV' },
      healthChecker: { protocol: 'HTTP', httpPath: '/healthz', healthyThreshold: 2, unhealthyThreshold: 4 },
    });
    expect(nlb.healthChecker).toMatchObject({
      interval: 10,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 4,
    });
    expect(nlb.iid.systemId).toBe('nlbkit-native:m');
    const service = (await driver.store.get('m'))?.record.service;
    expect(service).toMatchObject({
      algorithm: 'MAGLEV',
      hashFields: 'FIVE_TUPLE',
      snat: true,
      hashSeed: 7,
      maglevTableSize: 251,
      backends: [{ id: 'vm1', address: '10.0.0.11', weight: 5 }],
      health: { protocol: 'HTTP', port: 8080, rise: 2, fall: 4, httpPath: '/healthz' },
    });
  });

  it('rejects a table size that is not prime', () => {
    expect(() => make({ maglevTableSize: 4096 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('with an embedded agent, returns only once the kernel holds the change', async () => {
    const kernel = new FakeKernel();
    const { driver } = make({ agent: embedded(kernel) }, kernel);
    await driver.createNLB(req('web'));
    expect(kernel.ruleset).toContain('"vip":"10.99.0.1"');
    expect(kernel.links.get('nlbkit0')?.addrs.has('10.99.0.1')).toBe(true);
    await driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm2' }]);
    expect(kernel.ruleset).not.toContain('10.0.0.12');
    await driver.deleteNLB({ nameId: 'web' });
    expect(kernel.links.get('nlbkit0')?.addrs.size).toBe(0);
  });

  it('keeps a shared VIP on the node until the last NLB using it is gone', async () => {
    const kernel = new FakeKernel();
    const { driver } = make({ agent: embedded(kernel) }, kernel);
    await driver.createNLB(req('http', { ip: '10.99.0.3', port: 80 }));
    await driver.createNLB(req('https', { ip: '10.99.0.3', port: 443 }));
    await driver.deleteNLB({ nameId: 'http' });
    expect(kernel.links.get('nlbkit0')?.addrs.has('10.99.0.3')).toBe(true);
    expect(kernel.ruleset).toContain('"port":443');
    expect(kernel.ruleset).not.toContain('"port":80,');
    await driver.deleteNLB({ nameId: 'https' });
    expect(kernel.links.get('nlbkit0')?.addrs.has('10.99.0.3')).toBe(false);
  });

  it('on a file store not yet created: reads are UNAVAILABLE, the first write creates it and the agent starts', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'nlbk-fresh-')), 'store');
    const kernel = new FakeKernel();
    const { driver } = make({ store: createFileStore(dir), agent: embedded(kernel) }, kernel);
    const error = await driver.listNLB().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(dir) });
    expect(isStoreMissing(error)).toBe(true);
    expect(kernel.ruleset).toBeUndefined();
    // The write creates the store; the embedded agent, refused before, starts and applies it.
    const nlb = await driver.createNLB(req('web'));
    expect(JSON.parse(kernel.ruleset ?? '{}').services.map((s: { id: string }) => s.id)).toEqual(['web']);
    expect((await driver.listNLB()).map((n) => n.iid.nameId)).toEqual(['web']);
    // Lost afterwards: the next write fails; the driver never starts the store over empty.
    await rm(join(dir, 'state.json'));
    const lost = await driver.deleteNLB(nlb.iid).catch((e: unknown) => e);
    expect(isStoreMissing(lost)).toBe(true);
    await expect(driver.createNLB(req('api'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(JSON.parse(kernel.ruleset ?? '{}').services.map((s: { id: string }) => s.id)).toEqual(['web']);
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('starts the embedded agent with the first call even in store-only mode', async () => {
    const kernel = new FakeKernel();
    const { driver } = make({ agent: embedded(kernel), applyMode: 'store-only' }, kernel);
    expect(kernel.syncs).toEqual([]); // constructing has no side effects
    await driver.createNLB(req('web'));
    await driver.waitForConvergence({ timeoutMs: 2000 });
    expect(kernel.ruleset).toContain('"vip":"10.99.0.1"');
  });

  it('refuses calls once closed, without touching the kernel again', async () => {
    const kernel = new FakeKernel();
    const { driver } = make({ agent: embedded(kernel) }, kernel);
    await driver.createNLB(req('web'));
    await driver.close({ teardown: true });
    expect(kernel.ruleset).toBeUndefined();
    await expect(driver.createNLB(req('api'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(driver.waitForConvergence()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(kernel.ruleset).toBeUndefined();
  });

  it('reports UNKNOWN without a health source, and what agents measured with one', async () => {
    const plain = make().driver;
    await plain.createNLB(req('web'));
    const h0 = await plain.getVMGroupHealthInfo({ nameId: 'web' });
    expect(h0.unknownVMs.map((v) => v.nameId)).toEqual(['vm1', 'vm2']);
    expect(h0.healthyVMs).toEqual([]);

    const kernel = new FakeKernel();
    const health = new FakeHealth();
    const { driver } = make({ agent: embedded(kernel, health) }, kernel);
    await driver.createNLB(req('web'));
    health.set('web/vm1', 'HEALTHY');
    health.set('web/vm2', 'UNHEALTHY', 'connection refused');
    await driver.agent?.reconcile();
    const h = await driver.getVMGroupHealthInfo({ nameId: 'web' });
    expect(h.healthyVMs.map((v) => v.nameId)).toEqual(['vm1']);
    expect(h.unhealthyVMs.map((v) => v.nameId)).toEqual(['vm2']);
    expect(h.details[1]).toMatchObject({
      state: 'UNHEALTHY',
      reason: 'embedded: connection refused',
      lastCheck: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('store-only mode with a separate agent: waitForConvergence waits for its report', async () => {
    const kernel = new FakeKernel();
    const store = createMemoryStore();
    const { driver } = make({ store, nodes: ['lb1'], convergenceTimeoutMs: 300 });
    await driver.createNLB(req('web'));
    await expect(driver.waitForConvergence()).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining('lb1 never reported'),
    });
    const agent = createAgent({
      store,
      node: 'lb1',
      executor: fakeIpExecutor(kernel),
      dataplane: () => fakeDataplane(kernel),
    });
    await agent.start();
    expect(await driver.waitForConvergence({ timeoutMs: 2000 })).toBe(1);
    await agent.stop();
  });
});

describe('native driver: choosing the data plane', () => {
  it("agent.dataplane 'ipvs' programs virtual services in the VIP pool through ipvsadm", async () => {
    const kernel = new FakeKernel();
    const ipvs = fakeIpvsadm();
    const ip = fakeIpExecutor(kernel);
    const executor = {
      where: 'fake node',
      run: (argv: readonly string[], opts?: { stdin?: string }) =>
        argv[0] === 'ipvsadm' ? ipvs.run(argv, opts) : ip.run(argv),
    };
    const { driver } = make({ agent: { executor, dataplane: 'ipvs', intervalSeconds: 3600 } });
    const nlb = await driver.createNLB(req('web'));
    expect(nlb.listener.ip).toBe('10.99.0.1');
    const svc = ipvs.services.get('TCP 10.99.0.1:80');
    expect(svc?.scheduler).toBe('rr');
    // Added ascending; the kernel (and the fake) list the last added first.
    expect([...(svc?.dests.keys() ?? [])]).toEqual(['10.0.0.12:8080', '10.0.0.11:8080']);
    expect(kernel.commands.some((c) => c[0] === 'nft')).toBe(false);
    await driver.deleteNLB(nlb.iid);
    expect(ipvs.services.size).toBe(0);
  });

  it.each([
    ['snat', { snat: true }, /does not masquerade/],
    ['a flowtable', { agent: { flowtable: { devices: ['eth0'] } } }, /flowtable is an nftables option/],
    ['an unknown name', { agent: { dataplane: 'xdp' } }, /must be 'nftables' or 'ipvs'/],
  ])('refuses the IPVS data plane with %s when the driver is made', (_, extra, message) => {
    const agent = { executor: fakeIpExecutor(new FakeKernel()), dataplane: 'ipvs' as const };
    const { agent: more, ...rest } = extra as Partial<NativeDriverOptions>;
    expect(() => make({ ...rest, agent: { ...agent, ...more } as NativeDriverOptions['agent'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }),
    );
  });
});
