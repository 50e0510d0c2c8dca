/**
 * A StateStore in a directory, for one writer process (the driver) and agents in other processes:
 *
 *   <dir>/state.json          says the directory is a store: {"format":2,"log":"state.log"}
 *   <dir>/state.log           every change, one checksummed line each, appended (state-log.ts)
 *   <dir>/state.lock          writers hold it around read-check-append (link(2) lock file with pid)
 *   <dir>/nodes/<node>.json   each agent's report, replaced atomically by that agent alone
 *
 * Every operation costs the same with 10 or 10,000 NLBs: a write appends one line and flushes it
 * (fdatasync) before it resolves; a read stats the log and reads only the lines appended since this
 * process last read it. Readers take no lock and use only complete lines whose checksum holds, so a
 * write in progress (or cut short by kill -9) is invisible. Writers catch up under the lock, check
 * `expectedRevision`, cut off a torn last line, then append, so a second writer process cannot lose an
 * update. When old versions of records make up more than half the log, the writer replaces it with a
 * compacted one (rename(2): readers see the old file or the new one). A format-1 state.json (every
 * record in it, from earlier versions) is read as it is and becomes a log on the next write.
 * Watching is polling (cheap stat calls) sped up by fs.watch.
 */
import { lstat, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import { isTempFile, removeStaleTemps, writeFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-lock.js';
import { createStoreFiles } from './file-store-create.js';
import { createMarkerReader, MARKER_JSON } from './file-store-marker.js';
import { createFileStoreWatcher } from './file-store-watch.js';
import { checkDocumentWrite, getRecord, type StateDocument, toSnapshot } from './state-document.js';
import {
  appendEntry,
  catchUp,
  compact,
  emptyView,
  garbageBytes,
  type LogView,
  logChanged,
  logLines,
  resetView,
  viewDocument,
} from './state-log.js';
import { type LogEntry, LogFormatError } from './state-log-format.js';
import { fsReason, storeMissing, storeUnreadable } from './store-errors.js';
import { checkNodeName, nlbRecordSchema, nodeReportSchema } from './store-schema.js';
import type { NLBRecord, NodeReport, StateStore, WriteOptions } from './types.js';

/** Options of {@link createFileStore}. */
export interface FileStoreOptions {
  /** How often watchers poll for changes made by other processes, in ms. Default 500. */
  pollMs?: number | undefined;
  /** How long a write waits for the lock held by another writer, in ms. Default 10000. */
  lockTimeoutMs?: number | undefined;
  /**
   * The largest state.json read, in bytes; a bigger one is an UNAVAILABLE error naming it (reading it
   * would stall the process for nothing: no store written by nlbkit comes near). Default 64 MiB.
   */
  maxStateBytes?: number | undefined;
  /**
   * The log is compacted when old versions of records in it exceed the live records plus this many
   * bytes. Default 1 MiB.
   */
  compactSlackBytes?: number | undefined;
}

/** Throws INVALID_ARGUMENT, naming the first problem, for a record the store would refuse to read. */
function checkRecord(record: NLBRecord): void {
  const parsed = nlbRecordSchema.safeParse(record);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  throw new NLBError({
    code: 'INVALID_ARGUMENT',
    driver: 'native',
    operation: 'store',
    message: `record is not valid: ${issue?.path.join('.') || 'the record'}: ${issue?.message}`,
  });
}

const ERRNO = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * Opens the file store in `dir`; see the module comment for the layout and guarantees. Opening reads
 * and creates nothing: reads and writes of a store that does not exist fail with UNAVAILABLE naming
 * it, and only `create()` (or `nlbkit store init <dir>`) makes one.
 *
 * @example
 * const store = createFileStore('/var/lib/nlbkit');
 * await store.create(); // once, when setting up; the native driver also does it before its first write
 */
export function createFileStore(dir: string, options: FileStoreOptions = {}): StateStore {
  const statePath = join(dir, 'state.json');
  const logPath = join(dir, 'state.log');
  const lockPath = join(dir, 'state.lock');
  const nodesDir = join(dir, 'nodes');
  const pollMs = options.pollMs ?? 500;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const maxStateBytes = options.maxStateBytes ?? 64 * 1024 * 1024;
  const compactSlackBytes = options.compactSlackBytes ?? 1024 * 1024;
  const initHint = `nlbkit store init ${dir}`;
  // Writes of this process queue here before taking the file lock.
  let writes: Promise<unknown> = Promise.resolve();
  // Catching up and changing the view, one at a time in this process.
  const exclusive = pLimit(1);
  const view: LogView = emptyView();

  /** Why `state.json` is not there (stat said ENOENT or ENOTDIR), as the error to throw. */
  async function missing(e: unknown): Promise<NLBError> {
    if (ERRNO(e) === 'ENOTDIR') return storeMissing(dir, 'it is not a directory', initHint);
    const dirStat = await stat(dir).catch(() => undefined);
    if (!dirStat) return storeMissing(dir, 'the directory does not exist', initHint);
    if (!dirStat.isDirectory()) return storeMissing(dir, 'it is not a directory', initHint);
    const link = await lstat(statePath).catch(() => undefined);
    return storeMissing(
      dir,
      link?.isSymbolicLink() ? `${statePath} is a symbolic link to nothing` : `${statePath} does not exist`,
      initHint,
    );
  }
  const marker = createMarkerReader(statePath, maxStateBytes, missing);
  const stateSignature = () => marker.signature();

  /** The log's errors as the store's: a log that is gone is a lost store, never an empty one. */
  function logFailure(e: unknown): never {
    resetView(view);
    if (isNLBError(e)) throw e;
    if (ERRNO(e) === 'ENOENT')
      throw storeMissing(dir, `${logPath} does not exist (state.json says the records are there)`, initHint);
    if (e instanceof LogFormatError) throw storeUnreadable(logPath, `${e.message}; restore it from a backup`);
    if (e instanceof RangeError)
      throw storeUnreadable(
        logPath,
        `${e.message}, more than the ${maxStateBytes} this store reads (maxStateBytes)`,
      );
    throw storeUnreadable(logPath, fsReason(e), e);
  }

  /** The records as they are now: from the log, read only as far as it grew since. */
  async function current(): Promise<StateDocument> {
    const found = await marker.read();
    if (found.format === 1) return found.doc;
    return exclusive(async () => {
      try {
        if (view.ino === undefined || (await logChanged(logPath, view))) {
          if ((await catchUp(logPath, view, maxStateBytes)) === 'damaged')
            throw new LogFormatError('a damaged line is followed by others');
        }
      } catch (e) {
        logFailure(e);
      }
      return viewDocument(view);
    });
  }

  /** Maps what fs throws inside a store operation to the store's errors (never Node's raw message). */
  async function fsFailure(e: unknown, path: string): Promise<never> {
    if (isNLBError(e)) throw e;
    if (ERRNO(e) === 'ENOENT' || ERRNO(e) === 'ENOTDIR') {
      // The directory (or state.json) went away under the operation: say so if it is the store.
      await stateSignature();
    }
    throw storeUnreadable(path, fsReason(e), e);
  }

  /** Creates the store unless it exists (see file-store-create.ts); true if this call made it. */
  async function create(): Promise<boolean> {
    let outcome: 'created' | 'exists';
    try {
      outcome = await createStoreFiles({ dir, statePath, logPath, lockPath, nodesDir }, lockTimeoutMs);
    } catch (e) {
      if (isNLBError(e)) throw e;
      throw storeUnreadable(dir, `cannot create a store there: ${fsReason(e)}`, e);
    }
    // An existing state.json must still be a file this store can read.
    if (outcome === 'exists') await stateSignature();
    return outcome === 'created';
  }

  /**
   * Under the lock: a format-1 state.json becomes a log holding its records at its revision (log
   * first, state.json last: a kill -9 between leaves the format-1 file in charge, and the next writer
   * migrates again).
   */
  async function migrate(): Promise<void> {
    const found = await marker.read();
    if (found.format !== 1) return;
    await removeStaleTemps(statePath);
    await writeFileAtomic(logPath, logLines(found.doc.revision, found.doc.records).join(''));
    await writeFileAtomic(statePath, MARKER_JSON);
    resetView(view);
  }

  /**
   * One write: under the file lock, catch up, let `change` check the expectations and say what to
   * append (nothing: no change), append it durably, and compact when the log is mostly old versions.
   */
  function write<T>(change: (doc: StateDocument) => { entry?: LogEntry; result: T }): Promise<T> {
    const run = async () => {
      // A store that does not exist is not created by a write (create() is the one way): checked
      // before the lock, whose file would otherwise be made in a directory that is not a store.
      await stateSignature();
      return withFileLock(lockPath, lockTimeoutMs, async () => {
        await removeStaleTemps(logPath);
        return exclusive(async () => {
          try {
            await migrate();
            const tail = await catchUp(logPath, view, maxStateBytes);
            if (tail === 'damaged') throw new LogFormatError('a damaged line is followed by others');
            const { entry, result } = change(viewDocument(view));
            if (entry) await appendEntry(logPath, view, entry, tail);
            if (garbageBytes(view) > view.liveTotal + compactSlackBytes) await compact(logPath, view);
            return result;
          } catch (e) {
            if (isNLBError(e) && e.code === 'CONFLICT') throw e;
            return logFailure(e);
          }
        });
      }).catch((e: unknown) => fsFailure(e, logPath));
    };
    const p = writes.then(run, run);
    writes = p.catch(() => undefined);
    return p;
  }

  const watcher = createFileStoreWatcher({ dir, paths: [statePath, logPath], nodesDir, pollMs });

  const cleanedNodes = new Set<string>();
  const nodePath = (node: string) => {
    checkNodeName(node);
    return join(nodesDir, `${node}.json`);
  };

  return {
    description: `file:${dir}`,
    create,
    get: async (name) => getRecord(await current(), name),
    list: async () => toSnapshot(await current()),
    put: async (record, opts?: WriteOptions) => {
      // The log is append-only: a line that would not validate on read would make the whole store
      // unreadable for every reader, so it is refused before it is written.
      checkRecord(record);
      return write((doc) => {
        checkDocumentWrite(doc, record.name, opts);
        const entry = { r: doc.revision + 1, put: structuredClone(record) };
        return { entry, result: entry.r };
      });
    },
    delete: (name, opts?: WriteOptions) =>
      write((doc) => {
        checkDocumentWrite(doc, name, opts);
        if (!doc.records.has(name)) return { result: false };
        return { entry: { r: doc.revision + 1, del: name }, result: true };
      }),
    revision: async () => (await current()).revision,
    watch: (listener) => watcher.watch(listener),
    putNodeReport: async (report: NodeReport) => {
      const path = nodePath(report.node);
      // An agent reports into a store that exists, never into one it would be creating.
      await stateSignature();
      await mkdir(nodesDir, { mode: 0o700 }).catch((e: unknown) =>
        ERRNO(e) === 'EEXIST' ? undefined : fsFailure(e, nodesDir),
      );
      // Each node's report has one writer (its agent), so temporaries left by an earlier, killed
      // agent of this node are safe to remove on its first write.
      try {
        if (!cleanedNodes.has(report.node)) {
          await removeStaleTemps(path);
          cleanedNodes.add(report.node);
        }
        await writeFileAtomic(path, `${JSON.stringify(report)}\n`);
      } catch (e) {
        await fsFailure(e, path);
      }
    },
    listNodeReports: async () => {
      await stateSignature();
      const out: NodeReport[] = [];
      const names = await readdir(nodesDir).catch((e: unknown) =>
        // No reports yet: agents make the directory with their first one.
        ERRNO(e) === 'ENOENT' ? [] : fsFailure(e, nodesDir),
      );
      for (const name of names.sort()) {
        if (!name.endsWith('.json') || isTempFile(name)) continue;
        const text = await readFile(join(nodesDir, name), 'utf8').catch(() => undefined);
        if (text === undefined) continue;
        try {
          const parsed = nodeReportSchema.safeParse(JSON.parse(text));
          // A report that does not parse is ignored: it only informs, and its agent rewrites it soon.
          if (parsed.success && `${parsed.data.node}.json` === name) out.push(parsed.data);
        } catch {
          // Same as above: not JSON.
        }
      }
      return out;
    },
    close: async () => {
      watcher.close();
      await writes;
    },
  };
}
