import { describe, expect, it } from 'vitest';
import { isNLBError } from '../../interfaces/errors.js';
import { resolveProbe } from './probe-config.js';

const code = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return isNLBError(e) ? `${e.code}: ${e.message}` : String(e);
  }
  return 'no error';
};

describe('resolveProbe', () => {
  it('takes the older dsr form: the dsr egress is the device', () => {
    expect(resolveProbe({ dsrEgress: 'eth1', dsrProbe: { address: '10.0.1.250' } })).toEqual({
      egress: 'eth1',
      address: '10.0.1.250',
    });
  });

  it('takes a probe device and gateway for tunnel backends, without dsr', () => {
    expect(
      resolveProbe({ probe: { address: '10.0.1.250', device: 'eth2', gateway: '10.0.1.254', netns: 'p1' } }),
    ).toEqual({ egress: 'eth2', address: '10.0.1.250', gateway: '10.0.1.254', netns: 'p1' });
  });

  it('is none without an address', () => {
    expect(resolveProbe({ dsrEgress: 'eth1' })).toBeUndefined();
    expect(resolveProbe({})).toBeUndefined();
  });

  it.each([
    [
      'two addresses',
      { probe: { address: '10.0.1.250' }, dsrProbe: { address: '10.0.1.251' }, dsrEgress: 'e' },
      /given twice/,
    ],
    [
      'a device other than the dsr egress',
      { probe: { address: '10.0.1.250', device: 'eth2' }, dsrEgress: 'eth1' },
      /one device/,
    ],
    [
      'a gateway without an address',
      { probe: { gateway: '10.0.1.254' }, dsrEgress: 'eth1' },
      /need the probe address/,
    ],
    ['an address without a device', { probe: { address: '10.0.1.250' } }, /needs a device/],
    [
      'a gateway with words',
      { probe: { address: '10.0.1.250', device: 'e', gateway: '1.2.3.4 dev lo' } },
      /gateway/,
    ],
    ['an IPv6 address', { probe: { address: '2001:db8::1', device: 'e' } }, /IPv4/],
    [
      'a device that is an option list',
      { probe: { address: '10.0.1.250', device: 'eth0 up' } },
      /device name/,
    ],
    ['a namespace with a slash', { probe: { address: '10.0.1.250', device: 'e', netns: '../x' } }, /probe/],
  ])('refuses %s with INVALID_ARGUMENT', (_what, options, message) => {
    const got = code(() => resolveProbe(options));
    expect(got).toMatch(/^INVALID_ARGUMENT: /);
    expect(got).toMatch(message);
  });
});
