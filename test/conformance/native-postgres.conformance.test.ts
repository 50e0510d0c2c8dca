/**
 * The conformance suite against the native driver on the PostgreSQL store (a throwaway server), with
 * an embedded agent on a fake node: the driver's whole contract with its state in a database. Skips
 * without PostgreSQL locally; fails in CI (postgres-store.test.ts says so).
 */
import { afterAll, describe, it } from 'vitest';
import { createNativeDriver } from '../../src/drivers/native/index.js';
import { createPostgresStore } from '../../src/native/store/index.js';
import { nlbHandlerConformance, nlbHandlerPeerConformance } from '../../src/testing/index.js';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../native/fake-node.js';
import { type PostgresServer, postgresBinDir, startPostgres } from '../native/postgres-server.js';
import { vmInventory, vms } from './native-inventory.js';

const bin = postgresBinDir();

let server: Promise<PostgresServer> | undefined;
afterAll(async () => {
  await (await server)?.stop();
}, 30_000);

if (bin) {
  let schemas = 0;
  nlbHandlerConformance('native (PostgreSQL store, fake node)', async () => {
    server ??= startPostgres(bin);
    const { url } = await server;
    const kernel = new FakeKernel();
    const store = createPostgresStore({ connection: { connectionString: url }, schema: `conf_${++schemas}` });
    await store.create();
    const driver = createNativeDriver({
      store,
      vipPool: { ranges: ['10.99.0.0/24'] },
      vmInventory,
      agent: {
        executor: fakeIpExecutor(kernel),
        dataplane: () => fakeDataplane(kernel),
        intervalSeconds: 3600,
      },
    });
    return {
      driver,
      vms,
      cleanup: async () => {
        await driver.close();
        await store.close();
      },
    };
  });

  // Two drivers (two hosts of a broker) on one PostgreSQL schema, each with its own connection pool.
  nlbHandlerPeerConformance('native (PostgreSQL store)', async () => {
    server ??= startPostgres(bin);
    const { url } = await server;
    const schema = `peer_${++schemas}`;
    const stores = [1, 2].map(() => createPostgresStore({ connection: { connectionString: url }, schema }));
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
      },
    };
  });
} else {
  describe.skip('native (PostgreSQL store, fake node): PostgreSQL is not installed', () => {
    it('needs initdb and postgres', () => undefined);
  });
}
