import { describe, expect, it } from 'vitest';
import { assignVip, type VipUse } from './vip-assign.js';
import { createVipPool } from './vip-pool.js';

const ctx = { driver: 'native', operation: 'createNLB' };
const use = (name: string, vip: string, port = 80, protocol: 'TCP' | 'UDP' = 'TCP'): VipUse => ({
  name,
  vip,
  protocol,
  port,
});

describe('VIP pool', () => {
  it('hands out the lowest free IPv4 address, skipping network and broadcast', () => {
    const pool = createVipPool(['10.99.0.0/30']);
    expect(pool.allocate([], 4)).toBe('10.99.0.1');
    expect(pool.allocate(['10.99.0.1'], 4)).toBe('10.99.0.2');
    expect(pool.allocate(['10.99.0.1', '10.99.0.2'], 4)).toBeUndefined();
    expect(pool.contains('10.99.0.0')).toBe(false);
    expect(pool.contains('10.99.0.3')).toBe(false);
  });

  it('reuses a released address (derived state: released = no longer in use)', () => {
    const pool = createVipPool(['192.168.0.85-192.168.0.90']);
    expect(pool.allocate(['192.168.0.85', '192.168.0.87'], 4)).toBe('192.168.0.86');
    expect(pool.contains('192.168.0.90')).toBe(true);
    expect(pool.contains('192.168.0.91')).toBe(false);
  });

  it('allocates IPv6 in order, in large prefixes, and canonicalizes', () => {
    const pool = createVipPool(['fd00:99::/64', '10.0.0.0/24']);
    expect(pool.allocate([], 6)).toBe('fd00:99::1');
    expect(pool.allocate(['fd00:99::1', 'fd00:99::2'], 6)).toBe('fd00:99::3');
    expect(pool.allocate(['fd00:99::1'], 4)).toBe('10.0.0.1');
    expect(pool.contains('fd00:99::ffff:1')).toBe(true);
    expect(pool.contains('fd00:98::1')).toBe(false);
  });

  it('moves to the next range when the first is full', () => {
    const pool = createVipPool(['10.0.0.5-10.0.0.5', '10.1.0.0/24']);
    expect(pool.allocate(['10.0.0.5'], 4)).toBe('10.1.0.1');
  });

  it.each(['10.0.0.0/33', 'nonsense', '10.0.0.9-10.0.0.1', '10.0.0.1-fd00::1', '10.1/8'])(
    'rejects the malformed range %s with INVALID_ARGUMENT',
    (r) => {
      expect(() => createVipPool([r])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    },
  );
});

describe('assignVip', () => {
  const pool = createVipPool(['10.99.0.0/29', 'fd00:99::/126']);

  it('honours a requested address inside the pool', () => {
    expect(
      assignVip(pool, [], { name: 'a', requestedIp: '10.99.0.5', family: 4, protocol: 'TCP', port: 80 }, ctx),
    ).toBe('10.99.0.5');
  });

  it('rejects a requested address outside the pool, naming listener.ip and the pool', () => {
    const call = () =>
      assignVip(pool, [], { name: 'a', requestedIp: '10.0.0.1', family: 4, protocol: 'TCP', port: 80 }, ctx);
    expect(call).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/listener\.ip.*10\.99\.0\.0\/29/),
        violations: [expect.objectContaining({ path: 'listener.ip' })],
      }),
    );
  });

  it('lets NLBs share a VIP on different ports or protocols, not on the same pair', () => {
    const uses = [use('web', '10.99.0.1', 80)];
    const want =
      (port: number, protocol: 'TCP' | 'UDP' = 'TCP') =>
      () =>
        assignVip(pool, uses, { name: 'x', requestedIp: '10.99.0.1', family: 4, protocol, port }, ctx);
    expect(want(443)()).toBe('10.99.0.1');
    expect(want(80, 'UDP')()).toBe('10.99.0.1');
    expect(want(80)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining("'web'") }),
    );
  });

  it('never auto-allocates an address another NLB uses, and its own use is not a clash', () => {
    const uses = [use('web', '10.99.0.1', 80)];
    expect(assignVip(pool, uses, { name: 'x', family: 4, protocol: 'TCP', port: 443 }, ctx)).toBe(
      '10.99.0.2',
    );
    expect(
      assignVip(
        pool,
        uses,
        { name: 'web', requestedIp: '10.99.0.1', family: 4, protocol: 'TCP', port: 80 },
        ctx,
      ),
    ).toBe('10.99.0.1');
  });

  it('fails with CONFLICT when the family is exhausted', () => {
    const uses = ['fd00:99::1', 'fd00:99::2', 'fd00:99::3'].map((v, i) => use(`n${i}`, v));
    expect(() => assignVip(pool, uses, { name: 'x', family: 6, protocol: 'TCP', port: 80 }, ctx)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('no free IPv6') }),
    );
  });

  it('says so when the pool has no range of the family', () => {
    const v4only = createVipPool(['10.99.0.0/24']);
    expect(() => assignVip(v4only, [], { name: 'x', family: 6, protocol: 'TCP', port: 80 }, ctx)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('VIP pool properties', () => {
  it('allocates the lowest address in the pool that is not used, for any set of used addresses', async () => {
    const fc = await import('fast-check');
    const pool = createVipPool(['10.99.0.0/28', '10.98.0.5-10.98.0.7']);
    // The pool's addresses in allocation order: ranges as given, ascending within each.
    const order = [
      ...Array.from({ length: 14 }, (_, i) => `10.99.0.${i + 1}`),
      '10.98.0.5',
      '10.98.0.6',
      '10.98.0.7',
    ];
    fc.assert(
      fc.property(fc.subarray([...order, '192.0.2.1', 'fd00::1']), (used) => {
        const got = pool.allocate(used, 4);
        const expected = order.find((a) => !used.includes(a));
        expect(got).toBe(expected);
        if (got) expect(pool.contains(got)).toBe(true);
      }),
    );
  });
});
