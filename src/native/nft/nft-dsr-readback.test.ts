import { describe, expect, it } from 'vitest';
import { countElements, diffDsrListings, listedComment, slotReadbackDue } from './nft-dsr-readback.js';

// What nft 1.0.6 prints for `nft -j list map|set|chain netdev t <name>`.
const meta = { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } };
const listing = (kind: 'map' | 'set', name: string, elem?: unknown[]) =>
  JSON.stringify({
    nftables: [
      meta,
      { [kind]: { family: 'netdev', name, table: 't', handle: 3, ...(elem ? { elem } : {}) } },
    ],
  });
const tun = (...devs: string[]) =>
  JSON.stringify({
    nftables: [
      meta,
      { chain: { family: 'netdev', table: 't', name: 'tun', handle: 1 } },
      ...devs.map((dev, i) => ({
        rule: {
          family: 'netdev',
          table: 't',
          chain: 'tun',
          handle: 5 + i,
          expr: [{ fwd: { dev, addr: '10.1.0.1', family: 'ip' } }],
        },
      })),
      { rule: { family: 'netdev', table: 't', chain: 'tun', handle: 9, expr: [{ drop: null }] } },
    ],
  });

const elements = {
  counts: { dsr4: 1, hop4: 2, live4: 2, slot_tcp: 26, slot_udp: 0 },
  tunnels: new Map<number, string>(),
};
const small = () =>
  new Map<string, string | undefined>([
    ['dsr4', listing('map', 'dsr4', [{}])],
    [
      'hop4',
      listing('map', 'hop4', [
        [1, '10.1.0.1'],
        [2, '10.1.0.2'],
      ]),
    ],
    ['live4', listing('set', 'live4', [1, 2])],
  ]);

describe('dsr read-back', () => {
  it('counts the elements of a map or set; an empty one has none; an unreadable listing throws', () => {
    expect(countElements(listing('set', 'live4', [1, 2, 3]), 'live4')).toBe(3);
    expect(countElements(listing('map', 'slot_udp'), 'slot_udp')).toBe(0);
    expect(() => countElements(listing('map', 'hop4', [1]), 'dsr4')).toThrow(/no dsr4/);
    expect(() => countElements('{"nftables": [{"metainfo"', 'dsr4')).toThrow();
    expect(() => countElements('{}', 'dsr4')).toThrow(/nftables/);
  });

  it("reads a map's comment (dsr4 carries the stamp); none when absent or unreadable", () => {
    const stamped = JSON.stringify({
      nftables: [
        meta,
        { map: { family: 'netdev', name: 'dsr4', table: 't', comment: 'nlbkit:00000000000000aa' } },
      ],
    });
    expect(listedComment(stamped, 'dsr4')).toBe('nlbkit:00000000000000aa');
    expect(listedComment(stamped, 'hop4')).toBeUndefined();
    expect(listedComment(listing('map', 'dsr4'), 'dsr4')).toBeUndefined();
    expect(listedComment('{"nftables": [', 'dsr4')).toBeUndefined();
  });

  it('compares only the maps read: the small ones alone, or with the slot maps', () => {
    expect(diffDsrListings('netdev t', { maps: small() }, elements, false)).toEqual([]);
    const all = small();
    all.set(
      'slot_tcp',
      listing(
        'map',
        'slot_tcp',
        Array.from({ length: 25 }, (_, i) => i),
      ),
    );
    all.set('slot_udp', listing('map', 'slot_udp'));
    expect(diffDsrListings('netdev t', { maps: all }, elements, false)).toEqual([
      'table netdev t: slot_tcp holds 25 elements, expected 26',
    ]);
  });

  it('names a missing map, a wrong count and an unreadable listing', () => {
    const maps = small();
    maps.set('dsr4', undefined);
    maps.set('hop4', listing('map', 'hop4', [[1, '10.1.0.1']]));
    maps.set('live4', '{"nftables": [');
    expect(diffDsrListings('netdev t', { maps }, elements, false)).toEqual([
      'table netdev t: dsr4 is missing',
      'table netdev t: hop4 holds 1 elements, expected 2',
      'table netdev t: the listing of live4 cannot be read',
    ]);
  });

  it('with tunnel chains: compares the devices the chain tun sends to, and names it missing', () => {
    const want = {
      ...elements,
      tunnels: new Map([
        [0x0a010002, '10.1.0.2'],
        [0x0a010001, '10.1.0.1'],
      ]),
    };
    const maps = small();
    expect(diffDsrListings('netdev t', { maps, tun: tun('nlt0a010002', 'nlt0a010001') }, want, true)).toEqual(
      [],
    );
    expect(diffDsrListings('netdev t', { maps, tun: tun('nlt0a010001') }, want, true)).toEqual([
      'table netdev t: chain tun sends to [nlt0a010001], expected [nlt0a010001, nlt0a010002]',
    ]);
    expect(diffDsrListings('netdev t', { maps }, want, true)).toEqual([
      'table netdev t: chain tun is missing',
    ]);
    expect(diffDsrListings('netdev t', { maps, tun: 'not json' }, want, true)).toEqual([
      'table netdev t: the listing of chain tun cannot be read',
    ]);
    // Without tunnel chains the chain is not looked at.
    expect(diffDsrListings('netdev t', { maps }, want, false)).toEqual([]);
  });

  it('reads the slot maps back first, then when the last clean read-back is interval old; 0: always', () => {
    expect(slotReadbackDue(undefined, 5_000, 300)).toBe(true);
    expect(slotReadbackDue(1_000, 1_000 + 299_999, 300)).toBe(false);
    expect(slotReadbackDue(1_000, 1_000 + 300_000, 300)).toBe(true);
    expect(slotReadbackDue(1_000, 1_000, 0)).toBe(true);
    expect(slotReadbackDue(1_000, 1_500, 0.25)).toBe(true);
    expect(slotReadbackDue(1_000, 1_200, 0.25)).toBe(false);
  });
});
