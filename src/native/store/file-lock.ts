/**
 * An exclusive lock between processes: a lock file holding the owner's pid and a token, created
 * atomically with link(2).
 * A lock whose owner no longer runs (killed with -9) is taken over, under a second lock (see
 * `removeStaleLock`). Good for "one writer process, guard against an accidental second one"; not a
 * distributed lock (no NFS).
 */
import { randomBytes } from 'node:crypto';
import { link, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../../common/process-alive.js';
import { NLBError } from '../../interfaces/errors.js';

/**
 * This process's mark in every token it writes. A lock naming our pid is an earlier process's (pid
 * reuse: pid 1 in containers) only without it. Deciding by "tokens we hold now" instead raced: a lock
 * another store of this process had just released (or not yet recorded) looked stale, was removed
 * while a third store had taken it, and two writers held it.
 */
const PROCESS_MARK = randomBytes(6).toString('hex');

/** Creates `path` holding `token`, atomically; false if it exists. */
async function linkExclusive(path: string, token: string, privateSuffix = ''): Promise<boolean> {
  // The token goes into a private file first and is then hard-linked to the lock name: link(2) is
  // atomic and fails if the lock exists, so a lock file never exists without its owner in it
  // (with open(O_EXCL)+write, a kill -9 in between leaves an ownerless lock forever).
  const mine = `${path.replace(/\.breaking$/, '')}.${token.replaceAll(':', '-')}${privateSuffix}`;
  await writeFile(mine, token, { mode: 0o600 });
  try {
    await link(mine, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

/** Whether a lock file's content names an owner that no longer holds it (dead, or an earlier process with our pid). */
function isStale(content: string): boolean {
  const owner = Number.parseInt(content, 10);
  if (!Number.isInteger(owner) || owner <= 0) return false;
  // A lock naming our pid but not our mark was left by an earlier process that had our pid.
  return owner === process.pid ? !content.includes(`:${PROCESS_MARK}:`) : !processAlive(owner);
}

/**
 * Removes the lock at `path` if it still holds `seen`, the stale content its caller judged. Done under
 * the lock `<path>.breaking`: without it, two processes that both saw the same dead owner could both
 * unlink, the second removing the lock the first had just taken, and two writers would hold it. A
 * breaking lock whose owner died is removed (a second death inside that microsecond window is the
 * one case this does not cover).
 */
export async function removeStaleLock(path: string, seen: string, token: string): Promise<void> {
  const guard = `${path}.breaking`;
  if (!(await linkExclusive(guard, token, '-breaking'))) {
    const holder = await readFile(guard, 'utf8').catch(() => '');
    if (isStale(holder)) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    // Lock contents hold a random token, so equal content is the very lock that was judged stale.
    if ((await readFile(path, 'utf8').catch(() => '')) === seen) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

async function tryAcquire(path: string, token: string): Promise<boolean> {
  if (await linkExclusive(path, token)) return true;
  const content = await readFile(path, 'utf8').catch(() => '');
  if (isStale(content)) await removeStaleLock(path, content, token);
  return false;
}

/** Runs `fn` holding the lock at `path`; waits up to `timeoutMs` for it (UNAVAILABLE after). */
export async function withFileLock<T>(path: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  const token = `${process.pid}:${PROCESS_MARK}:${randomBytes(6).toString('hex')}`;
  while (!(await tryAcquire(path, token))) {
    if (Date.now() > deadline)
      throw new NLBError({
        code: 'UNAVAILABLE',
        driver: 'native',
        operation: 'store',
        message: `could not take the store lock ${path} within ${timeoutMs} ms (another writer is running)`,
      });
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
  try {
    await removeDeadOwnersFiles(path);
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

/** Removes the private token files of processes killed while taking the lock. */
async function removeDeadOwnersFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  for (const name of await readdir(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid))
      await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}
