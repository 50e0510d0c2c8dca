import { describe, expect, it } from 'vitest';
import { backend, nodeState, service } from '../../../test/native/nft-fixtures.js';
import type { ServiceSpec } from '../model.js';
import { desiredServices } from './ipvs-layout.js';

const ownsAll = () => true;
const one = (over: Partial<ServiceSpec>) =>
  [...desiredServices(nodeState([service(over)]), ownsAll).values()][0]!;

describe('desiredServices (IPVS layout)', () => {
  it('round robin is rr with equal weights and wrr when they differ', () => {
    expect(one({}).scheduler).toBe('rr');
    const w = one({ backends: [backend(1, { weight: 1 }), backend(2, { weight: 3 })] });
    expect(w.scheduler).toBe('wrr');
    expect([...w.dests.values()]).toEqual([
      { endpoint: '10.1.0.1:8080', weight: 1 },
      { endpoint: '10.1.0.2:8080', weight: 3 },
    ]);
  });

  it('hashing falls back past drained servers, and hashes the port unless told SOURCE_IP', () => {
    expect(one({ algorithm: 'SOURCE_HASH' })).toMatchObject({ scheduler: 'sh', flags: ['sh-fallback'] });
    expect(one({ algorithm: 'SOURCE_HASH', hashFields: 'SOURCE_IP_PORT' }).flags).toEqual([
      'sh-fallback',
      'sh-port',
    ]);
    expect(one({ algorithm: 'MAGLEV' })).toMatchObject({ scheduler: 'mh', flags: ['mh-fallback'] });
    // IPVS hashes only the source for a service: the five-tuple is the source address and port.
    expect(one({ algorithm: 'MAGLEV', hashFields: 'FIVE_TUPLE' }).flags).toEqual(['mh-fallback', 'mh-port']);
  });

  it('keys services by protocol and endpoint, brackets IPv6, sorts servers and adds up duplicates', () => {
    const s = one({
      vip: 'fd00::1',
      family: 6,
      protocol: 'udp',
      port: 53,
      backends: [
        backend(3, { family: 6, port: 5300 }),
        backend(1, { family: 6, port: 5300 }),
        { id: 'twin', address: 'fd01::3', port: 5300, weight: 2 },
      ],
    });
    expect(s.key).toBe('udp [fd00::1]:53');
    expect([...s.dests.values()]).toEqual([
      { endpoint: '[fd01::1]:5300', weight: 1 },
      { endpoint: '[fd01::3]:5300', weight: 3 },
    ]);
  });

  it('refuses SNAT, VIPs outside the owned ranges and two services on one endpoint', () => {
    expect(() => one({ snat: true })).toThrow(/does not masquerade/);
    expect(() => desiredServices(nodeState([service()]), () => false)).toThrow(
      /outside the ranges this IPVS data plane owns/,
    );
    expect(() => desiredServices(nodeState([service({ id: 'a' }), service({ id: 'b' })]), ownsAll)).toThrow(
      /two services at tcp 10.0.0.1:80/,
    );
  });

  it.each([
    ['a VIP with an ipvsadm option in it', { vip: '10.0.0.1 -D' }],
    ['a non-canonical VIP', { vip: '010.0.0.1' }],
    ['an IPv6 VIP in an IPv4 service', { vip: 'fd00::1' }],
    ['port 0', { port: 0 }],
    ['a protocol ipvsadm would read otherwise', { protocol: 'sctp' as 'tcp' }],
    ['a backend address with a newline', { backends: [backend(1, { address: '10.1.0.1\n-C' })] }],
    ['a weight above 100', { backends: [backend(1, { weight: 101 })] }],
    ['a weight of 0', { backends: [backend(1, { weight: 0 })] }],
    ['an unknown algorithm', { algorithm: 'LEAST_CONN' as 'MAGLEV' }],
    ['family 5', { family: 5 as 4 }],
  ])('rejects %s with INVALID_ARGUMENT', (_, over) => {
    expect(() => one(over)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('forwards dsr by direct routing and tunnel by IPIP, with mh, and refuses what they cannot do', () => {
    const dsr = one({
      algorithm: 'MAGLEV',
      hashFields: 'FIVE_TUPLE',
      forwarding: 'dsr',
      backends: [backend(1, { port: 80 })],
    });
    expect(dsr).toMatchObject({ forward: 'Route', scheduler: 'mh', flags: ['mh-fallback', 'mh-port'] });
    expect(
      one({ algorithm: 'MAGLEV', forwarding: 'tunnel', backends: [backend(1, { port: 80 })] }).forward,
    ).toBe('Tunnel');
    expect(one({}).forward).toBe('Masq');
    // Added ascending by address text (the kernel then lists them descending).
    const order = one({
      algorithm: 'MAGLEV',
      forwarding: 'dsr',
      backends: [backend(9, { port: 80 }), backend(10, { port: 80 }), backend(2, { port: 80 })],
    });
    expect([...order.dests.keys()]).toEqual(['10.1.0.10:80', '10.1.0.2:80', '10.1.0.9:80']);
    const refused: [Partial<ServiceSpec>, RegExp][] = [
      [{ forwarding: 'dsr', backends: [backend(1, { port: 80 })] }, /needs MAGLEV/],
      [{ forwarding: 'tunnel', algorithm: 'MAGLEV' }, /port 8080 must equal the service port 80/],
      [
        { forwarding: 'dsr', algorithm: 'MAGLEV', snat: true, backends: [backend(1, { port: 80 })] },
        /masquerade/,
      ],
      [{ forwarding: 'gre' as never, algorithm: 'MAGLEV' }, /unknown forwarding/],
    ];
    for (const [over, message] of refused) {
      const error = (() => {
        try {
          one(over);
        } catch (e) {
          return e as { code: string; message: string };
        }
      })();
      expect(error?.code).toBe('INVALID_ARGUMENT');
      expect(error?.message).toMatch(message);
    }
  });
});
