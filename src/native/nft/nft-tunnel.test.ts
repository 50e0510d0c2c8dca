import { describe, expect, it } from 'vitest';
import { backend, recordingExecutor, service } from '../../../test/native/nft-fixtures.js';
import type { ServiceSpec } from '../model.js';
import { createNftDataplane } from './nft-dataplane.js';
import { renderDsrElements, renderDsrSkeleton } from './nft-dsr.js';
import { defaultMaglev } from './nft-layout.js';
import {
  parseTunnelDevices,
  planTunnelDevices,
  rebornTunnels,
  renderTunnelChain,
  tunnelDeviceName,
  tunnelDevices,
  tunnelTargets,
} from './nft-tunnel.js';

const state = { hashSeed: 0x5eed, maglevTableSize: 13 };
const svc = (over: Partial<ServiceSpec> = {}): ServiceSpec =>
  service({
    algorithm: 'MAGLEV',
    hashFields: 'FIVE_TUPLE',
    forwarding: 'tunnel',
    backends: [backend(2, { address: '10.3.0.2', port: 80 }), backend(3, { address: '10.4.0.2', port: 80 })],
    ...over,
  });

describe('nft tunnel rendering', () => {
  it('checks and sorts the ingress devices; refuses unsafe names', () => {
    expect(tunnelDevices({ ingress: ['up1', 'up0', 'up1'] })).toEqual({ ingress: ['up0', 'up1'] });
    for (const bad of [{ ingress: [] }, { ingress: ['e"; drop'] }, {}, undefined])
      expect(() => tunnelDevices(bad)).toThrow(/device|tunnel\.ingress/);
  });

  it('names a backend device by its mark and sends each mark into it', () => {
    expect(tunnelDeviceName(0x0a030002)).toBe('nlt0a030002');
    expect(
      renderTunnelChain(
        'nlbkit',
        new Map([
          [0x0a040002, '10.4.0.2'],
          [0x0a030002, '10.3.0.2'],
        ]),
      ),
    ).toEqual([
      'flush chain netdev nlbkit tun',
      'add rule netdev nlbkit tun meta mark 0x0a030002 fwd ip to 10.3.0.2 device "nlt0a030002"',
      'add rule netdev nlbkit tun meta mark 0x0a040002 fwd ip to 10.4.0.2 device "nlt0a040002"',
      'add rule netdev nlbkit tun drop',
    ]);
    expect(() => renderTunnelChain('nlbkit', new Map([[1, '10.3.0.02']]))).toThrow(/canonical/);
  });

  it('renders tunnel chains beside dsr ones, hooked on both ingress lists', () => {
    const text = renderDsrSkeleton('nlbkit', { ingress: ['up0'], egress: 'dn0' }, state, 'nlbkit:x', {
      ingress: ['up1', 'up0'],
    });
    expect(text).toContain('hook ingress devices = { "up0", "up1" }');
    expect(text).toContain('chain tun {\n\t\tdrop\n\t}');
    expect(text).toContain(
      'meta mark @live4 update @pin_tcp { ip saddr . th sport . ip daddr . th dport : meta mark } goto tun',
    );
    expect(text).toContain('chain d_tcp_ipport');
    // Only tunnel: no dsr chains and no egress device.
    const only = renderDsrSkeleton('nlbkit', undefined, state, 'nlbkit:x', { ingress: ['up0'] });
    expect(only).toContain('chain t_udp_ip {');
    expect(only).not.toContain('chain d_');
    expect(() => renderDsrSkeleton('nlbkit', undefined, state, 'nlbkit:x')).toThrow(/ingress/);
  });

  it('dispatches a tunnel service to its t_ chain, with the same slots as dsr, and lists its backends', () => {
    const tun = renderDsrElements('nlbkit', [svc()], state, defaultMaglev, true);
    const dsr = renderDsrElements('nlbkit', [svc({ forwarding: 'dsr' })], state, defaultMaglev, true);
    expect(tun.text).toContain('10.0.0.1 . tcp . 80 : goto t_tcp_ipport');
    expect(dsr.text).toContain('10.0.0.1 . tcp . 80 : goto d_tcp_ipport');
    const slots = (t: string) => t.split('\n').find((l) => l.includes('slot_tcp {'));
    expect(slots(tun.text)).toBe(slots(dsr.text)); // every node, every mode: the same choice
    expect([...tun.tunnels]).toEqual([
      [0x0a030002, '10.3.0.2'],
      [0x0a040002, '10.4.0.2'],
    ]);
    expect(tun.text).toContain('fwd ip to 10.4.0.2 device "nlt0a040002"');
    expect(dsr.tunnels.size).toBe(0);
    expect(() => renderDsrElements('nlbkit', [svc()], state, defaultMaglev, false)).toThrow(/tunnel/);
    expect(() =>
      renderDsrElements('nlbkit', [svc({ algorithm: 'ROUND_ROBIN' })], state, defaultMaglev, true),
    ).toThrow(/tunnel forwarding needs MAGLEV/);
  });

  it('plans the ipip devices: create, re-create on another remote, bring up, remove only its own', () => {
    const want = new Map([
      [0x0a030002, '10.3.0.2'],
      [0x0a040002, '10.4.0.2'],
      [0x0a050002, '10.5.0.2'],
    ]);
    const plan = planTunnelDevices(want, [
      { name: 'nlt0a030002', remote: '10.3.0.2', up: false },
      { name: 'nlt0a040002', remote: '10.9.9.9', up: true },
      { name: 'nlt0a060002', remote: '10.6.0.2', up: true },
    ]);
    expect(plan.create).toEqual([
      ['ip', 'link', 'set', 'dev', 'nlt0a030002', 'up'],
      ['ip', 'link', 'del', 'dev', 'nlt0a040002'],
      ['ip', 'link', 'add', 'name', 'nlt0a040002', 'type', 'ipip', 'remote', '10.4.0.2'],
      ['ip', 'link', 'set', 'dev', 'nlt0a040002', 'up'],
      ['ip', 'link', 'add', 'name', 'nlt0a050002', 'type', 'ipip', 'remote', '10.5.0.2'],
      ['ip', 'link', 'set', 'dev', 'nlt0a050002', 'up'],
    ]);
    expect(plan.created).toEqual(['nlt0a040002', 'nlt0a050002']);
    expect(plan.remove).toEqual([['ip', 'link', 'del', 'dev', 'nlt0a060002']]);
    expect(plan.diff).toHaveLength(4);
    expect(
      planTunnelDevices(new Map([[0x0a030002, '10.3.0.2']]), [
        { name: 'nlt0a030002', remote: '10.3.0.2', up: true },
      ]),
    ).toEqual({ create: [], created: [], remove: [], diff: [] });
  });

  it('reads back only its own devices and the devices its rules name', () => {
    const links = [
      { ifname: 'tunl0', flags: ['NOARP'], linkinfo: { info_data: { remote: 'any' } } },
      {
        ifindex: 7,
        ifname: 'nlt0a030002',
        flags: ['POINTOPOINT', 'UP'],
        linkinfo: { info_data: { remote: '10.3.0.2' } },
      },
      { ifindex: 'x', ifname: 'nlt0a030003', linkinfo: { info_data: { remote: '10.3.0.3' } } },
      {},
    ];
    const have = parseTunnelDevices(JSON.stringify(links));
    expect(have).toEqual([
      { name: 'nlt0a030002', remote: '10.3.0.2', up: true, ifindex: 7 },
      { name: 'nlt0a030003', remote: '10.3.0.3', up: false },
    ]);
    // A device made again under its name has another index: named; an unknown index is not guessed.
    expect(rebornTunnels(new Map([['nlt0a030002', 7]]), have)).toEqual([]);
    expect(
      rebornTunnels(
        new Map([
          ['nlt0a030002', 5],
          ['nlt0a030003', 6],
        ]),
        have,
      ),
    ).toEqual(['tunnel device nlt0a030002 was made again (ifindex 5, now 7): the rules name the old one']);
    const rule = (dev: string) => ({
      rule: { chain: 'tun', expr: [{ match: {} }, { fwd: { dev, family: 'ip', addr: '10.3.0.2' } }] },
    });
    expect(
      tunnelTargets(
        JSON.stringify({
          nftables: [
            rule('nlt0a040002'),
            rule('nlt0a030002'),
            { rule: { chain: 'x', expr: [{ fwd: { dev: 'y' } }] } },
          ],
        }),
      ),
    ).toEqual(['nlt0a030002', 'nlt0a040002']);
  });

  it('a data plane without tunnel devices does not offer tunnel and refuses a tunnel service before running anything', async () => {
    const spy = recordingExecutor();
    const plain = createNftDataplane({ executor: spy, dsr: { ingress: ['up0'], egress: 'dn0' } });
    expect(plain.forwardingModes).toEqual(['nat', 'dsr']);
    await expect(plain.sync({ ...state, services: [svc()] })).rejects.toThrow(/--tunnel-ingress/);
    expect(spy.calls).toEqual([]);
    expect(createNftDataplane({ executor: spy, tunnel: { ingress: ['up0'] } }).forwardingModes).toEqual([
      'nat',
      'tunnel',
    ]);
    expect(() => createNftDataplane({ executor: spy, tunnel: { ingress: ['-rf'] } })).toThrow(/device/);
  });
});
