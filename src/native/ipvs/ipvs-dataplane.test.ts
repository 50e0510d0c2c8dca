import { describe, expect, it } from 'vitest';
import { fakeIpvsadm } from '../../../test/native/fake-ipvsadm.js';
import { backend, nodeState, service } from '../../../test/native/nft-fixtures.js';
import { createIpvsDataplane } from './ipvs-dataplane.js';

const setup = () => {
  const ex = fakeIpvsadm();
  // Someone else's service, outside the owned range.
  ex.services.set('TCP 203.0.113.9:80', { scheduler: 'lc', flags: [], dests: new Map() });
  const dp = createIpvsDataplane({ executor: ex, ownedRanges: ['10.0.0.0/24'] });
  return { ex, dp };
};
const state = (...services: Parameters<typeof service>[0][]) => nodeState(services.map((s) => service(s)));
const writes = (ex: ReturnType<typeof fakeIpvsadm>) => ex.calls.filter((c) => c[1] === '-R').length;

describe('createIpvsDataplane (fake ipvsadm)', () => {
  it('builds the table in one ipvsadm -R, then sends nothing while nothing differs, then only the difference', async () => {
    const { ex, dp } = setup();
    expect(await dp.sync(state({}))).toEqual({ mode: 'full', statements: 3 });
    expect(await dp.sync(state({}))).toEqual({ mode: 'none', statements: 0 });
    expect(writes(ex)).toBe(1);
    expect(await dp.verify(state({}))).toEqual([]);
    const r = await dp.sync(state({ backends: [backend(1), backend(2), backend(3)] }));
    expect(r).toEqual({ mode: 'incremental', statements: 1 });
    expect(ex.lines.at(-1)).toBe('-a -t 10.0.0.1:80 -r 10.1.0.3:8080 -m -w 1');
  });

  it('a fresh instance adopts a table that is already right (an agent restart changes nothing)', async () => {
    const { ex, dp } = setup();
    await dp.sync(state({}, { id: 'b', vip: '10.0.0.2', algorithm: 'MAGLEV' }));
    const again = createIpvsDataplane({ executor: ex, ownedRanges: ['10.0.0.0/24'] });
    expect(await again.sync(state({}, { id: 'b', vip: '10.0.0.2', algorithm: 'MAGLEV' }))).toEqual({
      mode: 'none',
      statements: 0,
    });
  });

  it('drains a removed backend and deletes it at the first sync after its last connection', async () => {
    const { ex, dp } = setup();
    await dp.sync(state({}));
    ex.setConns('TCP 10.0.0.1:80', '10.1.0.1:8080', 1, 0);
    await dp.sync(state({ backends: [backend(2)] }));
    expect(ex.services.get('TCP 10.0.0.1:80')!.dests.get('10.1.0.1:8080')!.weight).toBe(0);
    expect(await dp.verify(state({ backends: [backend(2)] }))).toEqual([]);
    expect(await dp.sync(state({ backends: [backend(2)] }))).toEqual({ mode: 'none', statements: 0 });
    ex.setConns('TCP 10.0.0.1:80', '10.1.0.1:8080', 0, 0);
    await dp.sync(state({ backends: [backend(2)] }));
    expect([...ex.services.get('TCP 10.0.0.1:80')!.dests.keys()]).toEqual(['10.1.0.2:8080']);
  });

  it('the first sync that deletes a drained server makes the kernel end its connections (once)', async () => {
    const { ex, dp } = setup();
    const sysctls = () => ex.calls.filter((c) => c[0] === 'sysctl');
    await dp.sync(state({}));
    ex.setConns('TCP 10.0.0.1:80', '10.1.0.1:8080', 1, 0);
    await dp.sync(state({ backends: [backend(2)] }));
    expect(sysctls()).toEqual([]);
    const over = { backends: [backend(2)], drained: [{ address: '10.1.0.1', port: 8080, until: 1 }] };
    await dp.sync(state(over));
    expect([...ex.services.get('TCP 10.0.0.1:80')!.dests.keys()]).toEqual(['10.1.0.2:8080']);
    expect(sysctls()).toEqual([['sysctl', '-w', 'net.ipv4.vs.expire_nodest_conn=1']]);
    // Before the deletion: the sysctl runs first.
    expect(ex.calls.findIndex((c) => c[0] === 'sysctl')).toBeLessThan(ex.calls.length - 2);
    await dp.sync(state(over));
    expect(sysctls()).toHaveLength(1);
  });

  it('verify() reports drift, and the next sync repairs it from what the kernel holds', async () => {
    const { ex, dp } = setup();
    await dp.sync(state({}));
    ex.services.get('TCP 10.0.0.1:80')!.dests.delete('10.1.0.2:8080');
    ex.services.set('UDP 10.0.0.7:53', { scheduler: 'rr', flags: [], dests: new Map() });
    expect(await dp.verify(state({}))).toEqual([
      'real server 10.1.0.2:8080 of tcp 10.0.0.1:80 is missing',
      'service udp 10.0.0.7:53 is not desired',
    ]);
    expect(await dp.sync(state({}))).toEqual({ mode: 'incremental', statements: 2 });
    expect(await dp.verify(state({}))).toEqual([]);
  });

  it('a real server added by hand to an owned service is drift: reported, drained, then removed', async () => {
    const { ex, dp } = setup();
    await dp.sync(state({}));
    const web = ex.services.get('TCP 10.0.0.1:80')!;
    web.dests.set('10.1.0.9:8080', { forward: 'Masq', weight: 5, active: 2, inactive: 0 });
    web.dests.set('10.1.0.8:8080', { forward: 'Route', weight: 0, active: 0, inactive: 0 });
    expect(await dp.verify(state({}))).toEqual([
      'real server 10.1.0.9:8080 of tcp 10.0.0.1:80 should not take new flows (weight 5)',
      'real server 10.1.0.8:8080 of tcp 10.0.0.1:80 should not take new flows (weight 0)',
    ]);
    // Its connections go on (weight 0, as any leaving server); the idle one goes at once.
    await dp.sync(state({}));
    expect(ex.lines.slice(-2)).toEqual([
      '-e -t 10.0.0.1:80 -r 10.1.0.9:8080 -m -w 0',
      '-d -t 10.0.0.1:80 -r 10.1.0.8:8080',
    ]);
    expect(await dp.verify(state({}))).toEqual([]);
    ex.setConns('TCP 10.0.0.1:80', '10.1.0.9:8080', 0, 0);
    await dp.sync(state({}));
    expect([...web.dests.keys()].sort()).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
  });

  it('a service of another protocol (SCTP) on an owned address is drift, and removed', async () => {
    const { ex, dp } = setup();
    await dp.sync(state({}));
    const sctp = { scheduler: 'rr', flags: [], dests: new Map() };
    ex.services.set('SCTP 10.0.0.1:80', sctp);
    ex.services.set('SCTP 203.0.113.9:80', { ...sctp, dests: new Map() }); // outside the pool: not ours
    expect(await dp.verify(state({}))).toEqual(['service sctp 10.0.0.1:80 is not desired']);
    expect(await dp.sync(state({}))).toEqual({ mode: 'incremental', statements: 1 });
    expect(ex.lines.at(-1)).toBe('-D --sctp-service 10.0.0.1:80');
    expect([...ex.services.keys()]).toEqual(['TCP 203.0.113.9:80', 'TCP 10.0.0.1:80', 'SCTP 203.0.113.9:80']);
    expect(await dp.verify(state({}))).toEqual([]);
    ex.services.set('SCTP 10.0.0.1:80', sctp);
    await dp.destroy();
    expect([...ex.services.keys()]).toEqual(['TCP 203.0.113.9:80', 'SCTP 203.0.113.9:80']);
  });

  it('destroy() removes its own services and no one else’s', async () => {
    const { ex, dp } = setup();
    await dp.sync(state({}, { id: 'b', vip: '10.0.0.2', protocol: 'udp', port: 53 }));
    await dp.destroy();
    expect([...ex.services.keys()]).toEqual(['TCP 203.0.113.9:80']);
    await dp.destroy(); // nothing left: no write
    expect(writes(ex)).toBe(2);
  });

  it('bad input fails before ipvsadm runs', async () => {
    const { ex, dp } = setup();
    await expect(dp.sync(state({ vip: '10.0.0.1 -C' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(dp.sync(state({ vip: '192.0.2.1' }))).rejects.toThrow(/outside the ranges/);
    await expect(dp.sync(state({ snat: true }))).rejects.toThrow(/does not masquerade/);
    expect(ex.calls).toEqual([]);
    expect(() => createIpvsDataplane({ executor: ex, ownedRanges: ['10.0.0.0/33'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('a batch that fails part way is a PROVIDER_ERROR; the next sync completes it', async () => {
    const { ex, dp } = setup();
    ex.failLine = (line) => (line.includes('10.1.0.2') ? 'Memory allocation problem' : undefined);
    await expect(dp.sync(state({}))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(/ipvsadm on fake failed \(exit 255\): Memory allocation problem/),
    });
    expect([...ex.services.get('TCP 10.0.0.1:80')!.dests.keys()]).toEqual(['10.1.0.1:8080']);
    ex.failLine = undefined;
    expect(await dp.sync(state({}))).toEqual({ mode: 'incremental', statements: 1 });
    expect(await dp.verify(state({}))).toEqual([]);
  });

  it('says when the kernel has no IPVS, ipvsadm is missing, or cannot start', async () => {
    const { ex, dp } = setup();
    ex.nextReply = {
      code: 1,
      stdout: '',
      stderr:
        "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n",
    };
    await expect(dp.sync(state({}))).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/has no IPVS .*modprobe ip_vs/),
    });
    ex.nextReply = { code: 255, stdout: '', stderr: 'exec of "ipvsadm" failed: No such file or directory\n' };
    await expect(dp.verify(state({}))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const broken = createIpvsDataplane({
      executor: { where: 'nowhere', run: () => Promise.reject(new Error('spawn ENOENT')) },
      ownedRanges: ['10.0.0.0/24'],
    });
    await expect(broken.sync(state({}))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(
        /cannot run ipvsadm on nowhere: spawn ENOENT \(is ipvsadm installed\?\)/,
      ),
    });
  });

  it('runs one operation at a time', async () => {
    const { ex, dp } = setup();
    await Promise.all([dp.sync(state({})), dp.sync(state({})), dp.verify(state({}))]);
    // The second sync read the table the first had written: one write in all.
    expect(writes(ex)).toBe(1);
  });

  it('dsr: lets nodes take mid-stream flows, and ends with the list a fresh node builds (the same mh table)', async () => {
    const dsr = (ns: number[]) =>
      state({
        algorithm: 'MAGLEV',
        hashFields: 'FIVE_TUPLE',
        forwarding: 'dsr',
        backends: ns.map((n) => backend(n, { port: 80 })),
      });
    const { ex, dp } = setup();
    await dp.sync(dsr([1, 2]));
    expect(ex.calls[0]).toEqual(['sysctl', '-w', 'net.ipv4.vs.sloppy_tcp=1']);
    await dp.sync(dsr([1, 2, 4]));
    await dp.sync(dsr([1, 2, 3, 4]));
    expect(ex.calls.filter((c) => c[0] === 'sysctl')).toHaveLength(1);
    const fresh = setup();
    await fresh.dp.sync(dsr([1, 2, 3, 4]));
    const list = (f: typeof ex) => [...f.services.get('TCP 10.0.0.1:80')!.dests.keys()];
    expect(list(ex)).toEqual(['10.1.0.4:80', '10.1.0.3:80', '10.1.0.2:80', '10.1.0.1:80']);
    expect(list(ex)).toEqual(list(fresh.ex));
    expect(await dp.verify(dsr([1, 2, 3, 4]))).toEqual([]);
    // A removed backend drains at weight 0, still directly routed, and keeps its place.
    ex.setConns('TCP 10.0.0.1:80', '10.1.0.2:80', 5, 0);
    await dp.sync(dsr([1, 3, 4]));
    expect(ex.lines.at(-1)).toBe('-e -t 10.0.0.1:80 -r 10.1.0.2:80 -g -w 0');
    expect(list(ex)).toEqual(list(fresh.ex));
    expect(await dp.verify(dsr([1, 3, 4]))).toEqual([]);
    // A nat-only state never sets it.
    const nat = setup();
    await nat.dp.sync(state({}));
    expect(nat.ex.calls.filter((c) => c[0] === 'sysctl')).toEqual([]);
  });
});
