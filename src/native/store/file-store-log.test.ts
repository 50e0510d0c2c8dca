/**
 * The file store's log (format 2): a format-1 state.json read and migrated, torn and damaged lines,
 * compaction (left half done by a dead writer, and under a watching reader).
 */
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../../test/native/store-contract.js';
import { makeRecord } from '../../../test/native/store-record.js';
import { createFileStore } from './file-store.js';
import { MARKER_JSON } from './file-store-marker.js';
import { applyPut, documentToJSON, emptyDocument } from './state-document.js';
import { encodeLine } from './state-log-format.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'nlbk-log-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A format-1 state.json as earlier versions wrote it: `web` at revision 2, `api` at 4, store at 5. */
async function formatOneStore(): Promise<string> {
  const dir = await tempDir();
  const doc = emptyDocument();
  applyPut(doc, makeRecord('old'));
  applyPut(doc, makeRecord('web', { port: 81 }));
  applyPut(doc, makeRecord('gone'));
  applyPut(doc, makeRecord('api', { vip: '10.99.0.2' }));
  doc.records.delete('old');
  doc.records.delete('gone');
  doc.revision = 5;
  await writeFile(join(dir, 'state.json'), documentToJSON(doc));
  return dir;
}
const names = async (dir: string) =>
  (await createFileStore(dir).list()).records.map((r) => `${r.record.name}@${r.revision}`);

describe('file store format 2 (log)', () => {
  it('reads a format-1 state.json as it is, and the next write migrates it, revisions kept', async () => {
    const dir = await formatOneStore();
    const before = await readFile(join(dir, 'state.json'), 'utf8');
    const store = createFileStore(dir);
    expect(await store.create()).toBe(false);
    expect(await store.list()).toMatchObject({ revision: 5 });
    expect(await names(dir)).toEqual(['api@4', 'web@2']);
    // Reading changed nothing.
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['state.json']);

    expect(await store.put(makeRecord('new', { vip: '10.99.0.3' }), { expectedRevision: 0 })).toBe(6);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe(MARKER_JSON);
    expect(await names(dir)).toEqual(['api@4', 'new@6', 'web@2']);
    expect((await createFileStore(dir).get('web'))?.record.service.port).toBe(81);
    await expect(store.put(makeRecord('web'), { expectedRevision: 1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await store.close();
  });

  it('a migration cut short (log written, state.json still format 1) is done again from state.json', async () => {
    const dir = await formatOneStore();
    // What a writer killed between the two renames leaves: a log, and the format-1 state.json in charge.
    await writeFile(
      join(dir, 'state.log'),
      encodeLine({ format: 2, revision: 0, count: 0, id: '0'.repeat(16) }),
    );
    expect(await names(dir)).toEqual(['api@4', 'web@2']);
    const store = createFileStore(dir);
    await store.delete('web');
    expect(await store.revision()).toBe(6);
    expect(await names(dir)).toEqual(['api@4']);
  });

  it('ignores a torn last line, and the next write cuts it off', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.create();
    await store.put(makeRecord('web'));
    const log = join(dir, 'state.log');
    // A kill -9 in the middle of an append: part of a line, no newline.
    const next = encodeLine({ r: 2, put: makeRecord('api') });
    await appendFile(log, next.slice(0, 40));
    expect(await names(dir)).toEqual(['web@1']);
    expect(await store.put(makeRecord('api', { port: 82 }))).toBe(2);
    expect(await names(dir)).toEqual(['api@2', 'web@1']);
    // A power loss: a whole line whose checksum does not hold (the bytes never reached the disk).
    await appendFile(log, `00000000${next.slice(8).replace('"r":2', '"r":3')}`);
    expect((await createFileStore(dir).list()).revision).toBe(2);
    expect(await store.delete('web')).toBe(true);
    expect(await names(dir)).toEqual(['api@2']);
    expect(await createFileStore(dir).revision()).toBe(3);
  });

  it('refuses a log with a damaged line before others, naming it, instead of dropping writes', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.create();
    await store.put(makeRecord('web'));
    await store.put(makeRecord('api'));
    const log = join(dir, 'state.log');
    const text = await readFile(log, 'utf8');
    await writeFile(log, text.replace('"name":"web"', '"name":"wob"'));
    for (const s of [createFileStore(dir), store])
      await expect(s.list()).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`cannot use ${log}`),
      });
    await expect(store.put(makeRecord('x'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    // Nothing was cut off or appended.
    expect(await readFile(log, 'utf8')).toBe(text.replace('"name":"web"', '"name":"wob"'));
  });

  it('a record that does not validate is refused on read, like in state.json', async () => {
    const dir = await tempDir();
    await createFileStore(dir).create();
    const bad = makeRecord('web');
    bad.service.vip = '10.99.0.1; flush ruleset';
    await appendFile(join(dir, 'state.log'), encodeLine({ r: 1, put: bad }));
    await expect(createFileStore(dir).list()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('not a valid nlbkit change'),
    });
  });

  it('refuses to write a record it would refuse to read, writing nothing', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.create();
    const bad = makeRecord('web');
    bad.service.vip = '10.99.0.1; flush ruleset';
    const before = await readFile(join(dir, 'state.log'), 'utf8');
    await expect(store.put(bad)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('service.vip'),
    });
    expect(await readFile(join(dir, 'state.log'), 'utf8')).toBe(before);
    expect(await createFileStore(dir).revision()).toBe(0);
  });

  it('an empty log, or one cut inside its header, is UNAVAILABLE, never an empty store', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.create();
    const log = join(dir, 'state.log');
    const header = await readFile(log, 'utf8');
    for (const text of ['', header.slice(0, 30)]) {
      await writeFile(log, text);
      for (const s of [store, createFileStore(dir)])
        await expect(s.list()).rejects.toMatchObject({
          code: 'UNAVAILABLE',
          message: expect.stringContaining('no complete header line'),
        });
      await expect(store.put(makeRecord('web'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(await readFile(log, 'utf8')).toBe(text);
    }
  });

  it('a state.json without its log is a lost store, never an empty one', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.create();
    await store.put(makeRecord('web'));
    await rm(join(dir, 'state.log'));
    await expect(createFileStore(dir).list()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('state.log does not exist'),
    });
    await expect(store.put(makeRecord('api'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('a log that is a FIFO or a directory is UNAVAILABLE naming it, at once', async () => {
    for (const make of [(p: string) => execFileSync('mkfifo', [p]), (p: string) => mkdir(p)]) {
      const dir = await tempDir();
      await writeFile(join(dir, 'state.json'), MARKER_JSON);
      await make(join(dir, 'state.log'));
      await expect(createFileStore(dir).list()).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`cannot use ${join(dir, 'state.log')}`),
      });
    }
  });

  it('compaction left half done by a dead writer (its temporary file) changes nothing and is cleaned', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir, { compactSlackBytes: 0 });
    await store.create();
    await store.put(makeRecord('web'));
    // A compacted log being written by a process that died (pid 2^22 + 1: above pid_max's default).
    const tmp = join(dir, 'state.log.tmp-4194305-deadbeef');
    await writeFile(tmp, encodeLine({ format: 2, revision: 9, count: 0, id: '1'.repeat(16) }).slice(0, 20));
    expect(await names(dir)).toEqual(['web@1']);
    await store.put(makeRecord('web', { port: 81 }));
    expect(await readdir(dir)).not.toContain('state.log.tmp-4194305-deadbeef');
    expect(await names(dir)).toEqual(['web@2']);
  });

  it('a reader tells another log with the inode number it read (reused once freed) by its header', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.create();
    await store.put(makeRecord('web'));
    const reader = createFileStore(dir);
    expect((await reader.list()).revision).toBe(1);
    // Another store's longer log, written into the same inode (what inode reuse looks like to a reader).
    const other = await tempDir();
    const writer = createFileStore(other);
    await writer.create();
    for (const name of ['a', 'b', 'c']) await writer.put(makeRecord(name));
    await writeFile(join(dir, 'state.log'), await readFile(join(other, 'state.log')));
    expect((await reader.list()).records.map((r) => r.record.name)).toEqual(['a', 'b', 'c']);
  });

  it('a watching reader sees every change across compactions, at one revision each time', async () => {
    const dir = await tempDir();
    const writer = createFileStore(dir, { compactSlackBytes: 0, pollMs: 20 });
    await writer.create();
    const reader = createFileStore(dir, { pollMs: 20 });
    let woken = 0;
    const stop = reader.watch(() => woken++);
    const lineCount = async () => (await readFile(join(dir, 'state.log'), 'utf8')).split('\n').length - 1;
    let compactions = 0;
    for (let i = 0; i < 30; i++) {
      const before = await lineCount();
      const seen = woken;
      // Rewrites of a few records: old versions pile up, so the log is compacted every few writes.
      await writer.put(makeRecord(`lb${i % 3}`, { port: 100 + i }));
      if (i % 7 === 0) await writer.delete(`lb${(i + 1) % 3}`);
      // A log with fewer lines than before the write was compacted by it.
      if ((await lineCount()) < before) compactions++;
      await until(() => woken > seen);
      expect(await reader.list()).toEqual(await writer.list());
    }
    expect(compactions).toBeGreaterThan(5);
    // The log stays small: a header and the live records plus as many old versions, not 30-odd changes.
    expect(await lineCount()).toBeLessThanOrEqual(1 + 2 * 3 + 1);
    stop();
    await writer.close();
    await reader.close();
  });
});
