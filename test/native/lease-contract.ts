/** The LeaseStore contract, run against every implementation (memory, PostgreSQL). */
import { describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../src/native/store/lease-types.js';

/** A lease store, and how to let time pass for it (a fake clock, or a real wait). */
export interface LeaseSubject {
  leases: LeaseStore;
  /** Lets at least `ms` of the store's time pass. */
  pass(ms: number): Promise<void>;
}

/** The behaviour every LeaseStore shares, as a describe block; `make` returns a fresh, empty one. */
export function describeLeaseContract(name: string, make: () => Promise<LeaseSubject>): void {
  describe(`${name} leases (shared contract)`, () => {
    it('takes a free lease, renews it for its holder, refuses it to another until it expires', async () => {
      const { leases, pass } = await make();
      const first = await leases.acquireLease('vip/10.99.0.1', 'lb1', 600, '["10.99.0.1"]');
      expect(first).toMatchObject({ acquired: true, lease: { holder: 'lb1', data: '["10.99.0.1"]' } });
      expect(first.lease!.remainingMs).toBeGreaterThan(0);
      expect(first.lease!.remainingMs).toBeLessThanOrEqual(600);
      const other = await leases.acquireLease('vip/10.99.0.1', 'lb2', 600);
      expect(other).toMatchObject({ acquired: false, lease: { holder: 'lb1' } });
      expect((await leases.acquireLease('vip/10.99.0.1', 'lb1', 600)).acquired).toBe(true);
      await pass(800);
      expect(await leases.listLeases('vip/')).toEqual([]);
      expect(await leases.acquireLease('vip/10.99.0.1', 'lb2', 600)).toMatchObject({
        acquired: true,
        lease: { holder: 'lb2' },
      });
    });

    it('releases only for the holder, and lists unexpired leases by prefix, sorted', async () => {
      const { leases } = await make();
      await leases.acquireLease('vip/fd00::2', 'lb2', 5000);
      await leases.acquireLease('vip/10.99.0.1', 'lb1', 5000);
      await leases.acquireLease('node/lb1', 'lb1', 5000, '[]');
      expect(await leases.releaseLease('vip/10.99.0.1', 'lb2')).toBe(false);
      expect((await leases.listLeases('vip/')).map((l) => [l.name, l.holder])).toEqual([
        ['vip/10.99.0.1', 'lb1'],
        ['vip/fd00::2', 'lb2'],
      ]);
      expect(await leases.releaseLease('vip/10.99.0.1', 'lb1')).toBe(true);
      expect(await leases.releaseLease('vip/10.99.0.1', 'lb1')).toBe(false);
      expect((await leases.listLeases('')).map((l) => l.name)).toEqual(['node/lb1', 'vip/fd00::2']);
      // Free again at once: another holder takes it without waiting for an expiry.
      expect((await leases.acquireLease('vip/10.99.0.1', 'lb2', 5000)).acquired).toBe(true);
    });

    it('gives a free lease to exactly one of many racing holders', async () => {
      const { leases } = await make();
      for (let round = 0; round < 5; round++) {
        const name = `vip/10.99.1.${round}`;
        const grants = await Promise.all(
          Array.from({ length: 8 }, (_, i) => leases.acquireLease(name, `lb${i}`, 5000)),
        );
        const winners = grants.filter((g) => g.acquired);
        expect(winners).toHaveLength(1);
        const holder = winners[0]!.lease!.holder;
        for (const g of grants) if (g.lease) expect(g.lease.holder).toBe(holder);
      }
    });

    it('refuses hostile names, holders, TTLs and data before touching anything', async () => {
      const { leases } = await make();
      const bad: [string, string, number, string?][] = [
        ["vip/x'; DROP TABLE leases;--", 'lb1', 1000],
        ['-vip', 'lb1', 1000],
        ['vip/1', 'lb 1', 1000],
        ['vip/1', '', 1000],
        ['vip/1', 'lb1', 0],
        ['vip/1', 'lb1', 1.5],
        ['vip/1', 'lb1', 10_000_000],
        ['vip/1', 'lb1', 1000, 'x'.repeat(20_000)],
      ];
      for (const [name, holder, ttl, data] of bad)
        await expect(leases.acquireLease(name, holder, ttl, data)).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
      await expect(leases.listLeases("x' OR 1=1")).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(await leases.listLeases('')).toEqual([]);
    });
  });
}
