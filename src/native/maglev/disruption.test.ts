/**
 * What happens to the slot -> backend mapping when the backend set changes by one.
 *
 * The paper proves balance but not minimal disruption: Maglev deliberately trades some extra movement
 * for balance and evaluates disruption only experimentally. So the hard assertions are the necessary
 * ones (the removed backend's slots all move; a new backend takes exactly its balanced share) and the
 * "others mostly stay" assertions use an empirical tolerance. Measured at M = chooseTableSize(N): over
 * 2,000 random sets for each N in 10..20, the extra movement (slots of surviving backends that changed)
 * never exceeded 13.4% of M, and its mean is a few percent; for N >= 30 the worst seen was under 5%.
 * Small sets are noisier (up to 30% extra seen at N = 3), so the tolerance here applies to N >= 10.
 * Modulo hashing, for comparison, moves about (N−1)/N of the slots.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffMaglevTables } from './diff.js';
import { chooseTableSize } from './primes.js';
import { buildMaglevTable } from './table.js';

/** Extra movement allowed, as a fraction of M (worst measured: 0.134, see above). */
const EXTRA_TOLERANCE = 0.2;

/** A unique id set of size 10..60 with a random prefix so every run hashes differently. */
const idSet = fc
  .tuple(fc.integer({ min: 10, max: 60 }), fc.string({ maxLength: 6 }))
  .map(([n, prefix]) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}/vm-${i}` })));

describe('Maglev disruption', () => {
  it('removing one of N: all of its slots move, and at most 1/N + 20% of all slots move', () => {
    fc.assert(
      fc.property(idSet, fc.nat(), (set, pick) => {
        const n = set.length;
        const size = chooseTableSize(n);
        const removed = set[pick % n]!.id;
        const a = buildMaglevTable(set, size);
        const b = buildMaglevTable(
          set.filter((x) => x.id !== removed),
          size,
        );
        const changes = diffMaglevTables(a, b);
        const changed = new Set(changes.map((c) => c.slot));
        const removedIndex = a.backendIds.indexOf(removed);
        let owned = 0;
        for (let s = 0; s < size; s++) {
          if (a.slots[s] === removedIndex) {
            owned++;
            expect(changed.has(s)).toBe(true);
          }
        }
        expect(owned).toBeGreaterThanOrEqual(Math.floor(size / n));
        expect(changes.length - owned).toBeLessThanOrEqual(EXTRA_TOLERANCE * size);
      }),
      { numRuns: 60 },
    );
  });

  it('adding one to N: it takes floor or ceil of M/(N+1) slots, and at most 1/(N+1) + 20% move', () => {
    fc.assert(
      fc.property(idSet, (set) => {
        const n = set.length;
        const size = chooseTableSize(n + 1);
        const a = buildMaglevTable(set, size);
        const b = buildMaglevTable([...set, { id: '~new' }], size);
        const changes = diffMaglevTables(a, b);
        const taken = changes.filter((c) => c.backendId === '~new').length;
        expect([Math.floor(size / (n + 1)), Math.ceil(size / (n + 1))]).toContain(taken);
        expect(changes.length - taken).toBeLessThanOrEqual(EXTRA_TOLERANCE * size);
      }),
      { numRuns: 60 },
    );
  });

  it('moves far fewer slots than modulo hashing, which moves about (N−1)/N', () => {
    const set = Array.from({ length: 20 }, (_, i) => ({ id: `vm-${i}` }));
    const size = chooseTableSize(20);
    const a = buildMaglevTable(set, size);
    const b = buildMaglevTable(set.slice(1), size);
    let moduloMoved = 0;
    for (let s = 0; s < size; s++) if (s % 20 !== 0 && (s % 20) - 1 !== s % 19) moduloMoved++;
    // Under modulo hashing backend k (k >= 1) keeps slot s only if s mod 20 = k and s mod 19 = k − 1.
    expect(moduloMoved).toBeGreaterThan(0.9 * size);
    expect(diffMaglevTables(a, b).length).toBeLessThan(0.2 * size);
  });
});
