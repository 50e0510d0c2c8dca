/**
 * A file store that does not exist, or whose state.json cannot be used: never read as empty, never
 * created by a read, and every failure an UNAVAILABLE error that names the path in words (no raw
 * Node message).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  symlink,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectStoreMissing, report } from '../../../test/native/store-contract.js';
import { makeRecord } from '../../../test/native/store-record.js';
import { createFileStore } from './file-store.js';
import { isStoreMissing } from './store-errors.js';
import type { StateStore } from './types.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'nlbk-missing-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('a file store that does not exist', () => {
  it('fails every call with UNAVAILABLE naming the path, and creates nothing', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'a', 'b', '$(touch x)');
    const store = createFileStore(dir);
    const stop = store.watch(() => undefined);
    await expectStoreMissing(store, dir);
    stop();
    await store.close();
    expect(await readdir(parent)).toEqual([]);
  });

  it('is not a directory, or a directory that is not a store: the same error, at once', async () => {
    const file = join(await tempDir(), 'file');
    await writeFile(file, 'not a store');
    await expectStoreMissing(createFileStore(file), 'not a directory');
    await expectStoreMissing(createFileStore('/proc/self'), '/proc/self/state.json does not exist');
    // Nor can one be made there: said in words, at once.
    await expect(createFileStore('/proc/self/nlbkit').create()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('cannot use /proc/self/nlbkit: cannot create a store there'),
    });
  });

  it('is made by create() alone: once, empty, and never over a lost store or foreign files', async () => {
    const dir = join(await tempDir(), 'store');
    const store = createFileStore(dir);
    expect(await store.create()).toBe(true);
    expect(await store.create()).toBe(false);
    expect(await store.list()).toEqual({ revision: 0, records: [] });
    await store.put(makeRecord('web'));
    await store.putNodeReport(report('lb1', 1));
    expect(await store.create()).toBe(false);
    expect(await store.revision()).toBe(1);

    // state.json lost while agents' reports remain: create() refuses to start it over empty.
    await unlink(join(dir, 'state.json'));
    await expect(store.list()).rejects.toMatchObject({ message: expect.stringContaining('does not exist') });
    await expect(store.create()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('its state was lost'),
    });
    // A dangling symlink in its place: named as such, and not replaced either.
    await symlink(join(dir, 'gone.json'), join(dir, 'state.json'));
    await expect(store.list()).rejects.toMatchObject({
      message: expect.stringContaining('symbolic link to nothing'),
    });
    await expect(store.create()).rejects.toMatchObject({ message: expect.stringContaining('symbolic link') });

    const foreign = await tempDir();
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    await expect(createFileStore(foreign).create()).rejects.toMatchObject({
      message: expect.stringContaining('not empty'),
    });
    expect(await readdir(foreign)).toEqual(['notes.txt']);
  });

  it('a store removed while open fails like one never made, and works again once restored', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'store');
    const store = createFileStore(dir);
    await store.create();
    await store.put(makeRecord('web'));
    await rename(dir, join(parent, 'moved'));
    await expectStoreMissing(store, 'the directory does not exist');
    expect(await readdir(parent)).toEqual(['moved']);
    await rename(join(parent, 'moved'), dir);
    expect((await store.list()).records.map((r) => r.record.name)).toEqual(['web']);
  });
});

describe('a state file that cannot be used', () => {
  const unusable = async (make: (statePath: string) => Promise<void>) => {
    const dir = await tempDir();
    const statePath = join(dir, 'state.json');
    await make(statePath);
    return { store: createFileStore(dir, { maxStateBytes: 1024 }), statePath };
  };
  const expectUnusable = async (store: StateStore, statePath: string, why: string) => {
    const error = (await store.list().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(error.message).toContain(`cannot use ${statePath}: ${why}`);
    // Words, not Node's raw message.
    expect(error.message).not.toMatch(/illegal operation|EACCES: permission denied, open/);
    expect(isStoreMissing(error)).toBe(false);
  };

  it('a directory, a FIFO or a file over the size limit is UNAVAILABLE naming the file', async () => {
    const asDir = await unusable((p) => mkdir(p));
    await expectUnusable(asDir.store, asDir.statePath, 'it is a directory');
    const fifo = await unusable(async (p) => {
      execFileSync('mkfifo', [p]);
    });
    await expectUnusable(fifo.store, fifo.statePath, 'it is not a regular file');
    const big = await unusable(async (p) => {
      await writeFile(p, '');
      await truncate(p, 4096);
    });
    await expectUnusable(big.store, big.statePath, 'it is 4096 bytes');
    // The default limit, against a sparse 3 GiB file (Node itself cannot read one into a string).
    await truncate(big.statePath, 3 * 1024 ** 3);
    const error = await createFileStore(join(big.statePath, '..'))
      .list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('3221225472 bytes'),
    });
  });

  it('a state file its user may not read is UNAVAILABLE naming it (checked as an unprivileged user)', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.create();
    await store.put(makeRecord('web'));
    await chmod(dir, 0o755);
    await chmod(join(dir, 'state.json'), 0o600);
    // Root reads every file: the read runs as `nobody`, through the store's own code.
    const program = `import(${JSON.stringify(join(import.meta.dirname, 'file-store.ts'))})
      .then((m) => m.createFileStore(${JSON.stringify(dir)}).list())
      .then(() => console.log('READ'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`;
    const run = spawnSync(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        '--import',
        'tsx',
        '-e',
        program,
      ],
      { encoding: 'utf8', cwd: join(import.meta.dirname, '../../..'), timeout: 60_000 },
    );
    if (run.error || run.status !== 0) throw new Error(`setpriv failed: ${run.error ?? run.stderr}`);
    const outcome = JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
    expect(outcome.code).toBe('UNAVAILABLE');
    expect(outcome.message).toContain(`cannot use ${join(dir, 'state.json')}: permission denied`);
  }, 60_000);
});
