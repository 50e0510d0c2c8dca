/**
 * Writer contention across processes: several driver processes creating NLBs on one store at once.
 * Each create chooses its VIP from every record and is written only if the store did not change
 * meanwhile; losing that race is retried with jittered backoff, so no create fails for it (CONFLICT is
 * only for another writer changing the same NLB). On the file store and, when installed, PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresBinDir, startPostgres } from '../../../test/native/postgres-server.js';
import { createFileStore } from '../../native/store/file-store.js';
import { createMemoryStore } from '../../native/store/memory-store.js';
import { createPostgresStore } from '../../native/store/postgres-store.js';
import { storeRevisionConflict } from '../../native/store/state-document.js';
import type { StateStore } from '../../native/store/types.js';
import { createNativeDriver } from './native-driver.js';

const WRITERS = 4;
const CREATES = 30;
const child = join(import.meta.dirname, '../../../test/native/store-contention-writer.ts');
const bin = postgresBinDir();
if (!bin && process.env.CI === 'true') throw new Error('PostgreSQL is needed for the contention test in CI');

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
}, 30_000);

type Outcome = { ok?: string; code?: string; message?: string };

/** Starts the writers, lets them go together, and collects every create's outcome. */
async function race(where: string, schema: string): Promise<Outcome[]> {
  const writers = Array.from({ length: WRITERS }, (_, w) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, where, schema, `w${w}`, String(CREATES)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    const lines: string[] = [];
    const ready = new Promise<void>((resolve) =>
      createInterface({ input: p.stdout }).on('line', (line) => {
        if (line === 'ready') resolve();
        else lines.push(line);
      }),
    );
    const exited = new Promise<void>((resolve, reject) =>
      p.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`writer w${w} exited ${code}: ${stderr}`)),
      ),
    );
    return { p, ready, exited, lines };
  });
  await Promise.all(writers.map((w) => w.ready));
  for (const w of writers) w.p.stdin.end('go\n');
  await Promise.all(writers.map((w) => w.exited));
  return writers.flatMap((w) => w.lines.map((line) => JSON.parse(line) as Outcome));
}

async function expectEveryCreateLands(store: StateStore, outcomes: Outcome[]) {
  expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  expect(outcomes).toHaveLength(WRITERS * CREATES);
  const listeners = outcomes.map((o) => o.ok);
  expect(new Set(listeners).size).toBe(listeners.length);
  const stored = (await store.list()).records;
  expect(stored).toHaveLength(WRITERS * CREATES);
  expect(new Set(stored.map((r) => r.record.service.vip)).size).toBe(WRITERS * CREATES);
}

describe('several driver processes creating on one store at once', () => {
  it(`file store: ${WRITERS} writers x ${CREATES} creates, every one lands on its own VIP`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-contention-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const store = createFileStore(dir);
    await store.create();
    await expectEveryCreateLands(store, await race(dir, ''));
    await store.close();
  }, 180_000);

  it.skipIf(!bin)(
    `PostgreSQL: ${WRITERS} writers x ${CREATES} creates, every one lands on its own VIP`,
    async () => {
      const server: PostgresServer = await startPostgres(bin as string);
      cleanups.push(() => server.stop());
      const store = createPostgresStore({
        connection: { connectionString: server.url },
        schema: 'contention',
      });
      await store.create();
      await expectEveryCreateLands(store, await race(server.url, 'contention'));
      await store.close();
    },
    180_000,
  );
});

describe('a store that never settles', () => {
  it('is a retryable UNAVAILABLE after the deadline, not CONFLICT, and nothing is written', async () => {
    const store = createMemoryStore();
    let tries = 0;
    // Another writer commits between every read and write of ours: our expected store revision is
    // always stale.
    const busy: StateStore = {
      ...store,
      put: async (record, opts) => {
        if (opts?.expectedStoreRevision === undefined) return store.put(record, opts);
        tries++;
        throw storeRevisionConflict(opts.expectedStoreRevision, opts.expectedStoreRevision + 1);
      },
    };
    const driver = createNativeDriver({
      store: busy,
      vipPool: { ranges: ['10.99.0.0/24'] },
      vmInventory: { vm1: { ipv4: '10.0.0.11' } },
      contentionTimeoutMs: 300,
    });
    const error = await driver
      .createNLB({
        iid: { nameId: 'web' },
        listener: { protocol: 'TCP', port: 80 },
        vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
        healthChecker: { protocol: 'TCP' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect((error as Error).message).toContain('other writers kept changing the store');
    expect(tries).toBeGreaterThan(1);
    expect(await store.list()).toEqual({ revision: 0, records: [] });
  });
});
