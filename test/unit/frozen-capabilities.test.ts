/** Every driver's capabilities are frozen all the way down: no caller can loosen the rules it enforces. */
import { describe, expect, it } from 'vitest';
import { createMockDriver, mockDefaultCapabilities } from '../../src/drivers/mock/index.js';
import {
  createMemoryStore,
  createNativeDriver,
  NATIVE_CAPABILITIES,
} from '../../src/drivers/native/index.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import { CLOUD_DRIVERS, cloudDriverAt } from '../drivers/cloud-drivers-at.js';

/** Every object and array reachable from `value` that is not frozen, by path. */
function unfrozen(value: unknown, path = 'capabilities'): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const own = Object.isFrozen(value) ? [] : [path];
  return [...own, ...Object.entries(value).flatMap(([k, v]) => unfrozen(v, `${path}.${k}`))];
}

const creds = {
  aws: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'x'.repeat(40), sessionToken: 't' },
  azureToken: 'token',
  gcpToken: 'token',
  openstack: { username: 'demo', password: 'secret' },
};
// Constructing a driver connects to nothing (port 9 of loopback is never called): only capabilities are read.
const drivers: [string, () => NLBHandler][] = [
  ['mock', () => createMockDriver()],
  ['mock emulating another driver', () => createMockDriver({ capabilities: { weights: false } })],
  ...CLOUD_DRIVERS.map((name): [string, () => NLBHandler] => [
    name,
    () => cloudDriverAt(name, 'http://127.0.0.1:9', creds),
  ]),
  [
    'native',
    () =>
      createNativeDriver({
        store: createMemoryStore(),
        vipPool: { ranges: ['10.99.0.0/24'] },
        vmInventory: { web1: { ipv4: '10.0.0.11' } },
      }),
  ],
];

describe.each(drivers)('the %s driver', (_name, make) => {
  it('has capabilities frozen all the way down, and a write to them throws', () => {
    const caps = make().capabilities;
    expect(unfrozen(caps)).toEqual([]);
    expect(() => {
      (caps as { maxVMs: number }).maxVMs = 1_000_000;
    }).toThrow(TypeError);
    expect(() => (caps.algorithms as string[]).push('MAGIC')).toThrow(TypeError);
    expect(caps.maxVMs).not.toBe(1_000_000);
  });
});

it('the capability constants of the mock and native drivers are frozen too', () => {
  expect(unfrozen(mockDefaultCapabilities)).toEqual([]);
  expect(unfrozen(NATIVE_CAPABILITIES)).toEqual([]);
});
