/**
 * Creating a file store: the one act that makes `state.json` (reads never do). Only in a directory that
 * is absent or empty: never over a store that lost its state.json (its node reports would still be
 * there, and an empty store would make every agent remove every service), over a dangling symlink, or
 * over another program's files. The empty log is written first and state.json last, so a creation cut
 * short leaves no store (and an empty log, which the next create() writes again).
 */
import { lstat, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isTempFile, writeFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-lock.js';
import { MARKER_JSON } from './file-store-marker.js';
import { logLines } from './state-log.js';
import { parseHeader, scanLines } from './state-log-format.js';
import { storeUnreadable } from './store-errors.js';

/** The paths of one file store. */
export interface FileStorePaths {
  dir: string;
  statePath: string;
  logPath: string;
  lockPath: string;
  nodesDir: string;
}

/** Whether the log at `path` is an empty store's (what a creation cut short leaves). */
async function isEmptyLog(path: string): Promise<boolean> {
  const size = (await lstat(path)).size;
  // An empty log is one header line, far below this.
  if (size > 4096) return false;
  const { lines, tail } = scanLines(await readFile(path));
  if (lines.length !== 1 || tail !== 'none') return false;
  try {
    const header = parseHeader(lines[0]?.value);
    return header.revision === 0 && header.count === 0;
  } catch {
    return false;
  }
}

/**
 * Makes the store's directory and an empty `state.json` under the writers' lock, unless `state.json`
 * exists ('exists'). Throws UNAVAILABLE for a place that must not become a store; fs errors as they are.
 */
export async function createStoreFiles(
  paths: FileStorePaths,
  lockTimeoutMs: number,
): Promise<'created' | 'exists'> {
  const { dir, statePath, logPath, lockPath, nodesDir } = paths;
  const present = await lstat(statePath).catch((e: unknown) => e as NodeJS.ErrnoException);
  if (!(present instanceof Error)) {
    if (present.isSymbolicLink() && !(await stat(statePath).catch(() => undefined)))
      throw storeUnreadable(statePath, 'it is a symbolic link to nothing; restore its target, or remove it');
    return 'exists';
  }
  if (present.code !== 'ENOENT') throw present;
  await makeDirectories(dir);
  return withFileLock(lockPath, lockTimeoutMs, async () => {
    if (await lstat(statePath).catch(() => undefined)) return 'exists'; // another process made it
    const strangers = (await readdir(dir)).filter(
      (name) =>
        !(name === 'nodes' || name === 'state.log' || name.startsWith('state.lock') || isTempFile(name)),
    );
    const reports = (await readdir(nodesDir).catch(() => [] as string[])).filter((n) => !isTempFile(n));
    if (reports.length > 0)
      throw storeUnreadable(
        dir,
        'it holds node reports but no state.json: its state was lost; restore state.json from a backup (creating an empty store would make every agent remove every service)',
      );
    if (strangers.length > 0)
      throw storeUnreadable(
        dir,
        'it is not empty and holds no state.json; use an empty or new directory for a store',
      );
    await mkdir(nodesDir, { mode: 0o700 }).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    });
    // A log with records but no state.json: state.json was lost, not a creation cut short.
    const logThere = (await lstat(logPath).catch(() => undefined)) !== undefined;
    if (logThere && !(await isEmptyLog(logPath)))
      throw storeUnreadable(
        dir,
        `it holds ${logPath} but no state.json: its state.json was lost; restore it from a backup (or write ${MARKER_JSON.trim()} into it)`,
      );
    await writeFileAtomic(logPath, logLines(0, new Map()).join(''));
    await writeFileAtomic(statePath, MARKER_JSON);
    return 'created';
  });
}

/**
 * `mkdir -p` one level at a time. Node's `mkdir(..., { recursive: true })` spins forever on some
 * paths (inside /proc/self it loops at 40% CPU); here every level is tried once and any error but
 * EEXIST is thrown.
 */
async function makeDirectories(dir: string): Promise<void> {
  const absent: string[] = [];
  for (let p = resolve(dir); !(await stat(p).catch(() => undefined)); p = dirname(p)) {
    absent.push(p);
    if (dirname(p) === p) break;
  }
  for (const level of absent.reverse())
    await mkdir(level, { mode: 0o700 }).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    });
}
