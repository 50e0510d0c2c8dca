import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRecord } from '../../../test/native/store-record.js';
import { createFileStore } from './file-store.js';
import { createMemoryStore } from './memory-store.js';
import type { NodeReport, StateStore } from './types.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'nlbk-store-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const report = (node: string, appliedRevision: number): NodeReport => ({
  node,
  appliedRevision,
  attemptedRevision: appliedRevision,
  updatedAt: new Date(0).toISOString(),
  vips: ['10.99.0.1'],
  health: { web: { vm1: { state: 'HEALTHY', lastCheck: new Date(0).toISOString() } } },
});

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.each([
  ['memory', async () => createMemoryStore()],
  ['file', async () => createFileStore(await tempDir(), { pollMs: 50 })],
])('%s store', (_name, make: () => Promise<StateStore>) => {
  it('puts, gets, lists sorted, deletes, and bumps the revision on every change', async () => {
    const store = await make();
    expect(await store.list()).toEqual({ revision: 0, records: [] });
    expect(await store.put(makeRecord('web'))).toBe(1);
    expect(await store.put(makeRecord('api'))).toBe(2);
    expect((await store.get('web'))?.revision).toBe(1);
    expect((await store.list()).records.map((r) => r.record.name)).toEqual(['api', 'web']);
    expect(await store.delete('web')).toBe(true);
    expect(await store.delete('web')).toBe(false);
    expect(await store.revision()).toBe(3);
    expect(await store.get('web')).toBeUndefined();
    await store.close();
  });

  it('rejects a write whose expected revision is stale with CONFLICT, writing nothing', async () => {
    const store = await make();
    await store.put(makeRecord('web'), { expectedRevision: 0 });
    await expect(store.put(makeRecord('web'), { expectedRevision: 0 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await store.put(makeRecord('web', { port: 81 }), { expectedRevision: 1 });
    await expect(store.delete('web', { expectedRevision: 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.get('web'))?.record.service.port).toBe(81);
    expect(await store.revision()).toBe(2);
    await store.close();
  });

  it('returns copies', async () => {
    const store = await make();
    await store.put(makeRecord('web'));
    const got = await store.get('web');
    if (got) got.record.service.port = 1;
    expect((await store.get('web'))?.record.service.port).toBe(80);
    await store.close();
  });

  it('keeps node reports and tells watchers about changes', async () => {
    const store = await make();
    let calls = 0;
    const stop = store.watch(() => calls++);
    await new Promise((r) => setTimeout(r, 100));
    await store.putNodeReport(report('lb1', 1));
    await until(() => calls > 0);
    const seen = calls;
    await store.put(makeRecord('web'));
    await until(() => calls > seen);
    expect(await store.listNodeReports()).toEqual([report('lb1', 1)]);
    stop();
    await expect(store.putNodeReport(report('../evil', 1))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await store.close();
  });
});

describe('file store across processes', () => {
  it('a second instance on the same directory sees writes and is woken by its watcher', async () => {
    const dir = await tempDir();
    const writer = createFileStore(dir, { pollMs: 50 });
    const reader = createFileStore(dir, { pollMs: 50 });
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
