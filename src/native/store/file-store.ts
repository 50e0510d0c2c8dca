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
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NLBError } from '../../interfaces/errors.js';
import { isTempFile, removeStaleTemps, writeFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-lock.js';
import { applyDelete, applyPut, emptyDocument, type StateDocument, toSnapshot } from './state-document.js';
import { checkNodeName, nodeReportSchema, stateDocumentSchema } from './store-schema.js';
import type { NodeReport, StateStore, WriteOptions } from './types.js';

/** Options of {@link createFileStore}. */
export interface FileStoreOptions {
  /** How often watchers poll for changes made by other processes, in ms. Default 500. */
  pollMs?: number | undefined;
  /** How long a write waits for the lock held by another writer, in ms. Default 10000. */
  lockTimeoutMs?: number | undefined;
}

const storeError = (message: string, cause?: unknown) =>
  new NLBError({
    code: 'UNAVAILABLE',
    driver: 'native',
    operation: 'store',
    message,
    cause,
    retryable: false,
  });

/**
 * Creates (or opens) a file store in `dir`; see the module comment for the layout and guarantees.
 *
 * @example
 * const store = createFileStore('/var/lib/nlbkit');
 */
export function createFileStore(dir: string, options: FileStoreOptions = {}): StateStore {
  const statePath = join(dir, 'state.json');
  const lockPath = join(dir, 'state.lock');
  const nodesDir = join(dir, 'nodes');
  const pollMs = options.pollMs ?? 500;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  let ready: Promise<void> | undefined;
  const init = () => {
    ready ??= mkdir(nodesDir, { recursive: true, mode: 0o700 }).then(() => undefined);
    return ready;
  };
  let cache: { sig: string; doc: StateDocument } | undefined;
  // Writes of this process queue here before taking the file lock.
  let writes: Promise<unknown> = Promise.resolve();

  async function load(): Promise<StateDocument> {
    await init();
    let sig: string;
    try {
      const s = await stat(statePath, { bigint: true });
      sig = `${s.ino}:${s.mtimeNs}:${s.size}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyDocument();
      throw storeError(`cannot read ${statePath}`, e);
    }
    if (cache?.sig === sig) return cache.doc;
    const text = await readFile(statePath, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw storeError(`${statePath} is not valid JSON; restore it from a backup`, e);
    }
    const result = stateDocumentSchema.safeParse(parsed);
    if (!result.success)
      throw storeError(`${statePath} does not hold a valid nlbkit state: ${result.error.issues[0]?.message}`);
    const doc = result.data as unknown as StateDocument;
    cache = { sig, doc };
    return doc;
  }

  function write<T>(change: (doc: StateDocument) => { doc: StateDocument; result: T }): Promise<T> {
    const run = async () => {
      await init();
      return withFileLock(lockPath, lockTimeoutMs, async () => {
        await removeStaleTemps(statePath);
        const before = await load();
        const { doc, result } = change(before);
        if (doc !== before) {
          await writeFileAtomic(statePath, `${JSON.stringify(doc)}\n`);
          cache = undefined;
        }
        return result;
      });
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
    void init().then(async () => {
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
    });
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
    get: async (name) => {
      const found = (await load()).records[name];
      return found ? structuredClone(found) : undefined;
    },
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
      await init();
      // Each node's report has one writer (its agent), so temporaries left by an earlier, killed
      // agent of this node are safe to remove on its first write.
      if (!cleanedNodes.has(report.node)) {
        await removeStaleTemps(path);
        cleanedNodes.add(report.node);
      }
      await writeFileAtomic(path, `${JSON.stringify(report)}\n`);
    },
    listNodeReports: async () => {
      await init();
      const out: NodeReport[] = [];
      for (const name of (await readdir(nodesDir)).sort()) {
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
