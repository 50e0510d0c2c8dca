import { describe, expect, it } from 'vitest';
import { checkForwarding, type ForwardingCapabilities } from './forwarding.js';

const fw: ForwardingCapabilities = {
  modes: ['nat', 'dsr'],
  default: 'nat',
  change: false,
  ipv4Only: ['dsr'],
};
const base = { algorithm: 'MAGLEV' as const, listenerPort: 80, groupPort: 80, family: 'IPV4' as const };
const paths = (v: ReturnType<typeof checkForwarding>) => v.map((x) => `${x.code} ${x.path}`);

describe('checkForwarding', () => {
  it('refuses the field where the driver has no forwarding modes, even nat', () => {
    expect(paths(checkForwarding({ driver: 'aws' }, { ...base, requested: 'nat' }))).toEqual([
      'UNSUPPORTED vmGroup.forwarding',
    ]);
    expect(checkForwarding({ driver: 'aws' }, { ...base, requested: undefined })).toEqual([]);
  });

  it('refuses a mode the driver does not offer, naming the ones it does', () => {
    const [v] = checkForwarding({ driver: 'native', forwarding: fw }, { ...base, requested: 'tunnel' });
    expect(v).toMatchObject({ code: 'UNSUPPORTED', path: 'vmGroup.forwarding', allowed: 'nat|dsr' });
  });

  it('asks dsr for MAGLEV, equal ports and (here) IPv4', () => {
    const caps = { driver: 'native', forwarding: fw };
    expect(checkForwarding(caps, { ...base, requested: 'dsr' })).toEqual([]);
    expect(paths(checkForwarding(caps, { ...base, requested: 'dsr', algorithm: 'ROUND_ROBIN' }))).toEqual([
      'INVALID_ARGUMENT vmGroup.algorithm',
    ]);
    expect(paths(checkForwarding(caps, { ...base, requested: 'dsr', groupPort: 8080 }))).toEqual([
      'INVALID_ARGUMENT vmGroup.port',
    ]);
    expect(paths(checkForwarding(caps, { ...base, requested: 'dsr', family: 'IPV6' }))).toEqual([
      'UNSUPPORTED vmGroup.forwarding',
    ]);
    // nat asks nothing of the algorithm or ports.
    expect(
      checkForwarding(caps, { ...base, requested: 'nat', algorithm: 'ROUND_ROBIN', groupPort: 1 }),
    ).toEqual([]);
  });

  it('keeps the mode in force on a change: no switch, and its needs still hold', () => {
    const caps = { driver: 'native', forwarding: fw };
    expect(paths(checkForwarding(caps, { ...base, requested: 'nat', current: 'dsr' }))).toEqual([
      'UNSUPPORTED vmGroup.forwarding',
    ]);
    expect(checkForwarding(caps, { ...base, requested: 'dsr', current: 'dsr' })).toEqual([]);
    const moved = checkForwarding(caps, {
      ...base,
      requested: undefined,
      current: 'dsr',
      listenerPort: 81,
      portPath: 'listener.port',
    });
    expect(paths(moved)).toEqual(['INVALID_ARGUMENT listener.port']);
  });
});
