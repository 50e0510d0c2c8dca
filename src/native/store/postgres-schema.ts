/**
 * The PostgreSQL store's tables: their format, whether a schema holds them, and making them. Only
 * `create()` runs DDL; every other call only reads the format, so agents' roles need no CREATE.
 */
import { NLBError } from '../../interfaces/errors.js';
import { type PgClientLike, type PgPoolLike, safeMessage, unavailable } from './postgres-pool.js';

/** The table layout this version writes; a schema with a higher one was written by a newer nlbkit. */
export const TABLE_FORMAT = 1;

/** Whether a query error says the tables (or the schema) are gone: undefined table or schema. */
export const isMissingTable = (e: unknown) => {
  const code = (e as { code?: unknown }).code;
  return code === '42P01' || code === '3F000';
};

/** The tables of one schema, named and quoted: `t('meta')` is `"nlbkit"."meta"`. */
export interface PostgresTables {
  schema: string;
  t(table: string): string;
  /** The NOTIFY channel of the schema's changes. */
  channel: string;
}

/** Fails unless `format` is the one this nlbkit reads. */
export function checkFormat({ schema }: PostgresTables, format: number): void {
  if (format !== TABLE_FORMAT)
    throw unavailable(
      `schema "${schema}" holds nlbkit tables of format ${format}; this nlbkit reads format ${TABLE_FORMAT} (upgrade nlbkit, or use another schema)`,
      undefined,
      false,
    );
}

/** The tables' format, or undefined when they do not exist yet (no DDL, so no CREATE privilege needed). */
export async function existingFormat(pool: () => Promise<PgPoolLike>, { t }: PostgresTables) {
  try {
    const rows = (await (await pool()).query(`SELECT format FROM ${t('meta')} WHERE id = 1`)).rows;
    return rows[0] ? Number(rows[0].format) : undefined;
  } catch (e) {
    if (isMissingTable(e)) return undefined;
    if (e instanceof NLBError) throw e;
    const code = (e as { code?: unknown }).code;
    const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
    throw unavailable(`${sqlState ? 'PostgreSQL' : 'cannot connect to PostgreSQL'}: ${safeMessage(e)}`, e);
  }
}

/** Makes the schema and tables unless they exist, in the caller's transaction; true if this made them. */
export async function createTables(c: PgClientLike, tables: PostgresTables): Promise<boolean> {
  const { schema, t, channel } = tables;
  // Serializes first-time creation across processes (CREATE ... IF NOT EXISTS alone can race).
  await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [channel]);
  await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await c.query(
    `CREATE TABLE IF NOT EXISTS ${t('meta')} (id int PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL, format int NOT NULL)`,
  );
  const made = await c.query(`INSERT INTO ${t('meta')} VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING`, [
    TABLE_FORMAT,
  ]);
  checkFormat(
    tables,
    Number((await c.query(`SELECT format FROM ${t('meta')} WHERE id = 1`)).rows[0]?.format),
  );
  await c.query(
    `CREATE TABLE IF NOT EXISTS ${t('records')} (name text PRIMARY KEY, revision bigint NOT NULL, record jsonb NOT NULL)`,
  );
  await c.query(
    `CREATE TABLE IF NOT EXISTS ${t('node_reports')} (node text PRIMARY KEY, report jsonb NOT NULL)`,
  );
  // Bumped by every report write (no lock, unlike the revision), so polling sees reports change.
  await c.query(`CREATE SEQUENCE IF NOT EXISTS ${t('report_seq')}`);
  return made.rowCount === 1;
}
