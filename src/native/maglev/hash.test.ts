import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3, murmur3Bytes } from './hash.js';

describe('murmur3', () => {
  it('matches published MurmurHash3 x86_32 test vectors', () => {
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('', 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3('test', 0)).toBe(0xba6bd213);
    expect(murmur3('Hello, world!', 0)).toBe(0xc0363e43);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
  });

  it('hashes the UTF-8 bytes of a string, returning an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat({ max: 0xffffffff }), (s, seed) => {
        const h = murmur3(s, seed);
        expect(h).toBe(murmur3Bytes(new TextEncoder().encode(s), seed));
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
      }),
    );
  });

  it('gives different hashes under different seeds (no seed is ignored)', () => {
    // Over 200 distinct ids, two seeds agreeing on more than a couple would mean the seed is not mixed in.
    const ids = Array.from({ length: 200 }, (_, i) => `vm-${i}`);
    const same = ids.filter((id) => murmur3(id, 1) === murmur3(id, 2)).length;
    expect(same).toBeLessThanOrEqual(2);
  });
});
