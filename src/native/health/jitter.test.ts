import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPECTED_CODES, parseExpectedCodes } from './expected-codes.js';
import { firstRunAt, phaseOf } from './jitter.js';

describe('jitter', () => {
  it('is deterministic per key and seed, and differs across seeds', () => {
    expect(phaseOf('web/vm1', 5000)).toBe(phaseOf('web/vm1', 5000));
    const a = Array.from({ length: 20 }, (_, i) => phaseOf(`k${i}`, 5000, 'node-a'));
    const b = Array.from({ length: 20 }, (_, i) => phaseOf(`k${i}`, 5000, 'node-b'));
    expect(a).not.toEqual(b);
  });

  it('spreads 10,000 keys evenly over the interval (every tenth within 20% of its share)', () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(phaseOf(`lb${i % 7}/vm${i}`, 1000) / 100)]++;
    for (const n of buckets) expect(Math.abs(n - 1000)).toBeLessThan(200);
  });

  it('first run is on the key grid, at or after now, within one interval; the same after a restart', () => {
    for (const now of [0, 123_456, 1_700_000_000_123]) {
      const t = firstRunAt('web/vm1', 5000, now);
      expect(t).toBeGreaterThanOrEqual(now);
      expect(t - now).toBeLessThan(5000);
      expect((((t - phaseOf('web/vm1', 5000)) % 5000) + 5000) % 5000).toBe(0);
    }
  });
});

describe('expected codes', () => {
  it('defaults to 200-399', () => {
    const m = parseExpectedCodes();
    expect(DEFAULT_EXPECTED_CODES).toBe('200-399');
    expect([199, 200, 302, 399, 400, 500].map(m)).toEqual([false, true, true, true, false, false]);
  });

  it('parses lists and ranges', () => {
    const m = parseExpectedCodes('200,204,300-302');
    expect([200, 201, 204, 300, 302, 303].map(m)).toEqual([true, false, true, true, true, false]);
  });

  it('rejects malformed text', () => {
    expect(() => parseExpectedCodes('2xx')).toThrow(RangeError);
    expect(() => parseExpectedCodes('300-200')).toThrow(/low to high/);
    expect(() => parseExpectedCodes('700')).toThrow(RangeError);
  });
});
