import { describe, expect, it } from 'vitest';
import { isNLBError } from '../../interfaces/errors.js';
import {
  checkLane,
  type DsrLane,
  ipprotoOf,
  laneAddCommands,
  laneRemoveCommands,
  OUTER_TABLE,
  outerRemoveCommands,
  outerRouteCommands,
  ProbePorts,
  probeTunnelName,
  TABLE_BASE,
  tunnelDeviceCommands,
} from './dsr-probe-plan.js';

const lane: DsrLane = {
  key: 'web/vm1',
  vip: '198.51.100.10',
  backend: '10.0.1.11',
  ipproto: 'tcp',
  localPort: 61000,
};
const table = String(TABLE_BASE + 61000);
const me = { device: 'nlbkitp0', address: '10.0.1.250' };

describe('dsr probe lanes', () => {
  it('routes the VIP via the backend in a table of its own, the rule last', () => {
    expect(laneAddCommands(lane, me)).toEqual([
      ['ip', 'route', 'replace', '10.0.1.11/32', 'dev', 'nlbkitp0', 'scope', 'link', 'table', table],
      ['ip', 'route', 'replace', '198.51.100.10/32', 'via', '10.0.1.11', 'dev', 'nlbkitp0', 'table', table],
      // Fail closed: a VIP the table does not route is unreachable, never looked up elsewhere.
      ['ip', 'route', 'replace', 'unreachable', 'default', 'table', table],
      ['ip', 'rule', 'add', 'pref', '1000', 'ipproto', 'tcp', 'sport', '61000', 'lookup', table],
    ]);
  });

  it('removes the rule before emptying the table', () => {
    expect(laneRemoveCommands({ ...lane, ipproto: 'udp' })).toEqual([
      ['ip', 'rule', 'del', 'pref', '1000', 'ipproto', 'udp', 'sport', '61000', 'lookup', table],
      ['ip', 'route', 'flush', 'table', table],
    ]);
  });

  it('sends TCP, HTTP and HTTPS checks as tcp, UDP checks as udp', () => {
    expect(['TCP', 'HTTP', 'HTTPS', 'UDP'].map((p) => ipprotoOf(p as never))).toEqual([
      'tcp',
      'tcp',
      'tcp',
      'udp',
    ]);
  });

  it.each([
    ['a VIP that is a command line', { vip: '198.51.100.10 dev lo' }],
    ['a non-canonical VIP', { vip: '198.51.100.010' }],
    ['an IPv6 backend', { backend: '2001:db8::1' }],
    ['an option as the backend', { backend: '-force' }],
    ['a port out of range', { localPort: 70000 }],
    ['a fractional port', { localPort: 61000.5 }],
    ['another protocol', { ipproto: 'sctp' }],
  ])('refuses %s with INVALID_ARGUMENT', (_what, patch) => {
    const bad = { ...lane, ...patch } as DsrLane;
    let thrown: unknown;
    try {
      laneAddCommands(bad, me);
    } catch (e) {
      thrown = e;
    }
    expect(isNLBError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
    expect(() => laneRemoveCommands(bad)).toThrow();
  });

  it('refuses a device name that is not one argument', () => {
    expect(() => laneAddCommands(lane, { ...me, device: 'eth0 up' })).toThrow(/device name/);
    expect(() => laneAddCommands(lane, { ...me, address: '10.0.1.250 dev lo' })).toThrow(/probe address/);
    expect(checkLane(lane)).toBe(lane);
  });
});

describe('tunnel probe lanes', () => {
  const tunnel: DsrLane = { ...lane, mode: 'tunnel', backend: '10.78.0.11' };

  it("routes the VIP into the backend's ipip device, from the probe's address, the rule last", () => {
    expect(probeTunnelName('10.78.0.11')).toBe('nlt0a4e000b');
    expect(laneAddCommands(tunnel, me)).toEqual([
      [
        'ip',
        'route',
        'replace',
        '198.51.100.10/32',
        'dev',
        'nlt0a4e000b',
        'src',
        '10.0.1.250',
        'table',
        table,
      ],
      ['ip', 'route', 'replace', 'unreachable', 'default', 'table', table],
      ['ip', 'rule', 'add', 'pref', '1000', 'ipproto', 'tcp', 'sport', '61000', 'lookup', table],
    ]);
    // Removal is the same as a dsr lane's: the rule, then the table.
    expect(laneRemoveCommands(tunnel)).toEqual(laneRemoveCommands(lane));
  });

  it('makes one ipip device per backend, its outer source the probe address', () => {
    expect(tunnelDeviceCommands('10.78.0.11', me)).toEqual([
      [
        ...['ip', 'link', 'add', 'name', 'nlt0a4e000b', 'type', 'ipip'],
        ...['remote', '10.78.0.11', 'local', '10.0.1.250'],
      ],
      ['ip', 'link', 'set', 'dev', 'nlt0a4e000b', 'up'],
    ]);
  });

  it('routes the encapsulated packets (protocol 4) by the outer table: on-link, or by a gateway', () => {
    const rule = ['pref', '1000', 'ipproto', '4', 'lookup', OUTER_TABLE];
    expect(OUTER_TABLE).toBe(String(TABLE_BASE)); // no lane has source port 0
    expect(outerRouteCommands(me)).toEqual([
      ['ip', 'route', 'replace', 'default', 'dev', 'nlbkitp0', 'scope', 'link', 'table', OUTER_TABLE],
      ['ip', 'rule', 'add', ...rule],
    ]);
    expect(outerRouteCommands(me, '10.0.1.254')).toEqual([
      [
        'ip',
        'route',
        'replace',
        'default',
        'via',
        '10.0.1.254',
        'dev',
        'nlbkitp0',
        'onlink',
        'table',
        OUTER_TABLE,
      ],
      ['ip', 'rule', 'add', ...rule],
    ]);
    expect(outerRemoveCommands()).toEqual([
      ['ip', 'rule', 'del', ...rule],
      ['ip', 'route', 'flush', 'table', OUTER_TABLE],
    ]);
  });

  it.each([
    ['a backend that is an option', () => tunnelDeviceCommands('-force', me)],
    ['a probe address with words', () => tunnelDeviceCommands('10.78.0.11', { ...me, address: '1.2.3.4 x' })],
    ['a gateway that is a command line', () => outerRouteCommands(me, '10.0.1.254 dev lo')],
    ['an IPv6 gateway', () => outerRouteCommands(me, '2001:db8::1')],
    ['a mode that is neither', () => laneAddCommands({ ...tunnel, mode: 'gre' as never }, me)],
  ])('refuses %s with INVALID_ARGUMENT', (_what, run) => {
    let thrown: unknown;
    try {
      run();
    } catch (e) {
      thrown = e;
    }
    expect(isNLBError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
  });
});

describe('ProbePorts', () => {
  it('keeps a key its port across updates and reuses freed ports lowest first', () => {
    const ports = new ProbePorts({ first: 100, last: 104 });
    expect([...ports.assign(['a', 'b', 'c'])]).toEqual([
      ['a', 100],
      ['b', 101],
      ['c', 102],
    ]);
    expect([...ports.assign(['c', 'd', 'a'])]).toEqual([
      ['c', 102],
      ['d', 101],
      ['a', 100],
    ]);
  });

  it('gives no port beyond the range (the caller reports those targets DOWN)', () => {
    const ports = new ProbePorts({ first: 100, last: 101 });
    const got = ports.assign(['a', 'b', 'c']);
    expect(got.size).toBe(2);
    expect(got.has('c')).toBe(false);
  });

  it('refuses a range that is not ports', () => {
    expect(() => new ProbePorts({ first: 0, last: 10 })).toThrow(/1-65535/);
    expect(() => new ProbePorts({ first: 20, last: 10 })).toThrow(/first <= last/);
  });
});
