import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleLock, withFileLock } from './file-lock.js';

/** The pid of a process that has exited (not reused this soon). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid as number;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('file lock: taking over a dead owner', () => {
  it('a stale lock two processes both judged is removed once; the later one keeps the lock taken meanwhile', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nlbkit-lock-'));
    const path = join(dir, 'state.lock');
    const seen = `${deadPid()}:deadmark:token1`;
    await writeFile(path, seen);
    // A removes the stale lock and takes its own; B, which read the same stale content before, comes late.
    await removeStaleLock(path, seen, `${process.pid}:a:1`);
    await withFileLock(path, 1000, async () => {
      const mine = await readFile(path, 'utf8');
      await removeStaleLock(path, seen, `${process.pid}:b:2`);
      expect(await readFile(path, 'utf8')).toBe(mine);
    });
  });

  it('a breaking lock left by a dead process does not block for good', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nlbkit-lock-'));
    const path = join(dir, 'state.lock');
    await writeFile(`${path}.breaking`, `${deadPid()}:deadmark:token2`);
    await writeFile(path, `${deadPid()}:deadmark:token3`);
    expect(await withFileLock(path, 2000, async () => 'ran')).toBe('ran');
  });

  it('a live owner is never taken over', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nlbkit-lock-'));
    const path = join(dir, 'state.lock');
    const live = `${process.ppid}:othermark:token4`;
    await writeFile(path, live);
    await expect(withFileLock(path, 100, async () => 'ran')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await readFile(path, 'utf8')).toBe(live);
  });
});
