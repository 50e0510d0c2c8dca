import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract, until } from '../../../test/native/store-contract.js';
import { makeRecord } from '../../../test/native/store-record.js';
import { createFileStore, type FileStoreOptions } from './file-store.js';
import { createMemoryStore } from './memory-store.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'nlbk-store-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describeStoreContract('memory', async () => createMemoryStore());
/** A new, empty file store, created as the driver or `nlbkit store init` would. */
const freshFileStore = async (options: FileStoreOptions = {}) => {
  const store = createFileStore(await tempDir(), { pollMs: 50, ...options });
  expect(await store.create()).toBe(true);
  return store;
};
describeStoreContract('file', () => freshFileStore());

describe('file store across processes', () => {
  it('a fresh watcher is told of a change written while it was still starting', async () => {
    const dir = await tempDir();
    const writer = createFileStore(dir, { pollMs: 60_000 });
    await writer.create();
    const reader = createFileStore(dir, { pollMs: 60_000 });
    let woken = 0;
    const stop = reader.watch(() => woken++);
    await writer.put(makeRecord('web'));
    await until(() => woken > 0, 2000);
    stop();
  });

  it('a second instance on the same directory sees writes and is woken by its watcher', async () => {
    const dir = await tempDir();
    const writer = createFileStore(dir, { pollMs: 50 });
    const reader = createFileStore(dir, { pollMs: 50 });
    await writer.create();
    let woken = 0;
    reader.watch(() => woken++);
    await new Promise((r) => setTimeout(r, 100));
    await writer.put(makeRecord('web'));
    await until(() => woken > 0);
    expect((await reader.list()).records.map((r) => r.record.name)).toEqual(['web']);
    // Writes from two instances (as from two processes) are serialized by the lock: no lost update.
    await Promise.all([writer.put(makeRecord('a')), reader.put(makeRecord('b'))]);
    expect(await writer.revision()).toBe(3);
    await writer.close();
    await reader.close();
  });

  it('two instances in one process writing at once never hold the lock together (no lost write, no torn rename)', async () => {
    const dir = await tempDir();
    const stores = [1, 2, 3, 4].map(() => createFileStore(dir));
    // Created by all four at once: exactly one makes it.
    expect((await Promise.all(stores.map((s) => s.create()))).filter(Boolean)).toHaveLength(1);
    const revisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => stores[i % 4]!.put(makeRecord(`lb${i}`))),
    );
    expect(new Set(revisions).size).toBe(200);
    expect((await stores[0]!.list()).records).toHaveLength(200);
    for (const s of stores) await s.close();
  });

  it('refuses a state file that is not valid, naming the file, instead of starting empty', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'state.json'), '{"format":1,"revision":1,"records":{"web":{"revision":1}}}');
    await expect(createFileStore(dir).list()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('state.json'),
    });
    await writeFile(join(dir, 'state.json'), '{"format":1,');
    await expect(createFileStore(dir).list()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses a state file with a record keyed __proto__ instead of loading the others without it', async () => {
    const dir = await tempDir();
    const records = ['web', 'api'].map(
      (name) => `"${name}":${JSON.stringify({ revision: 1, record: makeRecord(name) })}`,
    );
    const proto = `"__proto__":${JSON.stringify({ revision: 1, record: makeRecord('web') })}`;
    await writeFile(
      join(dir, 'state.json'),
      `{"format":1,"revision":3,"records":{${[records[0], proto, records[1]].join(',')}}}`,
    );
    await expect(createFileStore(dir).list()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('"__proto__" is not a valid key'),
    });
  });

  it('refuses records whose addresses could inject into nft (validated on load)', async () => {
    const dir = await tempDir();
    const bad = makeRecord('web');
    bad.service.vip = '10.99.0.1; flush ruleset';
    await writeFile(
      join(dir, 'state.json'),
      JSON.stringify({ format: 1, revision: 1, records: { web: { revision: 1, record: bad } } }),
    );
    await expect(createFileStore(dir).list()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
