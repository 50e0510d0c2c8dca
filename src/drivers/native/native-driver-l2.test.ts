/**
 * The native driver's `agent.announce: { mode: 'l2', ... }`: hostile settings and a store without
 * leases are refused when the driver is made, before any command runs; with the memory store the
 * embedded agent holds its VIP on the l2 interface (through the announcer) and not on its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeL2Node } from '../../../test/native/fake-l2-node.js';
import { createFileStore } from '../../native/store/file-store.js';
import { createMemoryStore } from '../../native/store/memory-store.js';
import { createNativeDriver } from './native-driver.js';
import type { NativeDriverOptions } from './native-options.js';

const base = (
  executor: NativeDriverOptions['agent'] extends infer A
    ? A extends { executor: infer E }
      ? E
      : never
    : never,
) => ({
  vipPool: { ranges: ['10.99.0.0/29'] },
  vmInventory: { vm1: { ipv4: '10.0.0.11' } },
  agent: {
    executor,
    dataplane: () => ({
      sync: async () => ({ mode: 'none' as const, statements: 0 }),
      verify: async () => [],
      destroy: async () => undefined,
    }),
  },
});

describe('native driver: agent.announce l2', () => {
  it('refuses hostile l2 settings and a store without leases before running anything', async () => {
    const node = fakeL2Node('embedded');
    const bad = [
      { interface: 'eth0;reboot' },
      { interface: '--help' },
      { interface: 'eth0', leaseTtlMs: -1 },
      { interface: 'eth0', leaseTtlMs: 1000 },
      { interface: 'eth0', renewEveryMs: 10 ** 9 },
      { interface: 'eth0', addressLifetimeSeconds: 0.5 },
    ];
    for (const settings of bad) {
      const b = base(node.executor);
      expect(() =>
        createNativeDriver({
          ...b,
          store: createMemoryStore(),
          agent: { ...b.agent, announce: { mode: 'l2', ...settings } },
        }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-l2-'));
    try {
      const b = base(node.executor);
      expect(() =>
        createNativeDriver({
          ...b,
          store: createFileStore(dir),
          agent: { ...b.agent, announce: { mode: 'l2', interface: 'eth0' } },
        }),
      ).toThrow(/needs a store with leases/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(node.commands).toEqual([]);
  });

  it('with the memory store, the embedded agent holds its VIP on the l2 interface only', async () => {
    const node = fakeL2Node('embedded');
    const b = base(node.executor);
    const driver = createNativeDriver({
      ...b,
      store: createMemoryStore(),
      agent: { ...b.agent, announce: { mode: 'l2', interface: 'eth0' } },
    });
    try {
      const nlb = await driver.createNLB({
        iid: { nameId: 'web' },
        vpcIID: { nameId: 'vpc' },
        listener: { protocol: 'TCP', port: 80 },
        vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
        healthChecker: { protocol: 'TCP' },
      });
      expect(node.addrs).toEqual(new Set([nlb.listener.ip]));
      const replace = node.commands.find((c) => c.includes('replace'));
      expect(replace?.slice(0, 7)).toEqual([
        'ip',
        '-4',
        'addr',
        'replace',
        `${nlb.listener.ip}/32`,
        'dev',
        'eth0',
      ]);
      expect(node.commands.some((c) => c[0] === 'arping')).toBe(true);
    } finally {
      await driver.close();
    }
    expect(node.addrs).toEqual(new Set()); // close() stops the agent: the VIP is handed over
  });
});
