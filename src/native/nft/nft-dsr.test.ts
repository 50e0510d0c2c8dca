import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../model.js';
import { backendMark, dsrDevices, renderDsrElements, renderDsrSkeleton } from './nft-dsr.js';
import { defaultMaglev } from './nft-layout.js';

const state = { hashSeed: 0x5eed, maglevTableSize: 13 };
const svc = (over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  id: 'web',
  vip: '10.0.0.1',
  family: 4,
  protocol: 'tcp',
  port: 80,
  algorithm: 'MAGLEV',
  hashFields: 'FIVE_TUPLE',
  snat: false,
  forwarding: 'dsr',
  backends: [
    { id: 'a', address: '10.1.0.1', port: 80, weight: 1 },
    { id: 'b', address: '10.1.0.2', port: 80, weight: 1 },
  ],
  ...over,
});

describe('nft dsr rendering', () => {
  it('checks and sorts the devices; refuses unsafe names', () => {
    expect(dsrDevices({ ingress: ['eth1', 'eth0', 'eth1'], egress: 'eth2' })).toEqual({
      ingress: ['eth0', 'eth1'],
      egress: 'eth2',
    });
    for (const bad of [
      { ingress: [], egress: 'e' },
      { ingress: ['e"; drop'], egress: 'e' },
      { ingress: ['e'], egress: 'a b' },
    ])
      expect(() => dsrDevices(bad)).toThrow(/device|dsr\.ingress/);
  });

  it('marks a backend by its IPv4 address', () => {
    expect(backendMark('10.77.1.10')).toBe(0x0a4d010a);
    expect(backendMark('255.255.255.255')).toBe(0xffffffff);
    expect(() => backendMark('fd00::1')).toThrow(/IPv4/);
  });

  it('renders the ingress hook, the pin, Maglev and fwd rules with the fixed seed', () => {
    const text = renderDsrSkeleton(
      'nlbkit',
      { ingress: ['up0'], egress: 'dn0' },
      state,
      'nlbkit:0123456789abcdef',
    );
    expect(text).toContain('type filter hook ingress devices = { "up0" } priority -500; policy accept;');
    expect(text).toContain('meta mark @live4 update @pin_tcp');
    expect(text).toContain('jhash ip saddr . th sport mod 13 seed 0x00005eed map @slot_tcp');
    expect(text).toContain('jhash ip saddr mod 13 seed 0x00005eed map @slot_udp');
    expect(text).toContain('fwd ip to meta mark map @hop4 device "dn0"');
    expect(text.startsWith('table netdev nlbkit\ndelete table netdev nlbkit\n')).toBe(true);
  });

  it('renders every slot of the Maglev table to a backend mark, replacing the maps whole', () => {
    const { text, statements } = renderDsrElements('nlbkit', [svc()], state, defaultMaglev);
    expect(text).toContain('flush map netdev nlbkit dsr4\n');
    expect(text).toContain('add element netdev nlbkit dsr4 { 10.0.0.1 . tcp . 80 : goto d_tcp_ipport }');
    expect(text).toContain('0x0a010001 : 10.1.0.1, 0x0a010002 : 10.1.0.2');
    expect(text.match(/10\.0\.0\.1 \. 80 \. \d+ : 0x0a01000[12]/g)).toHaveLength(13);
    expect(statements).toBe(5 + 2 + 2 + 13 + 1);
  });

  it('refuses what dsr cannot forward', () => {
    const render = (s: ServiceSpec) => () => renderDsrElements('nlbkit', [s], state, defaultMaglev);
    expect(render(svc({ algorithm: 'ROUND_ROBIN' }))).toThrow(/MAGLEV/);
    expect(render(svc({ family: 6, vip: 'fd00::1' }))).toThrow(/IPv4/);
    expect(render(svc({ backends: [{ id: 'a', address: '10.1.0.1', port: 8080, weight: 1 }] }))).toThrow(
      /port/,
    );
  });
});
