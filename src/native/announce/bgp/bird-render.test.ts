import { describe, expect, it } from 'vitest';
import { isNLBError } from '../../../interfaces/errors.js';
import { renderCheckWrapper, renderInclude } from './bird-render.js';
import { hostPrefix, path, quotedPath, symbol } from './bird-values.js';

describe('BIRD include renderer', () => {
  it('routes only serving VIPs, per family, sorted, in two named static protocols', () => {
    const text = renderInclude([
      { vip: '198.19.0.2', family: 4, serving: true },
      { vip: 'fd00:6e6c:626b:ff::1', family: 6, serving: true },
      { vip: '198.19.0.1', family: 4, serving: true },
      { vip: '198.19.0.3', family: 4, serving: false },
    ]);
    expect(text).toBe(
      [
        '# Written by the nlbkit agent; replaced on every change. Do not edit.',
        'protocol static nlbkit4 {',
        '  ipv4;',
        '  route 198.19.0.1/32 blackhole;',
        '  route 198.19.0.2/32 blackhole;',
        '}',
        'protocol static nlbkit6 {',
        '  ipv6;',
        '  route fd00:6e6c:626b:ff::1/128 blackhole;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('renders both protocols empty when nothing is served (a withdrawal)', () => {
    const text = renderInclude([{ vip: '198.19.0.3', family: 4, serving: false }], 'lb');
    expect(text).toContain('protocol static lb4 {\n  ipv4;\n}\n');
    expect(text).toContain('protocol static lb6 {\n  ipv6;\n}\n');
    expect(text).not.toContain('route');
  });

  it('wraps an include for a parse-only check', () => {
    expect(renderCheckWrapper('/etc/bird/nlbkit.conf.check')).toBe(
      'router id 192.0.2.1;\ninclude "/etc/bird/nlbkit.conf.check";\n',
    );
  });
});

describe('BIRD quoting gate', () => {
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(isNLBError(e) && e.code).toBe('INVALID_ARGUMENT');
      return;
    }
    throw new Error('accepted');
  };

  it.each([
    ['198.19.0.1/32 blackhole; } protocol static x { ipv4', 4],
    ['198.19.0.1\n', 4],
    ['198.019.0.1', 4],
    ['10.1', 4],
    ['FD00::1', 6],
    ['fd00:0::1', 6],
    ['fd00::1%eth0', 6],
    ['198.19.0.1', 6],
  ] as const)('refuses the address %j as IPv%i', (vip, family) => {
    refused(() => hostPrefix(vip, family));
    refused(() => renderInclude([{ vip, family, serving: true }]));
  });

  it.each(['nlbkit; }', '4x', 'a"b', '', 'x'.repeat(40), 'nlbkit\n'])(
    'refuses the protocol prefix %j',
    (p) => {
      refused(() => symbol(p));
      refused(() => renderInclude([], p));
    },
  );

  it.each([
    'etc/bird/x.conf',
    '/etc/bird/x".conf',
    '/etc/bird/x\n.conf',
    '/etc/bird/../shadow',
    '/etc/bird/./x',
    '/etc/bird/x conf',
    '/etc/bird/',
    '/etc/bird/$(id)',
  ])('refuses the path %j', (p) => {
    refused(() => path(p));
    refused(() => quotedPath(p));
  });

  it('passes canonical values through unchanged', () => {
    expect(hostPrefix('198.19.0.1', 4)).toBe('198.19.0.1/32');
    expect(hostPrefix('fd00::1', 6)).toBe('fd00::1/128');
    expect(symbol('nlbkit4')).toBe('nlbkit4');
    expect(quotedPath('/etc/bird/nlbkit.conf')).toBe('"/etc/bird/nlbkit.conf"');
  });
});
