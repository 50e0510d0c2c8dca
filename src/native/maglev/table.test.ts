import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseTableSize } from './primes.js';
import { backendPermutation, buildMaglevTable, type MaglevTable, maglevLookup } from './table.js';

/** Distinct ids (any strings, including non-ASCII) with weights 1-100. */
const weightedSet = (maxLength: number) =>
  fc.uniqueArray(
    fc.record({ id: fc.string({ minLength: 1, maxLength: 12 }), weight: fc.integer({ min: 1, max: 100 }) }),
    {
      selector: (b) => b.id,
      minLength: 1,
      maxLength,
    },
  );
const plainSet = (maxLength: number) =>
  fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength })
    .map((ids) => ids.map((id) => ({ id })));

function counts(t: MaglevTable): number[] {
  const c = new Array<number>(t.backendIds.length).fill(0);
  for (const s of t.slots) c[s]! += 1;
  return c;
}

/** The paper's pseudocode, literally: permutation[i][j] = (offset + j·skip) mod M, next[i], round robin. */
function referenceTable(ids: string[], size: number, seed: number): Int32Array {
  const perms = ids.map((id) => backendPermutation(id, size, seed));
  const next = new Array<number>(ids.length).fill(0);
  const entry = new Int32Array(size).fill(-1);
  let n = 0;
  for (;;) {
    for (let i = 0; i < ids.length; i++) {
      const { offset, skip } = perms[i]!;
      let c = (offset + next[i]! * skip) % size;
      while (entry[c]! >= 0) {
        next[i]! += 1;
        c = (offset + next[i]! * skip) % size;
      }
      entry[c] = i;
      next[i]! += 1;
      if (++n === size) return entry;
    }
  }
}

describe('buildMaglevTable: determinism', () => {
  it('builds the identical table whatever order the backends come in', () => {
    fc.assert(
      fc.property(
        weightedSet(30),
        fc.nat({ max: 0xffffffff }),
        fc.infiniteStream(fc.nat()),
        (set, seed, rnd) => {
          const shuffled = [...set];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = rnd.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const size = chooseTableSize(set.length);
          const a = buildMaglevTable(set, size, { seed });
          const b = buildMaglevTable(shuffled, size, { seed });
          expect(b.backendIds).toEqual(a.backendIds);
          expect(Buffer.from(b.slots.buffer).equals(Buffer.from(a.slots.buffer))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sorts ids by code unit, not by locale', () => {
    const t = buildMaglevTable([{ id: 'b' }, { id: 'B' }, { id: 'a' }, { id: 'é' }, { id: 'Z' }], 251);
    expect(t.backendIds).toEqual(['B', 'Z', 'a', 'b', 'é']);
  });

  it('equals the paper pseudocode for unweighted sets', () => {
    fc.assert(
      fc.property(
        plainSet(20),
        fc.constantFrom(13, 251, 1009, 4093),
        fc.nat({ max: 0xffffffff }),
        (set, size, seed) => {
          fc.pre(set.length <= size);
          const t = buildMaglevTable(set, size, { seed });
          expect(Array.from(t.slots)).toEqual(Array.from(referenceTable(t.backendIds, size, seed)));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('is pinned: the same inputs give these exact slots in every version (a change reshuffles live flows)', () => {
    const t = buildMaglevTable([{ id: 'vm-c' }, { id: 'vm-a' }, { id: 'vm-b', weight: 2 }], 13, { seed: 7 });
    expect(t.backendIds).toEqual(['vm-a', 'vm-b', 'vm-c']);
    expect(Array.from(t.slots)).toEqual(PINNED);
  });

  it('depends on the seed', () => {
    const set = Array.from({ length: 10 }, (_, i) => ({ id: `vm-${i}` }));
    const a = buildMaglevTable(set, 1009, { seed: 1 });
    const b = buildMaglevTable(set, 1009, { seed: 2 });
    let same = 0;
    for (let s = 0; s < 1009; s++) if (a.slots[s] === b.slots[s]) same++;
    // Independent tables agree on about 1/N of the slots.
    expect(same).toBeLessThan(1009 * 0.25);
  });

  it('depends only on weight ratios; equal weights are plain Maglev', () => {
    fc.assert(
      fc.property(weightedSet(15), fc.integer({ min: 1, max: 5 }), (set, k) => {
        fc.pre(set.every((b) => b.weight * k <= 100));
        const size = chooseTableSize(set.length);
        const a = buildMaglevTable(set, size);
        const scaled = buildMaglevTable(
          set.map((b) => ({ id: b.id, weight: b.weight * k })),
          size,
        );
        expect(Array.from(scaled.slots)).toEqual(Array.from(a.slots));
        const equal = buildMaglevTable(
          set.map((b) => ({ id: b.id, weight: 7 })),
          size,
        );
        const plain = buildMaglevTable(
          set.map((b) => ({ id: b.id })),
          size,
        );
        expect(Array.from(equal.slots)).toEqual(Array.from(plain.slots));
      }),
      { numRuns: 40 },
    );
  });
});

describe('buildMaglevTable: balance', () => {
  it('unweighted: every backend owns floor(M/N) or ceil(M/N) slots, so within 1% of 1/N when M >= 100N', () => {
    fc.assert(
      fc.property(plainSet(60), fc.nat({ max: 0xffffffff }), (set, seed) => {
        const size = chooseTableSize(set.length);
        const c = counts(buildMaglevTable(set, size, { seed }));
        const n = set.length;
        for (const x of c) {
          expect(x === Math.floor(size / n) || x === Math.ceil(size / n)).toBe(true);
          // The paper's "at most 1% difference": relative error of the share, |slots·N/M − 1| <= 1%.
          expect(Math.abs((x * n) / size - 1)).toBeLessThanOrEqual(0.01);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('weighted: |slots_i − M·w_i/W| < w_i (reduced weights), hence |slots_i/M − w_i/W| <= 0.01 for M >= 100·max w_i', () => {
    fc.assert(
      fc.property(weightedSet(40), (set) => {
        const size = Math.max(chooseTableSize(set.length), 10007);
        const t = buildMaglevTable(set, size);
        const c = counts(t);
        const byId = new Map(set.map((b) => [b.id, b.weight]));
        const total = set.reduce((s, b) => s + b.weight, 0);
        t.backendIds.forEach((id, i) => {
          const w = byId.get(id)!;
          expect(Math.abs(c[i]! - (size * w) / total)).toBeLessThan(w);
          expect(Math.abs(c[i]! / size - w / total)).toBeLessThanOrEqual(0.01);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('weight 2 gets twice the slots of weight 1 (to within one round)', () => {
    const t = buildMaglevTable([{ id: 'heavy', weight: 2 }, { id: 'light-1' }, { id: 'light-2' }], 65537);
    const [heavy, l1, l2] = counts(t);
    expect(Math.abs(heavy! - 65537 / 2)).toBeLessThan(2);
    expect(Math.abs(l1! - 65537 / 4)).toBeLessThan(1);
    expect(Math.abs(l2! - 65537 / 4)).toBeLessThan(1);
  });
});

describe('buildMaglevTable: edge cases and validation', () => {
  it('an empty backend set gives all slots -1 and lookups return null', () => {
    const t = buildMaglevTable([], 251);
    expect(t.backendIds).toEqual([]);
    expect(t.slots.every((s) => s === -1)).toBe(true);
    expect(maglevLookup(t, 12345)).toBeNull();
  });

  it('one backend owns every slot', () => {
    const t = buildMaglevTable([{ id: 'only' }], 2);
    expect(Array.from(t.slots)).toEqual([0, 0]);
  });

  it('rejects bad sizes, seeds, weights and duplicate ids with RangeError', () => {
    const one = [{ id: 'a' }];
    for (const size of [0, 1, 4, 65535, 2.5, Number.NaN, 2 ** 24 + 43]) {
      expect(() => buildMaglevTable(one, size), String(size)).toThrow(RangeError);
    }
    expect(() => buildMaglevTable([{ id: 'a' }, { id: 'b' }, { id: 'c' }], 2)).toThrow(RangeError);
    for (const seed of [-1, 2 ** 32, 0.5])
      expect(() => buildMaglevTable(one, 251, { seed })).toThrow(RangeError);
    for (const weight of [0, 101, 1.5, -1])
      expect(() => buildMaglevTable([{ id: 'a', weight }], 251)).toThrow(RangeError);
    expect(() => buildMaglevTable([{ id: 'a' }, { id: 'b' }, { id: 'a', weight: 3 }], 251)).toThrow(
      /duplicate/,
    );
  });
});

describe('maglevLookup', () => {
  it('returns the backend of slot hash mod M', () => {
    fc.assert(
      fc.property(plainSet(10), fc.nat({ max: 0xffffffff }), (set, hash) => {
        const t = buildMaglevTable(set, 251);
        expect(maglevLookup(t, hash)).toBe(t.backendIds[t.slots[hash % 251]!]);
        expect(maglevLookup(t, hash % 251)).toBe(maglevLookup(t, hash));
      }),
    );
  });

  it('rejects negative and non-integer hashes', () => {
    const t = buildMaglevTable([{ id: 'a' }], 251);
    for (const h of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => maglevLookup(t, h)).toThrow(RangeError);
  });
});

// Computed once from this implementation (murmur3 x86_32, salts "offs"/"skip", Webster turn order).
const PINNED = [1, 0, 2, 2, 1, 1, 0, 2, 1, 0, 1, 1, 1];
