/**
 * The `--store` value of `nlbkit agent` and `nlbkit status`, and the option parsers they share: a
 * directory (the file store) or `postgres[:<schema>]` (the PostgreSQL store). PostgreSQL connection settings come from the standard `PG*` environment variables
 * (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE...), never from the command line, where
 * every user of the host could read a password.
 */
import { InvalidArgumentError } from 'commander';
import { createFileStore } from '../native/store/file-store.js';
import { createPostgresStore, PG_SCHEMA_PATTERN } from '../native/store/postgres-store.js';
import type { StateStore } from '../native/store/types.js';

/** Where the agent's desired state lives. */
export type StoreSpec = { kind: 'file'; dir: string } | { kind: 'postgres'; schema: string };

/** Parses `--store`; a directory literally named `postgres` is given as `./postgres`. */
export function parseStoreSpec(text: string): StoreSpec {
  const m = /^postgres(?::(.*))?$/.exec(text);
  if (!m) {
    if (text.length === 0) throw new InvalidArgumentError('must be a directory or postgres[:schema]');
    return { kind: 'file', dir: text };
  }
  const schema = m[1] ?? 'nlbkit';
  if (!PG_SCHEMA_PATTERN.test(schema))
    throw new InvalidArgumentError(
      `schema '${schema}' must be a lower-case identifier (letters, digits, '_')`,
    );
  return { kind: 'postgres', schema };
}

/** The `--store` option both `nlbkit agent` and `nlbkit status` take: flags, help, parser. */
export const STORE_OPTION = [
  '--store <dir|postgres[:schema]>',
  'a file store directory, or PostgreSQL (connection from PGHOST, PGUSER, PGPASSWORD...)',
  parseStoreSpec,
] as const;

/**
 * A parser for a comma-separated option value: 1-`max` items, each matching `pattern`; `what` names
 * the items in the error.
 */
export function commaList(pattern: RegExp, max: number, what: string): (text: string) => string[] {
  return (text) => {
    const list = text.split(',').map((item) => item.trim());
    if (list.length > max || list.some((item) => !pattern.test(item)))
      throw new InvalidArgumentError(`must be 1-${max} comma-separated ${what}`);
    return list;
  };
}

/** Opens the store a spec names. */
export function openStore(spec: StoreSpec): StateStore {
  return spec.kind === 'file' ? createFileStore(spec.dir) : createPostgresStore({ schema: spec.schema });
}
