import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVipPool } from './vip-pool.js';
import { type VipUse, VipUseIndex } from './vip-uses.js';

// Ranges out of address order, so pool order and numeric order differ.
const pool = createVipPool(['10.99.0.0/29', '10.98.0.5-10.98.0.7']);
const order = [1, 2, 3, 4, 5, 6].map((i) => `10.99.0.${i}`).concat(['10.98.0.5', '10.98.0.6', '10.98.0.7']);

describe('VipUseIndex', () => {
  it('ranks addresses in pool order', () => {
    expect(order.map((ip) => pool.rank(ip))).toEqual(order.map((_, i) => BigInt(i)));
    expect(pool.rank('10.97.0.1')).toBeUndefined();
  });

  it('answers as a scan of every use would, after any sequence of sets and removes', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
    const use = fc.record({
      name,
      vip: fc.constantFrom(...order, '192.0.2.1'),
      protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
      port: fc.constantFrom(80, 443),
    });
    const step = fc.oneof(
      use.map((u) => ({ set: u })),
      name.map((n) => ({ remove: n })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), name, (steps, asker) => {
        const index = new VipUseIndex(pool);
        const uses = new Map<string, VipUse>();
        for (const s of steps) {
          if ('set' in s) {
            index.set(s.set);
            uses.set(s.set.name, s.set);
          } else {
            index.remove(s.remove);
            uses.delete(s.remove);
          }
          // Every step asks, so the cursor moves along the way as the driver's creates move it.
          const others = [...uses.values()].filter((u) => u.name !== asker);
          expect(index.lowestFree(4, asker)).toBe(
            pool.allocate(
              others.map((u) => u.vip),
              4,
            ),
          );
          for (const ip of order) {
            const holders = others.filter((u) => u.vip === ip && u.protocol === 'TCP' && u.port === 80);
            const holder = index.holder(ip, 'TCP', 80, asker);
            if (holders.length === 0) expect(holder).toBeUndefined();
            else expect(holders.map((u) => u.name)).toContain(holder);
          }
        }
      }),
    );
  });
});
