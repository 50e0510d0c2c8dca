import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRecord } from '../../../test/native/store-record.js';
import { createFileStore } from './file-store.js';
import type { NodeReport } from './types.js';

const child = join(import.meta.dirname, '../../../test/native/store-crash-writer.ts');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs the writer until it has acknowledged some writes, kills it with SIGKILL at a random moment. */
function runAndKill(dir: string, killAfterMs: number, extra: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = 0;
    let buf = '';
    let timer: NodeJS.Timeout | undefined;
    let stderr = '';
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) acked = Math.max(acked, Number(l));
      // Start the random clock only once writes are flowing (tsx start-up takes a while).
      timer ??= setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    });
    p.on('error', reject);
    p.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe.each([
  ['', []],
  // Compacting whenever old versions outweigh the live records: every few writes, so kills land in
  // compactions (between writing the new log and renaming it, too).
  [' while the log is compacted every few writes', ['0']],
])('file store survives kill -9%s', (_title, extra: string[]) => {
  it('always loads a complete, valid state that holds every acknowledged write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-crash-'));
    dirs.push(dir);
    let previous = 0;
    for (let round = 0; round < 8; round++) {
      const acked = await runAndKill(dir, Math.floor(Math.random() * 300), extra);
      expect(acked).toBeGreaterThan(0);
      // A fresh store in this process: validation (zod) runs on load and would throw on a torn file.
      const store = createFileStore(dir);
      const snap = await store.list();
      // kill -9 loses no acknowledged write, and the revision never goes back.
      expect(snap.revision).toBeGreaterThanOrEqual(acked);
      expect(snap.revision).toBeGreaterThanOrEqual(previous);
      previous = snap.revision;
      for (const { record, revision } of snap.records) {
        expect(revision).toBeLessThanOrEqual(snap.revision);
        if (!record.name.startsWith('nlb-')) continue;
        const payload = record.nlb.tagList.find((t) => t.key === 'payload')?.value ?? '';
        expect(payload).toBe(String(record.service.port % 10).repeat(200));
      }
      const reports = await store.listNodeReports();
      expect(reports.map((r) => r.node)).toEqual(['lb1']);
      expect(reports[0]?.appliedRevision).toBeLessThanOrEqual(snap.revision);
      // The writer can resume after a crash: the stale lock and temp files do not block it.
      await store.put(makeRecord(`after-crash-${round}`));
      expect(await store.revision()).toBe(snap.revision + 1);
      await store.putNodeReport({ ...(reports[0] as NodeReport), updatedAt: new Date().toISOString() });
      await store.close();
    }
    const names = [...(await readdir(dir)), ...(await readdir(join(dir, 'nodes')))];
    const leftovers = names.filter((n) => n.includes('.tmp-') || n.startsWith('state.lock'));
    expect(leftovers).toEqual([]);
  }, 120_000);
});
