/**
 * The layer-2 announcer on fake nodes and memory leases, all on one fake clock: who holds each VIP,
 * failover, the cut-off owner's deadline, hand-over on stop, spreading, and the commands it runs.
 */
import { describe, expect, it } from 'vitest';
import { createFakeClock, type FakeClock } from '../../../../test/native/fake-clock.js';
import { cuttable, type FakeL2Node, fakeL2Node, runFor } from '../../../../test/native/fake-l2-node.js';
import { createMemoryLeases } from '../../store/memory-leases.js';
import type { Announcer, AnnounceTarget } from '../types.js';
import { createL2Announcer } from './l2-announcer.js';
import type { L2AnnouncerOptions } from './l2-options.js';

const TTL = 3000;
const RENEW = 500;
const MARGIN = 500;

function cluster(names: string[], opts: Partial<L2AnnouncerOptions> = {}) {
  const clock: FakeClock = createFakeClock(1000);
  const store = createMemoryLeases(() => clock.now());
  const nodes = names.map((name) => {
    const fake = fakeL2Node(name);
    const leases = cuttable(store);
    const announcer = createL2Announcer({
      leases,
      node: name,
      executor: fake.executor,
      interface: 'eth0',
      leaseTtlMs: TTL,
      renewEveryMs: RENEW,
      safetyMarginMs: MARGIN,
      clock,
      ...opts,
    });
    return { name, fake, leases, announcer };
  });
  /** Nodes holding `vip` on their interface now. */
  const holding = (vip: string) => nodes.filter((n) => n.fake.addrs.has(vip)).map((n) => n.name);
  return { clock, store, nodes, holding };
}

const v4 = (vip: string, serving = true): AnnounceTarget => ({ vip, family: 4, serving });
const announces = (n: FakeL2Node, tool: string) => n.commands.filter((c) => c[0] === tool);

describe('layer-2 announcer', () => {
  it('gives a VIP to exactly one node, and the other takes over once the cut-off owner dropped it', async () => {
    const { clock, store, nodes, holding } = cluster(['lb1', 'lb2']);
    const vip = '10.99.0.1';
    await Promise.all(nodes.map((n) => n.announcer.update([v4(vip)])));
    await runFor(clock, 2 * RENEW);
    expect(holding(vip)).toHaveLength(1);
    const owner = nodes.find((n) => n.fake.addrs.has(vip))!;
    const other = nodes.find((n) => n !== owner)!;

    owner.leases.cut = true; // the owner can no longer reach the store: its calls hang
    let ownerDroppedAt: number | undefined;
    let leaseLeftWhenDropped: number | undefined;
    await runFor(clock, 2 * TTL, () => {
      expect(holding(vip).length).toBeLessThanOrEqual(1); // never two, at any 10 ms step
      if (ownerDroppedAt === undefined && !owner.fake.addrs.has(vip)) {
        ownerDroppedAt = clock.now();
        void store.listLeases('vip/').then((l) => {
          leaseLeftWhenDropped = l.find((x) => x.holder === owner.name)?.remainingMs;
        });
      }
    });
    // Dropped by its own deadline while its lease was still valid in the store; then taken over.
    expect(ownerDroppedAt).toBeDefined();
    expect(leaseLeftWhenDropped).toBeGreaterThan(0);
    expect(holding(vip)).toEqual([other.name]);
    const state = await other.announcer.update([v4(vip)]);
    expect(state).toMatchObject({ mode: 'l2', announced: [vip], owners: { [vip]: other.name } });
    expect(state.error).toBeUndefined();
  });

  it('hands a VIP over at once on stop: address gone, lease released, taken within one renewal', async () => {
    const { clock, nodes, holding } = cluster(['lb1', 'lb2']);
    const vip = '10.99.0.2';
    await Promise.all(nodes.map((n) => n.announcer.update([v4(vip)])));
    await runFor(clock, 2 * RENEW);
    const owner = nodes.find((n) => n.fake.addrs.has(vip))!;
    const other = nodes.find((n) => n !== owner)!;
    await owner.announcer.stop();
    expect(owner.fake.addrs.has(vip)).toBe(false);
    await runFor(clock, 3 * RENEW); // far less than the TTL
    expect(holding(vip)).toEqual([other.name]);
    expect(announces(other.fake, 'arping').at(0)).toEqual([
      'arping',
      '-U',
      '-c',
      '1',
      '-w',
      '1',
      '-I',
      'eth0',
      vip,
    ]);
  });

  it('spreads VIPs over the live nodes, each on one node only', async () => {
    const { clock, nodes, holding } = cluster(['lb1', 'lb2', 'lb3']);
    const vips = Array.from({ length: 30 }, (_, i) => `10.99.1.${i + 1}`);
    await Promise.all(nodes.map((n) => n.announcer.update(vips.map((v) => v4(v)))));
    await runFor(clock, 6 * RENEW);
    for (const vip of vips) expect(holding(vip)).toHaveLength(1);
    for (const n of nodes) expect(n.fake.addrs.size).toBeGreaterThan(3);
  });

  it('holds only VIPs it serves: a node with no healthy backend for a VIP leaves it to the other', async () => {
    const { clock, nodes, holding } = cluster(['lb1', 'lb2']);
    const vips = Array.from({ length: 6 }, (_, i) => `10.99.2.${i + 1}`);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    await a.announcer.update(vips.map((v) => v4(v, false)));
    await b.announcer.update(vips.map((v) => v4(v)));
    await runFor(clock, 4 * RENEW);
    for (const vip of vips) expect(holding(vip)).toEqual(['lb2']);
    // lb2 loses its backends for one VIP too: it lets go of it, and nobody holds it.
    await b.announcer.update(vips.map((v, i) => v4(v, i !== 0)));
    await runFor(clock, 2 * RENEW);
    expect(holding(vips[0]!)).toEqual([]);
    // lb1 serves them all again: the ones it is preferred for move to it, one node each.
    await a.announcer.update(vips.map((v) => v4(v)));
    await runFor(clock, 6 * RENEW);
    for (const vip of vips) expect(holding(vip)).toHaveLength(1);
    expect(holding(vips[0]!)).toEqual(['lb1']);
  });

  it('announces IPv4 by arping -U and IPv6 by na6 at takeover, three times, then every announceEveryMs', async () => {
    const { clock, nodes } = cluster(['lb1'], { announceEveryMs: 3000 });
    const n = nodes[0]!;
    await n.announcer.update([v4('10.99.3.1'), { vip: 'fd00:99::1', family: 6, serving: true }]);
    await runFor(clock, 2500);
    expect(announces(n.fake, 'arping')).toHaveLength(3);
    expect(announces(n.fake, 'na6').at(0)).toEqual([
      'na6',
      '-i',
      'eth0',
      '-s',
      'fd00:99::1',
      '-d',
      'ff02::1',
      '-t',
      'fd00:99::1',
      '-o',
      '-e',
    ]);
    await runFor(clock, 6000);
    expect(announces(n.fake, 'arping')).toHaveLength(5);
    const holds = n.fake.commands.filter((c) => c[0] === 'ip' && c.includes('replace'));
    const lft = ['valid_lft', '1', 'preferred_lft', '1'];
    expect(holds[0]).toEqual(['ip', '-4', 'addr', 'replace', '10.99.3.1/32', 'dev', 'eth0', ...lft]);
    expect(holds.find((c) => c[1] === '-6')?.join(' ')).toBe(
      `ip -6 addr replace fd00:99::1/128 dev eth0 ${lft.join(' ')} nodad`,
    );
    await n.announcer.stop();
    expect(n.fake.addrs.size).toBe(0);
  });

  it('a restarted node that still holds the lease keeps the VIP; a VIP it does not own leaves its interface', async () => {
    const { clock, store, nodes, holding } = cluster(['lb1', 'lb2']);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    await store.acquireLease('vip/10.99.4.1', 'lb1', TTL);
    await store.acquireLease('vip/10.99.4.2', 'lb2', TTL);
    a.fake.addrs.add('10.99.4.1').add('10.99.4.2'); // left on lb1's interface by its previous run
    await a.announcer.update([v4('10.99.4.1'), v4('10.99.4.2')]);
    expect(a.fake.addrs).toEqual(new Set(['10.99.4.1']));
    await b.announcer.update([v4('10.99.4.1'), v4('10.99.4.2')]);
    await runFor(clock, 2 * RENEW, () => expect(holding('10.99.4.1')).toEqual(['lb1']));
  });

  it('refuses hostile options and targets before running anything', async () => {
    const fake = fakeL2Node('lb1');
    const leases = createMemoryLeases();
    const base = { leases, node: 'lb1', executor: fake.executor, interface: 'eth0' };
    const bad: Partial<L2AnnouncerOptions>[] = [
      { interface: 'eth0; reboot' },
      { interface: '-eth0' },
      { interface: 'lo' },
      { interface: 'a-very-long-interface-name' },
      { node: 'lb 1' },
      { node: '' },
      { leaseTtlMs: 2000 }, // no room for the address lifetime before the lease ends
      { leaseTtlMs: 4000, renewEveryMs: 3000 },
      { leaseTtlMs: 4000, safetyMarginMs: 10 },
      { addressLifetimeSeconds: 0 },
      { announceEveryMs: 1.5 },
      { leases: undefined },
      { watchdog: true }, // this executor does not run on this host: no watchdog can guard it
      { watchdog: 'yes' as never },
    ];
    for (const o of bad)
      expect(() => createL2Announcer({ ...base, ...o } as L2AnnouncerOptions), JSON.stringify(o)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    // With the watchdog (an executor on this host): the re-derived minimums.
    const here = { ...base, executor: { ...fake.executor, where: 'local' } };
    const withWatchdog: Partial<L2AnnouncerOptions>[] = [
      { leaseTtlMs: 400 }, // below 500
      { leaseTtlMs: 1000, safetyMarginMs: 99 }, // no time for a late timer and an `ip addr del`
      { leaseTtlMs: 1000, safetyMarginMs: 300, renewEveryMs: 351 }, // not two renewals before the deadline
      { leaseTtlMs: 3000, safetyMarginMs: 300, addressLifetimeSeconds: 2 }, // would lapse while held
    ];
    for (const o of withWatchdog)
      expect(() => createL2Announcer({ ...here, ...o }), JSON.stringify(o)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    createL2Announcer({ ...here, leaseTtlMs: 1000, safetyMarginMs: 300, renewEveryMs: 350 });
    const announcer: Announcer = createL2Announcer(base);
    for (const vip of ['10.99.0.1/32', '10.099.0.1', 'fd00::0001', '1.2.3.4 dev lo', '-1'])
      await expect(announcer.update([{ vip, family: 4, serving: true }])).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    await expect(announcer.update([{ vip: 'fd00::1', family: 4, serving: true }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(fake.commands).toEqual([]);
    expect(await leases.listLeases('')).toEqual([]);
  });
});
