/**
 * A StateStore in a directory, for one writer process (the driver) and agents in other processes:
 *
 *   <dir>/state.json          every NLB record and the store revision, replaced atomically per write
 *   <dir>/state.lock          writers hold it around read-check-write (O_EXCL lock file with pid)
 *   <dir>/nodes/<node>.json   each agent's report, replaced atomically by that agent alone
 *
 * Readers take no lock: rename(2) makes them see a whole old or a whole new file. Writers re-read
 * state.json under the lock, check `expectedRevision` against it, then replace it, so even a second
 * writer process cannot lose an update. Watching is polling (cheap stat calls) sped up by fs.watch.
 */
import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { lstat, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isNLBError, type NLBError } from '../../interfaces/errors.js';
import { isTempFile, removeStaleTemps, writeFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-lock.js';
import { createStoreFiles } from './file-store-create.js';
import {
  applyDelete,
  applyPut,
  documentFromParsed,
  documentToJSON,
  getRecord,
  type StateDocument,
  toSnapshot,
} from './state-document.js';
import { fsReason, storeMissing, storeUnreadable } from './store-errors.js';
import { checkNodeName, nodeReportSchema, stateDocumentSchema } from './store-schema.js';
import type { NodeReport, StateStore, WriteOptions } from './types.js';

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
  const lockPath = join(dir, 'state.lock');
  const nodesDir = join(dir, 'nodes');
  const pollMs = options.pollMs ?? 500;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const maxStateBytes = options.maxStateBytes ?? 64 * 1024 * 1024;
  const initHint = `nlbkit store init ${dir}`;
  let cache: { sig: string; doc: StateDocument } | undefined;
  // Writes of this process queue here before taking the file lock.
  let writes: Promise<unknown> = Promise.resolve();

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

  /** The state file's signature; throws when the store does not exist or the file cannot be used. */
  async function stateSignature(): Promise<{ sig: string; size: bigint }> {
    let s: Awaited<ReturnType<typeof statBig>>;
    try {
      s = await statBig(statePath);
    } catch (e) {
      if (ERRNO(e) === 'ENOENT' || ERRNO(e) === 'ENOTDIR') throw await missing(e);
      throw storeUnreadable(statePath, fsReason(e), e);
    }
    if (s.isDirectory()) throw storeUnreadable(statePath, fsReason({ code: 'EISDIR' }));
    // A FIFO or a device would block the read, or never end.
    if (!s.isFile()) throw storeUnreadable(statePath, 'it is not a regular file');
    return { sig: `${s.ino}:${s.mtimeNs}:${s.size}`, size: s.size };
  }

  async function load(): Promise<StateDocument> {
    const { sig, size } = await stateSignature();
    if (cache?.sig === sig) return cache.doc;
    if (size > BigInt(maxStateBytes))
      throw storeUnreadable(
        statePath,
        `it is ${size} bytes, more than the ${maxStateBytes} this store reads (maxStateBytes); it is not a state nlbkit wrote`,
      );
    let text: string;
    try {
      text = await readFile(statePath, 'utf8');
    } catch (e) {
      if (ERRNO(e) === 'ENOENT') throw await missing(e);
      throw storeUnreadable(statePath, fsReason(e), e);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw storeUnreadable(statePath, 'it is not valid JSON; restore it from a backup', e);
    }
    const result = stateDocumentSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw storeUnreadable(
        statePath,
        `it does not hold a valid nlbkit state: ${issue?.path.join('.') || 'the document'}: ${issue?.message}`,
      );
    }
    const doc = documentFromParsed(result.data as unknown as Parameters<typeof documentFromParsed>[0]);
    cache = { sig, doc };
    return doc;
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
      outcome = await createStoreFiles({ dir, statePath, lockPath, nodesDir }, lockTimeoutMs);
    } catch (e) {
      if (isNLBError(e)) throw e;
      throw storeUnreadable(dir, `cannot create a store there: ${fsReason(e)}`, e);
    }
    // An existing state.json must still be a file this store can read.
    if (outcome === 'exists') await stateSignature();
    return outcome === 'created';
  }

  function write<T>(change: (doc: StateDocument) => { doc: StateDocument; result: T }): Promise<T> {
    const run = async () => {
      // A store that does not exist is not created by a write (create() is the one way): checked
      // before the lock, whose file would otherwise be made in a directory that is not a store.
      await stateSignature();
      return withFileLock(lockPath, lockTimeoutMs, async () => {
        await removeStaleTemps(statePath);
        const before = await load();
        const { doc, result } = change(before);
        if (doc !== before) {
          await writeFileAtomic(statePath, documentToJSON(doc));
          cache = undefined;
        }
        return result;
      }).catch((e: unknown) => fsFailure(e, statePath));
    };
    const p = writes.then(run, run);
    writes = p.catch(() => undefined);
    return p;
  }

  async function signature(): Promise<string> {
    const parts: string[] = [];
    for (const path of [statePath, nodesDir]) {
      const s = await stat(path, { bigint: true }).catch(() => undefined);
      parts.push(s ? `${s.ino}:${s.mtimeNs}` : '-');
    }
    for (const name of (await readdir(nodesDir).catch(() => [] as string[])).sort()) {
      if (isTempFile(name)) continue;
      const s = await stat(join(nodesDir, name), { bigint: true }).catch(() => undefined);
      if (s) parts.push(`${name}:${s.ino}:${s.mtimeNs}`);
    }
    return parts.join('|');
  }

  const listeners = new Set<() => void>();
  let poller: NodeJS.Timeout | undefined;
  let watchers: FSWatcher[] = [];
  let lastSig: string | undefined;
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const sig = await signature();
      if (lastSig !== undefined && sig !== lastSig) for (const l of [...listeners]) l();
      lastSig = sig;
    } finally {
      checking = false;
    }
  };
  const startWatching = () => {
    void (async () => {
      if (listeners.size === 0 || poller) return;
      poller = setInterval(() => void check(), pollMs);
      poller.unref();
      for (const path of [dir, nodesDir]) {
        try {
          const w = fsWatch(path, { persistent: false }, () => void check());
          w.on('error', () => undefined);
          watchers.push(w);
        } catch {
          // Polling alone still sees every change.
        }
      }
      // The first check takes the baseline; a change made after watch() and before it would go
      // unseen, so the watchers are told once when watching has started.
      await check().catch(() => undefined);
      for (const l of [...listeners]) l();
    })();
  };
  const stopWatching = () => {
    if (poller) clearInterval(poller);
    poller = undefined;
    for (const w of watchers) w.close();
    watchers = [];
    lastSig = undefined;
  };

  const cleanedNodes = new Set<string>();
  const nodePath = (node: string) => {
    checkNodeName(node);
    return join(nodesDir, `${node}.json`);
  };

  return {
    description: `file:${dir}`,
    create,
    get: async (name) => getRecord(await load(), name),
    list: async () => toSnapshot(await load()),
    put: (record, opts?: WriteOptions) =>
      write((doc) => {
        const next = applyPut(doc, record, opts);
        return { doc: next, result: next.revision };
      }),
    delete: (name, opts?: WriteOptions) =>
      write((doc) => {
        const next = applyDelete(doc, name, opts);
        return { doc: next, result: next !== doc };
      }),
    revision: async () => (await load()).revision,
    watch: (listener) => {
      listeners.add(listener);
      startWatching();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopWatching();
      };
    },
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
      listeners.clear();
      stopWatching();
      await writes;
    },
  };
}

const statBig = (path: string) => stat(path, { bigint: true });
