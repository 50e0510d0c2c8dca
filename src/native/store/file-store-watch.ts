/**
 * Watching a file store for changes made by any process: polling cheap `stat` calls (the store's
 * files, and every node report) sped up by fs.watch on the directory and on `nodes/`.
 */
import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempFile } from './atomic-file.js';

/** What the watcher looks at. */
export interface FileStoreWatchOptions {
  dir: string;
  /** The store's files whose inode, mtime or size changes with every write (state.json, state.log). */
  paths: readonly string[];
  nodesDir: string;
  /** Poll interval, ms. */
  pollMs: number;
}

/** Creates the watcher; `watch` adds a listener (see StateStore.watch), `close` removes them all. */
export function createFileStoreWatcher(options: FileStoreWatchOptions) {
  const { dir, paths, nodesDir, pollMs } = options;

  async function signature(): Promise<string> {
    const parts: string[] = [];
    for (const path of [...paths, nodesDir]) {
      const s = await stat(path, { bigint: true }).catch(() => undefined);
      parts.push(s ? `${s.ino}:${s.mtimeNs}:${s.size}` : '-');
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

  return {
    watch(listener: () => void): () => void {
      listeners.add(listener);
      startWatching();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopWatching();
      };
    },
    close(): void {
      listeners.clear();
      stopWatching();
    },
  };
}
