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
import type { ModuleImporter } from '../../common/load-package.js';
import { NLBError } from '../../interfaces/errors.js';
import { createPostgresLeases } from './postgres-leases.js';
import {
  lazyPool,
  type PgClientLike,
  type PgPoolLike,
  type PostgresConnectionOptions,
  safeMessage,
  unavailable,
} from './postgres-pool.js';
import {
  checkFormat,
  createTables,
  existingFormat,
  isMissingTable,
  type PostgresTables,
} from './postgres-schema.js';
import { createPostgresWatch } from './postgres-watch.js';
import { checkWriteOptions } from './state-document.js';
import { storeMissing } from './store-errors.js';
import { checkNodeName, nlbRecordSchema, nodeReportSchema } from './store-schema.js';
import type { NLBRecord, NodeReport, StateStore, StoredRecord, WriteOptions } from './types.js';

export {
  PG_PACKAGE,
  type PgClientLike,
  type PgPoolLike,
  type PostgresConnectionOptions,
} from './postgres-pool.js';

/** A schema name nlbkit may interpolate into SQL: plain lower-case identifier. */
export const PG_SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;

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
  /** Replaces `import()` of `pg` (tests pretend the package is missing). Default: `import()`. */
  importer?: ModuleImporter | undefined;
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
  const tables: PostgresTables = {
    schema,
    channel: `nlbkit_${schema}`,
    t: (table: string) => `"${schema}"."${table}"`,
  };
  const { channel, t } = tables;
  const openPool = lazyPool(options);
  let opened = false;
  const getPool = () => {
    opened = true;
    return openPool();
  };

  const missing = () =>
    storeMissing(
      `postgres:${schema}`,
      `schema "${schema}" holds no nlbkit tables (never created, or dropped)`,
      `nlbkit store init postgres:${schema}`,
    );

  let ready: Promise<void> | undefined;
  /** Checks once that the tables exist and are of our format (agents' roles need no CREATE for it). */
  const init = () => {
    ready ??= (async () => {
      const found = await existingFormat(getPool, tables);
      if (found === undefined) throw missing();
      checkFormat(tables, found);
    })();
    ready.catch(() => {
      ready = undefined; // try again on the next call (the server may come up later)
    });
    return ready;
  };

  /** Creates the schema and tables unless they exist; true if this call made the store. */
  const create = async (): Promise<boolean> => {
    const found = await existingFormat(getPool, tables);
    if (found !== undefined) {
      checkFormat(tables, found);
      return false;
    }
    return transaction((c) => createTables(c, tables), false);
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

  const watcher = createPostgresWatch({ tables, pool: getPool, init, query, pollMs });
  /** The last full list, by the revision it was read at. */
  let listed: { revision: number; records: StoredRecord[] } | undefined;
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
    watch: (listener) => watcher.watch(listener),
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
      await watcher.close();
      if (!options.pool && opened) {
        const pool = await getPool().catch(() => undefined);
        await pool?.end().catch(() => undefined);
      }
    },
  };
}
