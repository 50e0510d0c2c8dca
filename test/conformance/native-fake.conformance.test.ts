/**
 * The conformance suite against the native driver with an embedded agent on a fake node (no root):
 * the driver's contract, independent of the kernel. native.conformance.test.ts runs it on nftables.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNativeDriver } from '../../src/drivers/native/index.js';
import { createFileStore, createMemoryStore } from '../../src/native/store/index.js';
import { nlbHandlerConformance, nlbHandlerPeerConformance } from '../../src/testing/index.js';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../native/fake-node.js';
import { vmInventory, vms } from './native-inventory.js';

nlbHandlerConformance('native (memory store, fake node)', async () => {
  const kernel = new FakeKernel();
  const driver = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: ['10.99.0.0/24'] },
    vmInventory,
    agent: {
      executor: fakeIpExecutor(kernel),
      dataplane: () => fakeDataplane(kernel),
      intervalSeconds: 3600,
    },
  });
  return { driver, vms, cleanup: () => driver.close() };
});

nlbHandlerConformance('native (file store)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nlbk-conf-'));
  const store = createFileStore(dir);
  await store.create(); // `nlbkit store init`: a driver's reads need a store that exists
  const driver = createNativeDriver({ store, vipPool: { ranges: ['10.99.0.0/24'] }, vmInventory });
  return {
    driver,
    vms,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

// Two drivers (two processes) on one file store, each opening it itself.
nlbHandlerPeerConformance('native (file store)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nlbk-conf-'));
  const stores = [createFileStore(dir), createFileStore(dir)];
  await stores[0]!.create();
  const [driver, peer] = stores.map((store) =>
    createNativeDriver({ store, vipPool: { ranges: ['10.99.0.0/24'] }, vmInventory }),
  );
  return {
    driver: driver!,
    peer: peer!,
    vms,
    cleanup: async () => {
      for (const s of stores) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
