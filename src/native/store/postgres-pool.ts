/**
 * The PostgreSQL store's connections: the subset of node-postgres it uses (so nlbkit's types need
 * neither `pg` nor `@types/pg`), the pool made on first use with `pg` loaded like any driver's SDK,
 * and errors that never carry a secret.
 */
import { loadPackage, type ModuleImporter } from '../../common/load-package.js';
import { retryingOnce } from '../../common/retrying-once.js';
import { stripUndefined } from '../../common/strip-undefined.js';
import { NLBError } from '../../interfaces/errors.js';

/** The npm package this store needs. */
export const PG_PACKAGE = 'pg';

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

/** A NOTIFY as node-postgres delivers it. */
export type Notification = { channel: string; payload?: string | undefined };

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

/** The store's UNAVAILABLE error (retryable unless said otherwise). */
export const unavailable = (message: string, cause?: unknown, retryable = true) =>
  new NLBError({ code: 'UNAVAILABLE', driver: 'native', operation: 'store', message, cause, retryable });

/**
 * What a failed query says, without anything that could hold a secret: PostgreSQL's own message and
 * SQLSTATE, or the socket error's code. (pg's connection errors never include the password; the
 * connection string is never part of a message here.)
 */
export function safeMessage(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? ` (${err.code})` : '';
  const message = typeof err.message === 'string' ? err.message : String(e);
  return `${message.replace(/postgres(ql)?:\/\/\S+/gi, '<connection string>')}${code}`;
}

/**
 * The store's pool, made on first use: the caller's, or a new `pg.Pool`. A missing `pg` is reported
 * as a missing SDK is (PROVIDER_ERROR naming the npm line), and a later call tries again.
 */
export function lazyPool(options: {
  pool?: PgPoolLike | undefined;
  connection?: PostgresConnectionOptions | undefined;
  importer?: ModuleImporter | undefined;
}): () => Promise<PgPoolLike> {
  return retryingOnce(async () => {
    if (options.pool) return options.pool;
    type PoolClass = new (config: PostgresConnectionOptions) => PgPoolLike;
    const pg = await loadPackage<{ default?: { Pool?: PoolClass }; Pool?: PoolClass }>(
      'native',
      'native',
      PG_PACKAGE,
      'store',
      options.importer,
      ' for its PostgreSQL store',
    );
    const PoolClass = pg.Pool ?? pg.default?.Pool;
    if (!PoolClass) throw unavailable(`the package '${PG_PACKAGE}' has no Pool`, undefined, false);
    const pool = new PoolClass({ max: 4, ...stripUndefined(options.connection ?? {}) });
    // A connection the server ends (restart, pg_terminate_backend) emits 'error' whether or not it
    // is in use; with no listener that is an uncaught exception. Queries still reject on their own,
    // so every connection of the store gets a listener that ignores the event.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  });
}
