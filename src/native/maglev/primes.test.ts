import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseTableSize,
  DEFAULT_MAX_TABLE_SIZE,
  DEFAULT_MIN_TABLE_SIZE,
  isPrime,
  MAX_TABLE_SIZE,
} from './primes.js';

function sieve(limit: number): boolean[] {
  const prime = Array.from({ length: limit + 1 }, (_, i) => i >= 2);
  for (let p = 2; p * p <= limit; p++) {
    if (prime[p]) for (let q = p * p; q <= limit; q += p) prime[q] = false;
  }
  return prime;
}

describe('isPrime', () => {
  it('agrees with a sieve on 0..20000', () => {
    const ref = sieve(20000);
    const mismatches = ref.map((p, n) => (isPrime(n) === p ? -1 : n)).filter((n) => n >= 0);
    expect(mismatches).toEqual([]);
    expect(ref.filter(Boolean).length).toBe(2262); // π(20000): the sieve itself is right
  });

  it('knows the table sizes used in practice and rejects non-integers', () => {
    for (const p of [251, 4093, 16381, 65521, 65537, 131071, 655373]) expect(isPrime(p)).toBe(true);
    for (const c of [65535, 655371, 1_000_000, 2.5, -7, Number.NaN, 2 ** 60]) expect(isPrime(c)).toBe(false);
  });
});

describe('chooseTableSize', () => {
  it('returns the smallest prime >= max(100n, min) when it fits under the cap', () => {
    fc.assert(
      fc.property(fc.nat({ max: 700 }), (n) => {
        const m = chooseTableSize(n, { max: MAX_TABLE_SIZE });
        const wanted = Math.max(100 * n, DEFAULT_MIN_TABLE_SIZE);
        expect(isPrime(m)).toBe(true);
        expect(m).toBeGreaterThanOrEqual(wanted);
        for (let k = wanted; k < m; k++) expect(isPrime(k)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('caps at the largest prime <= max', () => {
    expect(chooseTableSize(1000)).toBe(DEFAULT_MAX_TABLE_SIZE);
    expect(chooseTableSize(1000, { max: 65535 })).toBe(65521);
    expect(chooseTableSize(10_000, { max: MAX_TABLE_SIZE })).toBe(655373);
    expect(chooseTableSize(1, { min: 2, max: 50 })).toBe(47);
  });

  it('uses the floor for tiny sets', () => {
    expect(chooseTableSize(0)).toBe(251);
    expect(chooseTableSize(2)).toBe(251);
    expect(chooseTableSize(3)).toBe(307);
    expect(chooseTableSize(2, { min: 1000 })).toBe(1009);
  });

  it('rejects bad inputs with RangeError', () => {
    expect(() => chooseTableSize(-1)).toThrow(RangeError);
    expect(() => chooseTableSize(1.5)).toThrow(RangeError);
    expect(() => chooseTableSize(1, { max: MAX_TABLE_SIZE + 1 })).toThrow(RangeError);
    expect(() => chooseTableSize(1, { min: 500, max: 400 })).toThrow(RangeError);
    expect(() => chooseTableSize(1, { min: 1 })).toThrow(RangeError);
    expect(() => chooseTableSize(100, { min: 24, max: 28 })).toThrow(/no prime/);
  });
});
