/**
 * Leases in the PostgreSQL store against a real, throwaway server: the shared lease contract, then what
 * only the cross-host store must show: instances with their own pools (as hosts) racing for free and
 * expiring leases get one winner each, and the expiry is the database's clock, not the caller's.
 * Skips without PostgreSQL locally; fails in CI.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLeaseContract } from '../../../test/native/lease-contract.js';
import { type PostgresServer, postgresBinDir, startPostgres } from '../../../test/native/postgres-server.js';
import type { LeaseStore } from './lease-types.js';
import { createPostgresStore } from './postgres-store.js';
import type { StateStore } from './types.js';

const bin = postgresBinDir();
if (!bin && process.env.CI === 'true')
  throw new Error('PostgreSQL (initdb, postgres) is needed for the PostgreSQL lease tests in CI');

let server: PostgresServer | undefined;
const stores: StateStore[] = [];
let schemas = 0;
const open = (schema: string): StateStore => {
  const store = createPostgresStore({ connection: { connectionString: server!.url, max: 8 }, schema });
  stores.push(store);
  return store;
};
/** A new schema holding a created store: leases live in a store, and reads never create one. */
const freshSchema = async () => {
  const schema = `l${process.pid}_${++schemas}`;
  await open(schema).create();
  return schema;
};
const leasesOf = (store: StateStore): LeaseStore => {
  if (!store.leases) throw new Error('the PostgreSQL store has no leases');
  return store.leases;
};
afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.stop();
}, 30_000);

describe.skipIf(!bin)('PostgreSQL leases', () => {
  beforeAll(async () => {
    server = await startPostgres(bin as string);
  }, 60_000);

  describeLeaseContract('postgres', async () => ({
    leases: leasesOf(open(await freshSchema())),
    pass: (ms) => new Promise((r) => setTimeout(r, ms)),
  }));

  it('gives each free lease to one of three instances (as hosts) racing for it, also after expiry', async () => {
    const schema = await freshSchema();
    const hosts = [1, 2, 3].map(() => leasesOf(open(schema)));
    const names = Array.from({ length: 20 }, (_, i) => `vip/10.99.2.${i}`);
    const race = async (ttl: number) => {
      const grants = await Promise.all(
        names.flatMap((name) =>
          hosts.map((h, i) => h.acquireLease(name, `lb${i}`, ttl).then((g) => ({ name, g }))),
        ),
      );
      const winners = new Map<string, string>();
      for (const { name, g } of grants)
        if (g.acquired) {
          expect(winners.has(name), `${name} granted twice`).toBe(false);
          winners.set(name, g.lease!.holder);
        }
      expect(winners.size).toBe(names.length);
      // Every loser was told who won.
      for (const { name, g } of grants) if (g.lease) expect(g.lease.holder).toBe(winners.get(name));
      return winners;
    };
    const first = await race(3000);
    // While held, nobody else gets any of them.
    for (const name of names) {
      const g = await hosts[0]!.acquireLease(name, 'lb9', 3000);
      expect(g).toMatchObject({ acquired: false, lease: { holder: first.get(name) } });
    }
    // Generous: a loaded machine may take its time; what matters is that they all lapse by themselves.
    const end = Date.now() + 15_000;
    while ((await hosts[1]!.listLeases('vip/')).length > 0 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    expect(await hosts[1]!.listLeases('vip/')).toEqual([]);
    await race(5000); // after expiry: a fresh race, one winner each again
    const listed = await hosts[2]!.listLeases('vip/');
    expect(listed).toHaveLength(20);
  });

  it("decides expiry with the database's clock: the row expires at the server's now() + TTL", async () => {
    const schema = await freshSchema();
    const leases = leasesOf(open(schema));
    await leases.acquireLease('vip/10.99.3.1', 'lb1', 60_000);
    const client = new pg.Client({ connectionString: server!.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT extract(epoch FROM expires - now()) * 1000 AS left_ms FROM "${schema}".leases WHERE name = $1`,
        ['vip/10.99.3.1'],
      );
      const left = Number(rows[0]?.left_ms);
      expect(left).toBeGreaterThan(50_000);
      expect(left).toBeLessThanOrEqual(60_000);
      // Moving the row's expiry into the past (the server's clock) frees it for another holder at once.
      await client.query(`UPDATE "${schema}".leases SET expires = now() - interval '1 second'`);
    } finally {
      await client.end();
    }
    expect((await leases.acquireLease('vip/10.99.3.1', 'lb2', 60_000)).acquired).toBe(true);
  });
});
