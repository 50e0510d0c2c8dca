/**
 * The store's content as one value, and the steps that change it in place (O(1) each, whatever the
 * number of records). Every store shares these, so revision and conflict rules are the same in memory
 * and on disk.
 */
import { NLBError } from '../../interfaces/errors.js';
import type { NLBRecord, StoredRecord, StoreSnapshot, WriteOptions } from './types.js';

/**
 * Every NLB record at one revision. A Map, not an object: an NLB may be named `constructor` or
 * `toString`, which an object would answer from its prototype.
 */
export interface StateDocument {
  format: 1;
  revision: number;
  records: Map<string, StoredRecord>;
}

/** A store with nothing in it. */
export const emptyDocument = (): StateDocument => ({ format: 1, revision: 0, records: new Map() });

/**
 * The document as format-1 JSON: the whole state.json of file stores before format 2 (still read, and
 * migrated by the next write; tests write one to check that).
 */
export const documentToJSON = (doc: StateDocument): string =>
  `${JSON.stringify({ format: doc.format, revision: doc.revision, records: Object.fromEntries(doc.records) })}\n`;

/** A validated document read back (see `stateDocumentSchema`: records in a null-prototype object). */
export const documentFromParsed = (parsed: {
  revision: number;
  records: Record<string, StoredRecord>;
}): StateDocument => ({
  format: 1,
  revision: parsed.revision,
  records: new Map(Object.entries(parsed.records)),
});

/** A copy of the record named `name`, or undefined. */
export function getRecord(doc: StateDocument, name: string): StoredRecord | undefined {
  const found = doc.records.get(name);
  return found ? structuredClone(found) : undefined;
}

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

/** Checks a write of `name` into `doc` against `opts` (CONFLICT when stale); writes nothing. */
export function checkDocumentWrite(doc: StateDocument, name: string, opts: WriteOptions | undefined): void {
  checkWriteOptions(name, doc.revision, doc.records.get(name)?.revision ?? 0, opts);
}

/** Writes a copy of `record` into `doc` in place; resolves the new revision. Throws CONFLICT when stale. */
export function applyPut(doc: StateDocument, record: NLBRecord, opts?: WriteOptions): number {
  checkDocumentWrite(doc, record.name, opts);
  doc.revision++;
  doc.records.set(record.name, { revision: doc.revision, record: structuredClone(record) });
  return doc.revision;
}

/** Deletes `name` from `doc` in place; false (and no new revision) when absent. Throws CONFLICT when stale. */
export function applyDelete(doc: StateDocument, name: string, opts?: WriteOptions): boolean {
  checkDocumentWrite(doc, name, opts);
  if (!doc.records.delete(name)) return false;
  doc.revision++;
  return true;
}

/** The document as a sorted snapshot of copies. */
export function toSnapshot(doc: StateDocument): StoreSnapshot {
  const names = [...doc.records.keys()].sort();
  return {
    revision: doc.revision,
    records: names.map((n) => structuredClone(doc.records.get(n) as StoredRecord)),
  };
}
