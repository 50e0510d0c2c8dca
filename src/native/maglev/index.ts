/**
 * Maglev consistent hashing for the native driver: build the slot -> backend table that nft's
 * `jhash ... mod M map { ... }` looks up, identically on every LB node, and diff successive tables.
 */
export { diffMaglevTables, type MaglevSlotChange } from './diff.js';
export { fmix32, murmur3, murmur3Bytes } from './hash.js';
export {
  chooseTableSize,
  DEFAULT_MAX_TABLE_SIZE,
  DEFAULT_MIN_TABLE_SIZE,
  isPrime,
  MAX_TABLE_SIZE,
  type TableSizeOptions,
} from './primes.js';
export {
  backendPermutation,
  buildMaglevTable,
  MAX_MAGLEV_TABLE_SIZE,
  type MaglevBackend,
  type MaglevOptions,
  type MaglevTable,
  maglevLookup,
} from './table.js';
export { buildTurnSchedule, MAX_BACKENDS } from './turn-schedule.js';
