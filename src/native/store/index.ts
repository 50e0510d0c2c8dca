/** The native driver's state store: interface, in-memory and file implementations. */
export { createFileStore, type FileStoreOptions } from './file-store.js';
export { createMemoryStore } from './memory-store.js';
export type * from './types.js';
