/**
 * One process's view of the file store's log (state.log): every record at the revision of the last
 * intact line read. Catching up reads only the bytes appended since (O(change), not O(store)); another
 * file (another process compacted the log: a new inode, or a reused inode number with another header
 * id) is read from the start.
 *
 * Appends are one line each, written at the end of the intact lines and flushed (fdatasync) before the
 * write is acknowledged. Compaction writes the live records to a new file beside the log and renames
 * it over the log: a kill -9 at any moment leaves the old log or the new one, both whole.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';
import type { StateDocument } from './state-document.js';
import {
  encodeLine,
  type LogEntry,
  LogFormatError,
  parseEntry,
  parseHeader,
  scanLines,
} from './state-log-format.js';
import type { StoredRecord } from './types.js';

/** A log as read so far. */
export interface LogView {
  /** The inode read, undefined before the first read. */
  ino: bigint | undefined;
  /**
   * Its header line. An inode number is reused once freed, so a later compaction's file may have the
   * one read; its header (a random id) tells it apart.
   */
  header: string | undefined;
  /** Its modification time when read: changed with no new bytes means it was rewritten in place. */
  mtimeNs: bigint;
  /** End of the last intact line read. */
  offset: number;
  /** Snapshot lines still to come before the changes. */
  snapshotLeft: number;
  revision: number;
  records: Map<string, StoredRecord>;
  /** Bytes of the line that put each live record, and their sum: what a compacted log would hold. */
  liveBytes: Map<string, number>;
  liveTotal: number;
}

export const emptyView = (): LogView => ({
  ino: undefined,
  header: undefined,
  mtimeNs: 0n,
  offset: 0,
  snapshotLeft: 0,
  revision: 0,
  records: new Map(),
  liveBytes: new Map(),
  liveTotal: 0,
});

/** The view as a StateDocument (shares the map: read it before the next change). */
export const viewDocument = (view: LogView): StateDocument => ({
  format: 1,
  revision: view.revision,
  records: view.records,
});

/** What a catch-up found after the intact lines. */
export type LogTail = 'none' | 'torn' | 'damaged';

/** Applies one validated line to `view`; throws LogFormatError for a line out of order. */
function applyLine(view: LogView, value: unknown, bytes: number): void {
  if (view.ino !== undefined && view.offset === 0) {
    const header = parseHeader(value);
    view.revision = header.revision;
    view.snapshotLeft = header.count;
    return;
  }
  applyEntry(view, parseEntry(value), bytes, view.snapshotLeft > 0);
  if (view.snapshotLeft > 0) view.snapshotLeft--;
}

/** Applies `entry` to `view`: a snapshot record (`inSnapshot`) or the next change. */
export function applyEntry(view: LogView, entry: LogEntry, bytes: number, inSnapshot = false): void {
  if (inSnapshot ? entry.r > view.revision || !('put' in entry) : entry.r !== view.revision + 1)
    throw new LogFormatError(`it holds a change at revision ${entry.r} where the log is at ${view.revision}`);
  const name = 'put' in entry ? entry.put.name : entry.del;
  view.liveTotal -= view.liveBytes.get(name) ?? 0;
  if ('put' in entry) {
    view.records.set(name, { revision: entry.r, record: entry.put });
    view.liveBytes.set(name, bytes);
    view.liveTotal += bytes;
  } else {
    view.records.delete(name);
    view.liveBytes.delete(name);
  }
  if (!inSnapshot) view.revision = entry.r;
}

/**
 * Brings `view` up to the end of the intact lines of the log at `path`; resolves what follows them.
 * Throws fs errors as they are, LogFormatError for a log that is not one, and RangeError when the
 * log is over `maxBytes`. On a throw, `view` may be half-read: the caller discards it.
 */
export async function catchUp(path: string, view: LogView, maxBytes: number): Promise<LogTail> {
  const byPath = await stat(path, { bigint: true });
  // Checked before opening: opening a FIFO would block.
  if (!byPath.isFile()) throw new LogFormatError('it is not a regular file');
  const fh = await open(path, 'r');
  try {
    const s = await fh.stat({ bigint: true });
    if (!s.isFile()) throw new LogFormatError('it is not a regular file');
    if (s.size > BigInt(maxBytes)) throw new RangeError(`it is ${s.size} bytes`);
    const size = Number(s.size);
    const rewritten = size === view.offset && s.mtimeNs !== view.mtimeNs;
    if (s.ino !== view.ino || rewritten || !(await sameHeader(fh, view))) resetView(view);
    view.ino = s.ino;
    view.mtimeNs = s.mtimeNs;
    if (size < view.offset) throw new LogFormatError('it is shorter than what was read from it before');
    if (size === view.offset) return noHeaderless(view, 'none');
    const bytes = Buffer.alloc(size - view.offset);
    const { bytesRead } = await fh.read(bytes, 0, bytes.length, view.offset);
    const scanned = scanLines(bytes.subarray(0, bytesRead));
    for (const { value, bytes: length } of scanned.lines) {
      // At offset 0 the buffer starts with the header line.
      if (view.offset === 0) view.header = bytes.toString('utf8', 0, length);
      applyLine(view, value, length);
      view.offset += length;
    }
    return noHeaderless(view, scanned.tail);
  } finally {
    await fh.close();
  }
}

/** `tail`, unless no header was read: an empty log (or one cut inside its header) is no store's. */
function noHeaderless(view: LogView, tail: LogTail): LogTail {
  if (view.header === undefined)
    throw new LogFormatError('it holds no complete header line (empty, or cut short)');
  return tail;
}

/** Whether the file's first line is the header `view` read (true before anything was read). */
async function sameHeader(fh: FileHandle, view: LogView): Promise<boolean> {
  if (view.header === undefined) return true;
  const expected = Buffer.from(view.header);
  const got = Buffer.alloc(expected.length);
  const { bytesRead } = await fh.read(got, 0, got.length, 0);
  return bytesRead === got.length && got.equals(expected);
}

/** Empties `view`. */
export function resetView(view: LogView): void {
  Object.assign(view, emptyView());
}

/** Whether the log at `path` is another file, or has other bytes, than `view` read. */
export async function logChanged(path: string, view: LogView): Promise<boolean> {
  const s = await stat(path, { bigint: true });
  return s.ino !== view.ino || Number(s.size) !== view.offset || s.mtimeNs !== view.mtimeNs;
}

/**
 * Appends `entry` after the intact lines (cutting off a torn tail first when `tail` says there is
 * one), flushes it, and applies it to `view`. Only under the writers' lock, right after a catch-up.
 * On failure the log is cut back to where it was.
 */
export async function appendEntry(
  path: string,
  view: LogView,
  entry: LogEntry,
  tail: LogTail,
): Promise<void> {
  const line = Buffer.from(encodeLine(entry));
  const fh = await open(path, 'r+');
  try {
    if (tail !== 'none') await fh.truncate(view.offset);
    try {
      for (let done = 0; done < line.length; )
        done += (await fh.write(line, done, line.length - done, view.offset + done)).bytesWritten;
      await fh.datasync();
      view.mtimeNs = (await fh.stat({ bigint: true })).mtimeNs;
    } catch (e) {
      await fh.truncate(view.offset).catch(() => undefined);
      throw e;
    }
  } finally {
    await fh.close();
  }
  applyEntry(view, entry, line.length);
  view.offset += line.length;
}

/** The lines of a whole log for `records` at `revision`: the header, then one per record, in order. */
export function logLines(revision: number, records: ReadonlyMap<string, StoredRecord>): string[] {
  const id = randomBytes(8).toString('hex');
  const lines = [encodeLine({ format: 2, revision, count: records.size, id })];
  for (const { revision: r, record } of records.values()) lines.push(encodeLine({ r, put: record }));
  return lines;
}

/** Bytes the log holds beyond what a compacted one would (old versions of records, deletes). */
export const garbageBytes = (view: LogView): number => view.offset - view.liveTotal;

/**
 * Replaces the log with a compacted one (atomically, durably); `view` must be caught up, and the
 * caller must hold the writers' lock (nobody else may replace the log meanwhile).
 */
export async function compact(path: string, view: LogView): Promise<void> {
  const lines = logLines(view.revision, view.records);
  await writeFileAtomic(path, lines.join(''));
  // The records in memory are the new file's: only which file it is, and where it ends, change.
  const s = await stat(path, { bigint: true });
  view.ino = s.ino;
  view.header = lines[0];
  view.mtimeNs = s.mtimeNs;
  view.offset = Number(s.size);
  view.snapshotLeft = 0;
  view.liveTotal = 0;
  let i = 1;
  for (const name of view.records.keys()) {
    const bytes = Buffer.byteLength(lines[i++] as string);
    view.liveBytes.set(name, bytes);
    view.liveTotal += bytes;
  }
}
