/**
 * The PostgreSQL store's errors hold no password: planted in the connection string, in the options
 * (as a string and as a function), every error it produces (server unreachable, database refused,
 * a failed statement) is walked whole, cause chain and hidden properties included, and inspected with
 * `util.inspect(showHidden, depth: Infinity)`. Against a real, throwaway server (trust authentication,
 * so a planted password is accepted and the errors come from PostgreSQL itself). Skips without
 * PostgreSQL locally; fails in CI.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNLBError } from '../../src/interfaces/errors.js';
import {
  createPostgresStore,
  type PostgresConnectionOptions,
} from '../../src/native/store/postgres-store.js';
import { secretsReachable } from '../drivers/secret-walk.js';
import { type PostgresServer, postgresBinDir, startPostgres } from './postgres-server.js';
import { makeRecord } from './store-record.js';

const bin = postgresBinDir();
if (!bin && process.env.CI === 'true')
  throw new Error('PostgreSQL (initdb, postgres) is needed for the PostgreSQL store tests in CI');

const PASSWORD = 'planted-pg-password-Xk29q';
let server: PostgresServer;
let schemas = 0;
const freshSchema = () => `secrets${process.pid}_${++schemas}`;

/** The error `work` rejects with, checked to be an NLBError with no planted secret reachable. */
async function expectCleanError(work: Promise<unknown>, code: string): Promise<void> {
  const error = await work.then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(isNLBError(error), String(error)).toBe(true);
  expect(error).toMatchObject({ code });
  expect(secretsReachable(error, [PASSWORD])).toEqual([]);
}

describe.skipIf(!bin)('PostgreSQL store: no password in any error', () => {
  beforeAll(async () => {
    server = await startPostgres(bin as string);
  }, 60_000);
  afterAll(() => server?.stop(), 30_000);

  const withPassword = (db = server.database): PostgresConnectionOptions[] => [
    { connectionString: `postgres://${server.user}:${PASSWORD}@${server.host}:${server.port}/${db}` },
    { host: server.host, port: server.port, user: server.user, database: db, password: PASSWORD },
    { host: server.host, port: server.port, user: server.user, database: db, password: () => PASSWORD },
  ];

  it('the server is unreachable', async () => {
    for (const connection of withPassword()) {
      const unreachable = { ...connection, port: 1, connectionTimeoutMillis: 2000 };
      if (connection.connectionString)
        unreachable.connectionString = connection.connectionString.replace(`:${server.port}/`, ':1/');
      const store = createPostgresStore({ connection: unreachable, schema: freshSchema() });
      await expectCleanError(store.put(makeRecord('web')), 'UNAVAILABLE');
      await store.close();
    }
  });

  it('the server refuses the database', async () => {
    for (const connection of withPassword('no_such_database')) {
      const store = createPostgresStore({ connection, schema: freshSchema() });
      await expectCleanError(store.list(), 'UNAVAILABLE');
      await store.close();
    }
  });

  it('a statement fails (its table was dropped by hand)', async () => {
    for (const connection of withPassword()) {
      const schema = freshSchema();
      const store = createPostgresStore({ connection, schema });
      await store.create();
      await store.put(makeRecord('web'));
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`DROP TABLE "${schema}".records`);
      await admin.end();
      await expectCleanError(store.list(), 'UNAVAILABLE');
      await expectCleanError(store.put(makeRecord('api')), 'UNAVAILABLE');
      await store.close();
    }
  });
});
