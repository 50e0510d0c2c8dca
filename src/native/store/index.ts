/** The native driver's state store: interface, in-memory, file and PostgreSQL implementations. */
export { createFileStore, type FileStoreOptions } from './file-store.js';
export { createMemoryStore } from './memory-store.js';
export {
  createPostgresStore,
  type PgClientLike,
  type PgPoolLike,
  type PostgresConnectionOptions,
  type PostgresStoreOptions,
} from './postgres-store.js';
export { isStoreMissing } from './store-errors.js';
export type * from './types.js';
