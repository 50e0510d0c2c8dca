/**
 * Crash-safe file replacement: write a temporary file beside the target, fsync it, rename it over the
 * target, fsync the directory. A reader (or a process restarted after kill -9 or power loss) sees the
 * old file or the new one, never a mix: rename(2) within one directory is atomic.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_MARK = '.tmp-';

/** Replaces `path` with `data` atomically and durably; the new file gets `mode` (default 0600). */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${path}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(path));
}

/** Flushes a directory's entries (the rename) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** True for a temporary file left by {@link writeFileAtomic}. */
export const isTempFile = (name: string): boolean => name.includes(TMP_MARK);

/**
 * Removes temporary files of `path` left by writers that died mid-write. Call it only while no other
 * process can be writing `path` (under its lock).
 */
export async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `${basename(path)}${TMP_MARK}`;
  for (const name of await readdir(dirname(path))) {
    if (name.startsWith(prefix)) await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}
