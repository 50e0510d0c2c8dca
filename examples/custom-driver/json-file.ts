/**
 * The toy driver's storage: every NLB in one JSON file. A change takes a lock (a directory next to the
 * file: `mkdir` either makes it or fails, even between processes), reads the file, and writes the new
 * content to a temporary file that is renamed over the old one, so a reader sees the old state or the
 * new one, never half of either.
 */
import { mkdir, readFile, rename, rmdir, writeFile } from 'node:fs/promises';
import type { NLBInfo } from 'nlbkit';
import { type BackendContext, NLBError, sleep } from 'nlbkit/driver-kit';

/** How long a change waits for another process's lock before giving up with UNAVAILABLE. */
const LOCK_WAIT_MS = 10_000;

/** The NLBs in the file, by name (a Map, so a name such as `constructor` is just a name). */
export type NLBs = Map<string, NLBInfo>;

/** Reads the file; a missing file is an empty store. Dates come back as Dates. */
export async function readNLBs(path: string): Promise<NLBs> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  const list = JSON.parse(text) as (NLBInfo & { createdTime: string })[];
  return new Map(list.map((nlb) => [nlb.iid.nameId, { ...nlb, createdTime: new Date(nlb.createdTime) }]));
}

/**
 * Runs `change` on the current NLBs under the file's lock and writes what it leaves in the map.
 * Resolves with what `change` returns; if it throws, the file is left as it was.
 */
export async function changeNLBs<T>(
  path: string,
  ctx: BackendContext,
  change: (nlbs: NLBs) => T | Promise<T>,
): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() > deadline)
        throw new NLBError({
          code: 'UNAVAILABLE',
          driver: 'file',
          operation: ctx.operation,
          message: `the store is locked (remove ${lock} if no process holds it)`,
        });
      await sleep(5, ctx.signal, 'file', ctx.operation);
    }
  }
  try {
    const nlbs = await readNLBs(path);
    const result = await change(nlbs);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify([...nlbs.values()], null, 2));
    await rename(temporary, path);
    return result;
  } finally {
    await rmdir(lock);
  }
}
