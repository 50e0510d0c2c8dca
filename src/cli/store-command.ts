import type { Command } from 'commander';
import { openStore, parseStoreSpec, type StoreSpec } from './store-spec.js';

/**
 * Registers `nlbkit store init <dir|postgres[:schema]>`: creates an empty store, the one explicit step
 * besides the native driver's first write that makes one (reading never does: `nlbkit status` and
 * `nlbkit agent` refuse a store that does not exist). Leaves an existing store as it is.
 *
 * @example
 * nlbkit store init /var/lib/nlbkit
 * PGHOST=db.internal nlbkit store init postgres
 */
export function registerStoreCommand(program: Command): void {
  const store = program.command('store').description('manage the native store');
  store
    .command('init')
    .description('create an empty store (a directory, or the tables in PostgreSQL) unless it exists')
    .argument('<store>', 'a file store directory, or postgres[:schema]', parseStoreSpec)
    .action(async (spec: StoreSpec) => {
      const opened = openStore(spec);
      try {
        const created = await opened.create();
        console.log(`${created ? 'created' : 'already exists:'} store ${opened.description}`);
      } finally {
        await opened.close();
      }
    });
}
