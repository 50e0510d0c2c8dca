/**
 * Leases in PostgreSQL (see lease-types.ts): one row per lease in `<schema>.leases`, with an expiry
 * that only the database's clock sets and compares (`now()`), so hosts with skewed clocks agree. A take
 * or renew is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired OR same holder` statement: the row
 * lock makes racing holders queue, and each sees the winner's committed row.
 */
import { checkLeaseArgs, checkLeasePrefix, type Lease, type LeaseStore } from './lease-types.js';

/** What the lease table needs of the store: one statement at a time, errors already made safe. */
export type PgQuery = (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Options of {@link createPostgresLeases}. */
export interface PostgresLeasesOptions {
  query: PgQuery;
  /** The quoted, schema-qualified table name, e.g. `"nlbkit"."leases"`. */
  table: string;
}

/** Columns every answer selects: the remaining time is computed by the database too. */
const COLUMNS = `name, holder, data, greatest(0, round(extract(epoch FROM (expires - now())) * 1000))::bigint AS remaining_ms`;

const toLease = (row: Record<string, unknown>): Lease => ({
  name: String(row.name),
  holder: String(row.holder),
  remainingMs: Number(row.remaining_ms),
  ...(typeof row.data === 'string' ? { data: row.data } : {}),
});

/**
 * Creates the PostgreSQL {@link LeaseStore}; the table is created on first use (tables of an older
 * nlbkit gain it then, which needs CREATE on the schema once).
 */
export function createPostgresLeases({ query, table }: PostgresLeasesOptions): LeaseStore {
  let ready: Promise<void> | undefined;
  const ensure = () => {
    ready ??= query(
      `CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, holder text NOT NULL, expires timestamptz NOT NULL, data text)`,
    ).then(
      () => undefined,
      (e: unknown) => {
        ready = undefined;
        // Two processes creating it at once: one of them reports a duplicate; the table exists.
        if (!/already exists|duplicate key/i.test(e instanceof Error ? e.message : String(e))) throw e;
      },
    );
    return ready;
  };
  return {
    acquireLease: async (name, holder, ttlMs, data) => {
      checkLeaseArgs(name, holder, ttlMs, data);
      await ensure();
      // The row the statement wrote, or else (held by another) the row as it stands; one snapshot of
      // the statement, so a lease taken and released meanwhile may show neither. An expired row in
      // that snapshot is not shown: a racer that just renewed it is the holder, not its old one.
      const rows = await query(
        `WITH taken AS (
           INSERT INTO ${table} AS l (name, holder, expires, data)
           VALUES ($1, $2, now() + $3 * interval '1 millisecond', $4)
           ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires = EXCLUDED.expires, data = EXCLUDED.data
            WHERE l.expires <= now() OR l.holder = EXCLUDED.holder
           RETURNING ${COLUMNS})
         SELECT true AS acquired, * FROM taken
         UNION ALL
         SELECT false, ${COLUMNS} FROM ${table} WHERE name = $1 AND expires > now() AND NOT EXISTS (SELECT 1 FROM taken)`,
        [name, holder, ttlMs, data ?? null],
      );
      const row = rows[0];
      return row ? { acquired: row.acquired === true, lease: toLease(row) } : { acquired: false };
    },
    releaseLease: async (name, holder) => {
      checkLeaseArgs(name, holder);
      await ensure();
      const rows = await query(
        `DELETE FROM ${table} WHERE name = $1 AND holder = $2 AND expires > now() RETURNING name`,
        [name, holder],
      );
      return rows.length > 0;
    },
    listLeases: async (prefix) => {
      checkLeasePrefix(prefix);
      await ensure();
      const rows = await query(
        `SELECT ${COLUMNS} FROM ${table} WHERE starts_with(name, $1) AND expires > now() ORDER BY name COLLATE "C"`,
        [prefix],
      );
      return rows.map(toLease);
    },
  };
}
