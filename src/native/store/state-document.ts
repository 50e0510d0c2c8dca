/**
 * The store's content as one value, and the pure steps that change it. Both stores share these, so
 * revision and conflict rules are the same in memory and on disk.
 */
import { NLBError } from '../../interfaces/errors.js';
import type { NLBRecord, StoredRecord, StoreSnapshot, WriteOptions } from './types.js';

/** Every NLB record at one revision. */
export interface StateDocument {
  format: 1;
  revision: number;
  records: Record<string, StoredRecord>;
}

/** A store with nothing in it. */
export const emptyDocument = (): StateDocument => ({ format: 1, revision: 0, records: {} });

/** The CONFLICT error of a write whose expected revision is stale (every store uses it). */
export const conflict = (name: string, expected: number, actual: number) =>
  new NLBError({
    code: 'CONFLICT',
    driver: 'native',
    operation: 'store',
    message: `record '${name}' is at revision ${actual}, not the expected ${expected}; re-read and retry`,
  });

const storeConflicts = new WeakSet<NLBError>();

/**
 * The CONFLICT error of a write whose `expectedStoreRevision` is stale: another write came first.
 * Retryable: the caller re-reads and decides again.
 */
export function storeRevisionConflict(expected: number, actual: number): NLBError {
  const error = new NLBError({
    code: 'CONFLICT',
    driver: 'native',
    operation: 'store',
    retryable: true,
    message: `the store is at revision ${actual}, not the expected ${expected}; re-read and retry`,
  });
  storeConflicts.add(error);
  return error;
}

/** True for the error of a stale `expectedStoreRevision` (not for a stale record revision). */
export const isStoreRevisionConflict = (e: unknown): boolean =>
  e instanceof NLBError && storeConflicts.has(e);

/** Checks both expectations of `opts` against a store at `storeRevision` holding `name` at `recordRevision`. */
export function checkWriteOptions(
  name: string,
  storeRevision: number,
  recordRevision: number,
  opts: WriteOptions | undefined,
): void {
  if (opts?.expectedStoreRevision !== undefined && storeRevision !== opts.expectedStoreRevision)
    throw storeRevisionConflict(opts.expectedStoreRevision, storeRevision);
  if (opts?.expectedRevision !== undefined && recordRevision !== opts.expectedRevision)
    throw conflict(name, opts.expectedRevision, recordRevision);
}

function checkExpected(doc: StateDocument, name: string, opts: WriteOptions | undefined) {
  checkWriteOptions(name, doc.revision, doc.records[name]?.revision ?? 0, opts);
}

/** The document after writing `record`; throws CONFLICT if `opts.expectedRevision` does not match. */
export function applyPut(doc: StateDocument, record: NLBRecord, opts?: WriteOptions): StateDocument {
  checkExpected(doc, record.name, opts);
  const revision = doc.revision + 1;
  return {
    format: 1,
    revision,
    records: { ...doc.records, [record.name]: { revision, record: structuredClone(record) } },
  };
}

/** The document after deleting `name` (unchanged, same revision, when absent). */
export function applyDelete(doc: StateDocument, name: string, opts?: WriteOptions): StateDocument {
  checkExpected(doc, name, opts);
  if (!doc.records[name]) return doc;
  const records = { ...doc.records };
  delete records[name];
  return { format: 1, revision: doc.revision + 1, records };
}

/** The document as a sorted snapshot of copies. */
export function toSnapshot(doc: StateDocument): StoreSnapshot {
  const names = Object.keys(doc.records).sort();
  return {
    revision: doc.revision,
    records: names.map((n) => structuredClone(doc.records[n] as StoredRecord)),
  };
}
