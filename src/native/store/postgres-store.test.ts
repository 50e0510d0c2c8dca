/**
 * The PostgreSQL store against a real, throwaway PostgreSQL server (test/native/postgres-server.ts):
 * the shared StateStore contract, then what only a networked store must show: several instances (as
 * several hosts) serialized without lost updates, NOTIFY waking watchers, hand-edited rows refused,
 * errors without secrets, and connections given back. Skips without PostgreSQL locally; fails in CI.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresBinDir, startPostgres } from '../../../test/native/postgres-server.js';
import {
  describeStoreContract,
  expectStoreMissing,
  report,
  until,
} from '../../../test/native/store-contract.js';
import { makeRecord } from '../../../test/native/store-record.js';
import { createPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
import { isStoreMissing } from './store-errors.js';
import type { StateStore } from './types.js';

const bin = postgresBinDir();
if (!bin && process.env.CI === 'true')
  throw new Error('PostgreSQL (initdb, postgres) is needed for the PostgreSQL store tests in CI');

let server: PostgresServer | undefined;
let serverStarting: Promise<PostgresServer> | undefined;
const getServer = () => {
  serverStarting ??= startPostgres(bin as string).then((s) => {
    server = s;
    return s;
  });
  return serverStarting;
};
afterAll(async () => {
  await server?.stop();
}, 30_000);

let schemas = 0;
const freshSchema = () => `t${process.pid}_${++schemas}`;
/** Opens a store on the test server; creates its tables unless `create` is false. */
const open = async (opts: Partial<PostgresStoreOptions> = {}, create = true): Promise<StateStore> => {
  const s = await getServer();
  const store = createPostgresStore({
    connection: { connectionString: s.url },
    schema: freshSchema(),
    pollMs: 200,
    ...opts,
  });
  if (create) await store.create();
  return store;
};

/** Runs one SQL statement as the test's superuser (to look at or tamper with what the store wrote). */
async function sql(text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: (await getServer()).url });
  client.on('error', () => undefined); // the server may end it (afterAll); the query rejects anyway
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!bin)('PostgreSQL store', () => {
  beforeAll(async () => {
    await getServer();
  }, 60_000);

  describeStoreContract('postgres', () => open());

  it('serializes writers of several instances (as several hosts): no lost update, no revision twice', async () => {
    const schema = freshSchema();
    const stores = await Promise.all([1, 2, 3].map(() => open({ schema })));
    const names = Array.from({ length: 30 }, (_, i) => `lb${i}`);
    const revisions = await Promise.all(
      names.map((n, i) => (stores[i % 3] as StateStore).put(makeRecord(n))),
    );
    expect(new Set(revisions).size).toBe(30);
    expect([...revisions].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const seen = await stores[1]!.list();
    expect(seen.revision).toBe(30);
    expect(seen.records.map((r) => r.record.name)).toEqual([...names].sort());
    // Two instances racing to create the same record: exactly one wins, the other gets CONFLICT.
    const race = await Promise.allSettled([
      stores[0]!.put(makeRecord('same', { port: 81 }), { expectedRevision: 0 }),
      stores[2]!.put(makeRecord('same', { port: 82 }), { expectedRevision: 0 }),
    ]);
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = race.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'CONFLICT' });
    expect(await stores[1]!.revision()).toBe(31);
    for (const s of stores) await s.close();
  });

  it('wakes a watcher in another instance by NOTIFY, well before its poll would', async () => {
    const schema = freshSchema();
    const writer = await open({ schema });
    const reader = await open({ schema, pollMs: 60_000 });
    await writer.list(); // tables exist
    let woken = 0;
    const stop = reader.watch(() => woken++);
    await until(async () => (await activeListeners(schema)) === 1);
    await until(() => woken === 1, 3000); // the one call when watching has started
    await writer.put(makeRecord('web'));
    await until(() => woken > 1, 3000);
    const seenByNotify = woken;
    await writer.putNodeReport(report('lb1', 1));
    await until(() => woken > seenByNotify, 3000);
    expect(await reader.listNodeReports()).toEqual([report('lb1', 1)]);
    stop();
    await writer.close();
    await reader.close();
  });

  it('tells a fresh watcher about a change committed while it was still connecting', async () => {
    const schema = freshSchema();
    const writer = await open({ schema });
    await writer.list(); // warm: its write commits before the reader's LISTEN is up
    const reader = await open({ schema, pollMs: 60_000 });
    let woken = 0;
    const stop = reader.watch(() => woken++);
    await writer.put(makeRecord('web'));
    await until(() => woken > 0, 3000);
    stop();
    await writer.close();
    await reader.close();
  });

  it('tells a watcher once per change after watching stops and starts again on the same connection', async () => {
    const schema = freshSchema();
    const writer = await open({ schema });
    const reader = await open({ schema, pollMs: 60_000 });
    await writer.list();
    let stop = reader.watch(() => undefined);
    await until(async () => (await activeListeners(schema)) === 1);
    stop();
    await until(async () => (await activeListeners(schema)) === 0);
    // The pool hands the same connection out again (it is the last one given back).
    let woken = 0;
    stop = reader.watch(() => woken++);
    await until(async () => (await activeListeners(schema)) === 1);
    await until(() => woken === 1, 3000); // the one call when watching has started
    await writer.put(makeRecord('web'));
    await until(() => woken > 1, 3000);
    await new Promise((r) => setTimeout(r, 300));
    expect(woken).toBe(2);
    stop();
    await writer.close();
    await reader.close();
  });

  it('survives losing its LISTEN connection: polling still wakes it, and it listens again', async () => {
    const schema = freshSchema();
    const writer = await open({ schema });
    const reader = await open({ schema, pollMs: 200 });
    await writer.list();
    let woken = 0;
    const stop = reader.watch(() => woken++);
    await until(async () => (await activeListeners(schema)) === 1);
    await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [
      `LISTEN "nlbkit_${schema}"`,
    ]);
    await writer.put(makeRecord('web'));
    await until(() => woken > 0, 5000);
    await until(async () => (await activeListeners(schema)) === 1, 10_000);
    const before = woken;
    await writer.put(makeRecord('api'));
    await until(() => woken > before, 5000);
    stop();
    await writer.close();
    await reader.close();
  });

  it('refuses a row edited to inject into nft, naming the row, and keeps serving the valid ones', async () => {
    const schema = freshSchema();
    const store = await open({ schema });
    await store.put(makeRecord('web'));
    await store.put(makeRecord('api'));
    const bad = makeRecord('web');
    bad.service.vip = '10.99.0.1; flush ruleset';
    await sql(`UPDATE "${schema}".records SET record = $1 WHERE name = 'web'`, [JSON.stringify(bad)]);
    await expect(store.list()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining("'web'"),
    });
    await expect(store.get('web')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await store.get('api'))?.record.name).toBe('api');
    // A record stored under another row's key is refused too.
    await sql(`UPDATE "${schema}".records SET record = $1 WHERE name = 'web'`, [
      JSON.stringify(makeRecord('api')),
    ]);
    await expect(store.get('web')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    // A node report that does not parse only informs: it is left out.
    await store.putNodeReport(report('lb1', 1));
    await sql(`INSERT INTO "${schema}".node_reports VALUES ('lb2', '{"node":"lb2"}')`);
    expect((await store.listNodeReports()).map((r) => r.node)).toEqual(['lb1']);
    await store.close();
  });

  it('answers an unchanged revision from its last validated list, as copies; a new revision reads and validates again', async () => {
    const schema = freshSchema();
    const store = await open({ schema });
    await store.put(makeRecord('web'));
    const first = await store.list();
    first.records[0]!.record.service.port = 1; // a caller's copy
    // A row changed behind the store's back (no revision bump) is not seen until the revision moves...
    const bad = makeRecord('web');
    bad.service.vip = '10.99.0.1; flush ruleset';
    await sql(`UPDATE "${schema}".records SET record = $1 WHERE name = 'web'`, [JSON.stringify(bad)]);
    const cached = await store.list();
    expect(cached.records[0]?.record.service).toMatchObject({ port: 80, vip: makeRecord('web').service.vip });
    // ...and then it is read, validated and refused.
    await store.put(makeRecord('api'));
    await expect(store.list()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining("'web'"),
    });
    await store.close();
  });

  it('reads a schema without its tables as missing, not empty, and creates them only in create()', async () => {
    const schema = freshSchema();
    const store = await open({ schema }, false);
    const expectMissing = () => expectStoreMissing(store, `no nlbkit store at postgres:${schema}`);
    await expectMissing();
    expect(await sql('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).toEqual([]);
    expect(await store.create()).toBe(true);
    expect(await store.create()).toBe(false);
    await store.put(makeRecord('web'));
    expect(await store.revision()).toBe(1);
    // Dropped under a running store (tables cached as present): missing again, not empty.
    await sql(`DROP TABLE "${schema}".records`);
    await expect(store.list()).rejects.toSatisfy(isStoreMissing);
    await sql(`DROP SCHEMA "${schema}" CASCADE`);
    await expectMissing();
    await store.close();
  });

  it('turns an unreachable server into UNAVAILABLE without the password', async () => {
    const store = createPostgresStore({
      connection: {
        connectionString: 'postgres://nlbkit:s3cret-pw@127.0.0.1:1/postgres',
        connectionTimeoutMillis: 2000,
      },
      schema: freshSchema(),
    });
    const error = await store.put(makeRecord('web')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect((error as Error).message).toMatch(/cannot connect to PostgreSQL/);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('s3cret-pw');
    expect(store.description).not.toContain('s3cret-pw');
    await store.close();
  });

  it('refuses tables written by a newer nlbkit (another table format) instead of guessing', async () => {
    const schema = freshSchema();
    const store = await open({ schema });
    await store.put(makeRecord('web'));
    await store.close();
    await sql(`UPDATE "${schema}".meta SET format = 2`);
    const newer = await open({ schema }, false);
    await expect(newer.create()).rejects.toMatchObject({ message: expect.stringContaining('format 2') });
    await expect(newer.list()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: false,
      message: expect.stringContaining('format 2'),
    });
    await newer.close();
  });

  it('serves agents and drivers that run as roles without CREATE, each with only the grants it needs', async () => {
    const schema = freshSchema();
    const admin = await open({ schema }); // the tables, made once by a role that may create them
    const q = `"${schema}"`;
    for (const statement of [
      `CREATE ROLE ${schema}_agent LOGIN`,
      `CREATE ROLE ${schema}_driver LOGIN`,
      `GRANT USAGE ON SCHEMA ${q} TO ${schema}_agent, ${schema}_driver`,
      `GRANT SELECT ON ${q}.meta, ${q}.records, ${q}.report_seq TO ${schema}_agent, ${schema}_driver`,
      `GRANT SELECT, INSERT, UPDATE ON ${q}.node_reports TO ${schema}_agent`,
      `GRANT UPDATE ON ${q}.report_seq TO ${schema}_agent`,
      `GRANT SELECT ON ${q}.node_reports TO ${schema}_driver`,
      `GRANT UPDATE ON ${q}.meta TO ${schema}_driver`,
      `GRANT INSERT, UPDATE, DELETE ON ${q}.records TO ${schema}_driver`,
    ])
      await sql(statement);
    const { host, port, database } = await getServer();
    const as = (user: string) =>
      createPostgresStore({ connection: { host, port, database, user }, schema, pollMs: 200 });
    const driver = as(`${schema}_driver`);
    const agent = as(`${schema}_agent`);
    let woken = 0;
    const stop = agent.watch(() => woken++);
    expect(await driver.put(makeRecord('web'), { expectedRevision: 0, expectedStoreRevision: 0 })).toBe(1);
    await until(() => woken > 0);
    expect((await agent.list()).records.map((r) => r.record.name)).toEqual(['web']);
    await agent.putNodeReport(report('lb1', 1));
    expect((await driver.listNodeReports()).map((r) => r.node)).toEqual(['lb1']);
    expect(await driver.delete('web')).toBe(true);
    // An agent's role cannot change desired state: the database says so, and nothing changes.
    await expect(agent.put(makeRecord('evil'))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('permission denied'),
    });
    expect(await admin.revision()).toBe(2);
    stop();
    for (const s of [agent, driver, admin]) await s.close();
  });

  it('names the missing pg package as a missing SDK is named, and a later call tries again', async () => {
    let imports = 0;
    const store = createPostgresStore({
      importer: async () => {
        imports += 1;
        throw new Error("Cannot find package 'pg'");
      },
    });
    await expect(store.list()).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: false,
      message: expect.stringContaining('npm install pg'),
    });
    await expect(store.revision()).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(imports).toBe(2);
    await store.close();
  });

  it('rejects a schema name that is not a plain identifier before connecting', () => {
    expect(() => createPostgresStore({ schema: 'x"; DROP TABLE y; --' })).toThrow(/lower-case identifier/);
    expect(() => createPostgresStore({ schema: 'Upper' })).toThrow(/lower-case identifier/);
  });

  it('gives every connection back on close, the LISTEN connection included', async () => {
    const schema = freshSchema();
    const before = await connections();
    const store = await open({ schema });
    const stop = store.watch(() => undefined);
    await store.put(makeRecord('web'));
    await until(async () => (await activeListeners(schema)) === 1);
    expect(await connections()).toBeGreaterThan(before);
    stop();
    await store.close();
    // At most as many as before (a connection another test left closing may be gone by now too).
    await until(async () => (await connections()) <= before);
  });
});

/** Client connections to the server other than the one asking. */
async function connections(): Promise<number> {
  const rows = await sql(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
  );
  return Number(rows[0]?.n);
}

/** Sessions listening on the store's channel for `schema`. */
async function activeListeners(schema: string): Promise<number> {
  const rows = await sql(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()',
    [`LISTEN "nlbkit_${schema}"`],
  );
  return Number(rows[0]?.n);
}

describe.skipIf(!bin)('PostgreSQL store with a pool of your own', () => {
  it('takes a pg.Pool as it is and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: (await getServer()).url, max: 2 });
    // As node-postgres asks: the server's shutdown (afterAll) may reach a connection end() is closing.
    pool.on('error', () => undefined);
    const store = createPostgresStore({ pool, schema: freshSchema() });
    expect(await store.create()).toBe(true);
    expect(await store.put(makeRecord('web'))).toBe(1);
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    await pool.end();
  });
});
