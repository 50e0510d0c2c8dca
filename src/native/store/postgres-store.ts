/**
 * A StateStore in PostgreSQL, for drivers and agents on different hosts (the file store needs one
 * shared directory). Three tables in their own schema:
 *
 *   <schema>.meta          one row: the store revision and the table format
 *   <schema>.records       name -> (revision, record jsonb)
 *   <schema>.node_reports  node -> report jsonb
 *   <schema>.report_seq    a sequence bumped by every report write (what polling watches besides meta)
 *   <schema>.leases        name -> (holder, expires, data): leases (postgres-leases.ts), made on first use
 *
 * Every put and delete first bumps the revision row (`UPDATE ... RETURNING`), which holds that row's
 * lock until commit: writers from any number of processes are serialized there, so revisions are
 * gap-free and increasing, and the `expectedRevision` check that follows sees every earlier commit
 * (READ COMMITTED takes a new snapshot per statement). A failed check rolls the bump back. Reads are
 * single statements, so a list is one consistent snapshot. Changes are announced with NOTIFY; a
 * watcher LISTENs on a connection of its own and also polls the revision (slowly) in case a
 * notification was lost while that connection was down.
 *
 * Everything read back is validated with the same schemas as the file store (rows may have been edited
 * by hand or written by another version, and agents feed them to nft). `pg` is loaded lazily: it is an
 * optional peer dependency, needed only by users of this store.
 */
import { stripUndefined } from '../../common/strip-undefined.js';
import { NLBError } from '../../interfaces/errors.js';
import { createPostgresLeases } from './postgres-leases.js';
import { checkWriteOptions } from './state-document.js';
import { storeMissing } from './store-errors.js';
import { checkNodeName, nlbRecordSchema, nodeReportSchema } from './store-schema.js';
import type { NLBRecord, NodeReport, StateStore, StoredRecord, WriteOptions } from './types.js';

/** The npm package this store needs. */
export const PG_PACKAGE = 'pg';

/** A schema name nlbkit may interpolate into SQL: plain lower-case identifier. */
export const PG_SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;

/** The table layout this version writes; a schema with a higher one was written by a newer nlbkit. */
const TABLE_FORMAT = 1;

/**
 * node-postgres pool settings, passed as they are to `new pg.Pool()` (the common ones typed here, so
 * nlbkit's types need neither `pg` nor `@types/pg`).
 */
export interface PostgresConnectionOptions {
  connectionString?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  password?: string | (() => string | Promise<string>) | undefined;
  database?: string | undefined;
  ssl?: boolean | Record<string, unknown> | undefined;
  /** Pool size; default 4. */
  max?: number | undefined;
  connectionTimeoutMillis?: number | undefined;
  idleTimeoutMillis?: number | undefined;
  [setting: string]: unknown;
}

type Notification = { channel: string; payload?: string | undefined };

/** What the store uses of a node-postgres client (a `pg.PoolClient` is one). */
export interface PgClientLike {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  release(destroy?: boolean): void;
  on(event: 'notification', listener: (n: Notification) => void): unknown;
  on(event: 'error' | 'end', listener: () => void): unknown;
  removeListener(event: 'notification', listener: (n: Notification) => void): unknown;
  removeListener(event: 'error' | 'end', listener: () => void): unknown;
}

/** What the store uses of a node-postgres pool (a `pg.Pool` is one). */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (e: Error) => void): unknown;
  on(event: 'connect', listener: (client: PgClientLike) => void): unknown;
}

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * How to connect: node-postgres pool settings (`connectionString`, or `host`, `user`, `database`,
   * `password`, `ssl`...). Omitted: the standard `PG*` environment variables (PGHOST, PGUSER,
   * PGPASSWORD, PGDATABASE...). Credentials never appear in errors or in `description`.
   */
  connection?: PostgresConnectionOptions | undefined;
  /**
   * Use this pool instead (the store does not end it on close). As node-postgres asks of every pool,
   * give it an `'error'` listener: a server that shuts down sends an error even to connections that
   * are being closed, and without a listener that is an uncaught exception.
   */
  pool?: PgPoolLike | undefined;
  /**
   * Schema of nlbkit's tables. Default `nlbkit`. Only `create()` makes them (the native driver calls it
   * before its first write; `nlbkit store init postgres[:schema]` is the command): every other call on
   * a schema without them fails with UNAVAILABLE (`isStoreMissing`), never reads it as empty.
   */
  schema?: string | undefined;
  /** Watchers also poll the revision this often (ms), in case a notification was missed. Default 5000. */
  pollMs?: number | undefined;
  /** Replaces `import()` of `pg` (tests pretend the package is missing). */
  importer?: ((name: string) => Promise<unknown>) | undefined;
}

const unavailable = (message: string, cause?: unknown, retryable = true) =>
  new NLBError({ code: 'UNAVAILABLE', driver: 'native', operation: 'store', message, cause, retryable });

/**
 * What a failed query says, without anything that could hold a secret: PostgreSQL's own message and
 * SQLSTATE, or the socket error's code. (pg's connection errors never include the password; the
 * connection string is never part of a message here.)
 */
function safeMessage(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? ` (${err.code})` : '';
  const message = typeof err.message === 'string' ? err.message : String(e);
  return `${message.replace(/postgres(ql)?:\/\/\S+/gi, '<connection string>')}${code}`;
}

/**
 * Opens a store in PostgreSQL. Tables are created by `create()` only (idempotent, safe from many
 * processes); opening connects to nothing until the first call.
 *
 * @example
 * const store = createPostgresStore({ connection: { connectionString: process.env.DATABASE_URL } });
 * const driver = createNativeDriver({ store, vipPool: { ranges: ['10.99.0.0/24'] },
 *   vmInventory: { web1: { ipv4: '10.0.0.11' } } });
 */
export function createPostgresStore(options: PostgresStoreOptions = {}): StateStore {
  const schema = options.schema ?? 'nlbkit';
  if (!PG_SCHEMA_PATTERN.test(schema))
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'native',
      operation: 'store',
      message: `schema '${schema}' must be a lower-case identifier (letters, digits, '_'; at most 41)`,
    });
  const pollMs = options.pollMs ?? 5000;
  const channel = `nlbkit_${schema}`;
  const t = (table: string) => `"${schema}"."${table}"`;
  const importer = options.importer ?? ((name: string) => import(name));

  let poolPromise: Promise<PgPoolLike> | undefined;
  const getPool = () => {
    poolPromise ??= (async () => {
      if (options.pool) return options.pool;
      type PoolClass = new (config: PostgresConnectionOptions) => PgPoolLike;
      let pg: { default?: { Pool?: PoolClass | undefined } | undefined; Pool?: PoolClass | undefined };
      try {
        pg = (await importer(PG_PACKAGE)) as typeof pg;
      } catch (e) {
        throw unavailable(
          `the PostgreSQL store needs the package '${PG_PACKAGE}'; install it with: npm install ${PG_PACKAGE}`,
          e,
          false,
        );
      }
      const PoolClass = pg.Pool ?? pg.default?.Pool;
      if (!PoolClass) throw unavailable(`the package '${PG_PACKAGE}' has no Pool`, undefined, false);
      const pool = new PoolClass({ max: 4, ...stripUndefined(options.connection ?? {}) });
      // A connection the server ends (restart, pg_terminate_backend) emits 'error' whether or not it
      // is in use; with no listener that is an uncaught exception. Queries still reject on their own,
      // so every connection of the store gets a listener that ignores the event.
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      return pool;
    })();
    return poolPromise;
  };

  const checkFormat = (format: number) => {
    if (format !== TABLE_FORMAT)
      throw unavailable(
        `schema "${schema}" holds nlbkit tables of format ${format}; this nlbkit reads format ${TABLE_FORMAT} (upgrade nlbkit, or use another schema)`,
        undefined,
        false,
      );
  };

  /** The tables' format, or undefined when they do not exist yet (no DDL, so no CREATE privilege needed). */
  const existingFormat = async (): Promise<number | undefined> => {
    try {
      const rows = (await (await getPool()).query(`SELECT format FROM ${t('meta')} WHERE id = 1`)).rows;
      return rows[0] ? Number(rows[0].format) : undefined;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === '42P01' || code === '3F000') return undefined; // undefined table / schema
      if (e instanceof NLBError) throw e;
      const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
      throw unavailable(`${sqlState ? 'PostgreSQL' : 'cannot connect to PostgreSQL'}: ${safeMessage(e)}`, e);
    }
  };

  const missing = () =>
    storeMissing(
      `postgres:${schema}`,
      `schema "${schema}" holds no nlbkit tables (never created, or dropped)`,
      `nlbkit store init postgres:${schema}`,
    );
  /** A query error that says the tables (or the schema) are gone. */
  const isMissingTable = (e: unknown) => {
    const code = (e as { code?: unknown }).code;
    return code === '42P01' || code === '3F000';
  };

  let ready: Promise<void> | undefined;
  /** Checks once that the tables exist and are of our format (agents' roles need no CREATE for it). */
  const init = () => {
    ready ??= (async () => {
      const found = await existingFormat();
      if (found === undefined) throw missing();
      checkFormat(found);
    })();
    ready.catch(() => {
      ready = undefined; // try again on the next call (the server may come up later)
    });
    return ready;
  };

  /** Creates the schema and tables unless they exist; true if this call made the store. */
  const create = async (): Promise<boolean> => {
    const found = await existingFormat();
    if (found !== undefined) {
      checkFormat(found);
      return false;
    }
    return transaction(async (c) => {
      // Serializes first-time creation across processes (CREATE ... IF NOT EXISTS alone can race).
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [channel]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${t('meta')} (id int PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL, format int NOT NULL)`,
      );
      const made = await c.query(`INSERT INTO ${t('meta')} VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING`, [
        TABLE_FORMAT,
      ]);
      checkFormat(Number((await c.query(`SELECT format FROM ${t('meta')} WHERE id = 1`)).rows[0]?.format));
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${t('records')} (name text PRIMARY KEY, revision bigint NOT NULL, record jsonb NOT NULL)`,
      );
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${t('node_reports')} (node text PRIMARY KEY, report jsonb NOT NULL)`,
      );
      // Bumped by every report write (no lock, unlike the revision), so polling sees reports change.
      await c.query(`CREATE SEQUENCE IF NOT EXISTS ${t('report_seq')}`);
      return made.rowCount === 1;
    }, false);
  };

  async function transaction<T>(work: (c: PgClientLike) => Promise<T>, needInit = true): Promise<T> {
    if (needInit) await init();
    let client: PgClientLike;
    try {
      client = await (await getPool()).connect();
    } catch (e) {
      if (e instanceof NLBError) throw e;
      throw unavailable(`cannot connect to PostgreSQL: ${safeMessage(e)}`, e);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      // A ROLLBACK that fails means the connection is gone: discard it rather than pool it.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      if (e instanceof NLBError) throw e;
      if (isMissingTable(e)) {
        ready = undefined;
        throw missing();
      }
      throw unavailable(`PostgreSQL: ${safeMessage(e)}`, e);
    } finally {
      client.release(broken);
    }
  }

  async function query(text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
    await init();
    try {
      return (await (await getPool()).query(text, values)).rows as Record<string, unknown>[];
    } catch (e) {
      if (e instanceof NLBError) throw e;
      // Dropped while we ran: the store is gone, not empty.
      if (isMissingTable(e)) {
        ready = undefined;
        throw missing();
      }
      throw unavailable(`PostgreSQL: ${safeMessage(e)}`, e);
    }
  }

  const toStored = (row: Record<string, unknown>): StoredRecord => {
    const parsed = nlbRecordSchema.safeParse(row.record);
    if (!parsed.success || parsed.data.name !== row.name)
      throw unavailable(
        `${t('records')} row '${String(row.name)}' is not a valid nlbkit record: ${parsed.error?.issues[0]?.message ?? 'its name differs from the row key'}`,
        undefined,
        false,
      );
    return { revision: Number(row.revision), record: parsed.data as unknown as NLBRecord };
  };

  /** Bumps the revision (taking the writers' lock), then checks the write's expectations for `name`. */
  async function lockAndCheck(c: PgClientLike, name: string, opts?: WriteOptions): Promise<number> {
    const bumped = await c.query(
      `UPDATE ${t('meta')} SET revision = revision + 1 WHERE id = 1 RETURNING revision`,
    );
    const revision = Number(bumped.rows[0]?.revision);
    let recordRevision = 0;
    if (opts?.expectedRevision !== undefined) {
      const cur = await c.query(`SELECT revision FROM ${t('records')} WHERE name = $1`, [name]);
      recordRevision = cur.rows[0] ? Number(cur.rows[0].revision) : 0;
    }
    checkWriteOptions(name, revision - 1, recordRevision, opts);
    return revision;
  }

  const listeners = new Set<() => void>();
  const notifyListeners = () => {
    for (const l of [...listeners]) queueMicrotask(l);
  };
  /** The connection holding the LISTEN, and how to take the store's listeners off it again. */
  let listening: { client: PgClientLike; detach(): void } | undefined;
  let poller: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;

  let connecting: Promise<void> | undefined;
  const listen = () => {
    if (listening || connecting || closed || listeners.size === 0) return connecting ?? Promise.resolve();
    connecting = (async () => {
      let client: PgClientLike | undefined;
      try {
        await init();
        client = await (await getPool()).connect();
        const mine = client;
        const onNotification = (n: Notification) => {
          if (n.channel === channel) notifyListeners();
        };
        const lost = () => {
          if (listening?.client !== mine) return;
          listening = undefined;
          mine.release(true);
          // Changes may have been missed while the connection was down: tell watchers once it is back.
          scheduleListen(true);
        };
        // A pool of the caller's may not guard its connections (see getPool): while the store holds
        // this one, it is guarded here; a connection thrown away keeps the guard.
        const ignore = () => undefined;
        mine.on('notification', onNotification);
        mine.on('error', lost);
        mine.on('end', lost);
        mine.on('error', ignore);
        // A connection given back to the pool may be handed out again: without its old listeners,
        // or a later watch would get every notification twice (and listeners would pile up).
        const detach = () => {
          mine.removeListener('notification', onNotification);
          mine.removeListener('error', lost);
          mine.removeListener('end', lost);
          mine.removeListener('error', ignore);
        };
        await mine.query(`LISTEN "${channel}"`);
        if (closed || listeners.size === 0) {
          mine.release(true);
          return;
        }
        listening = { client: mine, detach };
      } catch {
        client?.release(true);
        scheduleListen(true);
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };
  const scheduleListen = (thenNotify: boolean) => {
    if (retryTimer || closed || listeners.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void listen().then(() => {
        if (thenNotify && listening) notifyListeners();
      });
    }, 1000);
    retryTimer.unref();
  };
  let lastSeen: string | undefined;
  /** The last full list, by the revision it was read at. */
  let listed: { revision: number; records: StoredRecord[] } | undefined;
  const poll = async () => {
    try {
      // (A fresh sequence's first nextval keeps last_value at 1 and only sets is_called.)
      const rows = await query(
        `SELECT m.revision, s.last_value, s.is_called FROM ${t('meta')} m, ${t('report_seq')} s`,
      );
      const seen = `${rows[0]?.revision}/${rows[0]?.last_value}/${rows[0]?.is_called}`;
      if (lastSeen !== undefined && seen !== lastSeen) notifyListeners();
      lastSeen = seen;
    } catch {
      // The next poll tries again; the agent's own loop reports unreachable stores.
    }
  };
  const startWatching = () => {
    const starting = !listening && !connecting;
    const started = listen();
    // A change committed while the LISTEN was being set up would go unseen (and the first poll takes
    // the state after it as its baseline): tell the watchers once the LISTEN is up.
    if (starting)
      void started.then(() => {
        if (listening) notifyListeners();
      });
    if (!poller) {
      void poll();
      poller = setInterval(() => void poll(), pollMs);
      poller.unref();
    }
  };
  const stopWatching = async () => {
    if (poller) clearInterval(poller);
    if (retryTimer) clearTimeout(retryTimer);
    poller = retryTimer = undefined;
    lastSeen = undefined;
    await connecting;
    const held = listening;
    listening = undefined;
    // The connection goes back to the pool without its LISTEN, or is discarded if UNLISTEN fails.
    if (held)
      await held.client.query(`UNLISTEN "${channel}"`).then(
        () => {
          held.detach();
          held.client.release();
        },
        () => held.client.release(true),
      );
  };

  const announce = (c: PgClientLike) => c.query('SELECT pg_notify($1, $2)', [channel, '']);

  return {
    description: `postgres:${schema}`,
    create,
    get: async (name) => {
      const rows = await query(`SELECT name, revision, record FROM ${t('records')} WHERE name = $1`, [name]);
      return rows[0] ? toStored(rows[0]) : undefined;
    },
    list: async () => {
      // Every write bumps the revision, so an unchanged revision means unchanged records: answer from
      // the last (validated) list instead of fetching and validating every row again.
      if (listed) {
        const revision = Number(
          (await query(`SELECT revision FROM ${t('meta')} WHERE id = 1`))[0]?.revision ?? 0,
        );
        if (revision === listed.revision) return structuredClone(listed);
      }
      // One statement: the revision and the records come from one snapshot.
      const rows = await query(
        `SELECT m.revision AS store_revision, r.name, r.revision, r.record
           FROM ${t('meta')} m LEFT JOIN ${t('records')} r ON true
          WHERE m.id = 1 ORDER BY r.name COLLATE "C"`,
      );
      const revision = Number(rows[0]?.store_revision ?? 0);
      listed = { revision, records: rows.filter((r) => r.name !== null).map(toStored) };
      return structuredClone(listed);
    },
    put: (record: NLBRecord, opts?: WriteOptions) =>
      transaction(async (c) => {
        const revision = await lockAndCheck(c, record.name, opts);
        await c.query(
          `INSERT INTO ${t('records')} (name, revision, record) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET revision = EXCLUDED.revision, record = EXCLUDED.record`,
          [record.name, revision, JSON.stringify(record)],
        );
        await announce(c);
        return revision;
      }),
    delete: (name: string, opts?: WriteOptions) =>
      transaction(async (c) => {
        await lockAndCheck(c, name, opts);
        const gone = await c.query(`DELETE FROM ${t('records')} WHERE name = $1`, [name]);
        if (gone.rowCount === 0) {
          // A delete of nothing changes nothing: take the bump back (this transaction holds the lock).
          await c.query(`UPDATE ${t('meta')} SET revision = revision - 1 WHERE id = 1`);
          return false;
        }
        await announce(c);
        return true;
      }),
    revision: async () => {
      const rows = await query(`SELECT revision FROM ${t('meta')} WHERE id = 1`);
      return Number(rows[0]?.revision ?? 0);
    },
    watch: (listener) => {
      listeners.add(listener);
      startWatching();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) void stopWatching();
      };
    },
    leases: createPostgresLeases({ query, table: t('leases') }),
    putNodeReport: async (report: NodeReport) => {
      checkNodeName(report.node);
      await transaction(async (c) => {
        await c.query(`SELECT nextval('${t('report_seq')}')`);
        await c.query(
          `INSERT INTO ${t('node_reports')} (node, report) VALUES ($1, $2)
           ON CONFLICT (node) DO UPDATE SET report = EXCLUDED.report`,
          [report.node, JSON.stringify(report)],
        );
        await announce(c);
      });
    },
    listNodeReports: async () => {
      const rows = await query(`SELECT node, report FROM ${t('node_reports')} ORDER BY node COLLATE "C"`);
      const out: NodeReport[] = [];
      for (const row of rows) {
        const parsed = nodeReportSchema.safeParse(row.report);
        // A report that does not parse is ignored, as in the file store: it only informs.
        if (parsed.success && parsed.data.node === row.node) out.push(parsed.data as NodeReport);
      }
      return out;
    },
    close: async () => {
      closed = true;
      listeners.clear();
      await stopWatching();
      if (!options.pool && poolPromise) {
        const pool = await poolPromise.catch(() => undefined);
        await pool?.end().catch(() => undefined);
      }
    },
  };
}
