/**
 * State-store benchmark: what a driver write and an agent's wake-up cost on each store.
 *
 * For the memory, file and PostgreSQL stores (the last on a throwaway local server with PostgreSQL's
 * default durability, every commit flushed to disk, as the file store flushes every write):
 * - write latency: `put` of one record with `expectedRevision`, sequential, p50/p99;
 * - concurrent writers: two store instances (as two processes) writing at once, writes/s;
 * - list latency with `--records` records;
 * - wake-up latency: a second instance watching; time from `put` resolving to its watcher being called
 *   (memory: same instance; file: fs.watch/poll; PostgreSQL: NOTIFY);
 * printed side by side with ratios to the file store, the embedded default.
 * Then the scaling table (bench/store-scaling.ts): createNLB, getNLB, addVMs, deleteNLB through the
 * native driver on each store (and the mock driver) at 10, 1,000 and 10,000 NLBs, and the time to create
 * the 10,000, beside the goals.
 *
 * Run: npm run bench:store [-- --writes 300 --records 1000 --sizes 10,1000,10000 --samples 50
 *      --budget 300 --only scaling|writes --drivers mock,memory,file,postgres]
 * (the PostgreSQL part needs initdb/postgres)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMockDriver } from '../src/drivers/mock/index.js';
import { createNativeDriver } from '../src/drivers/native/index.js';
import { createFileStore, createMemoryStore, createPostgresStore } from '../src/native/store/index.js';
import type { StateStore } from '../src/native/store/types.js';
import { type PostgresServer, postgresBinDir, startPostgres } from '../test/native/postgres-server.js';
import { makeRecord } from '../test/native/store-record.js';
import { measureScaling, printScaling, type ScalingResult, type ScalingSubject } from './store-scaling.js';

const { values: args } = parseArgs({
  options: {
    writes: { type: 'string', default: '300' },
    records: { type: 'string', default: '1000' },
    sizes: { type: 'string', default: '10,1000,10000' },
    samples: { type: 'string', default: '50' },
    budget: { type: 'string', default: '300' },
    only: { type: 'string' },
    drivers: { type: 'string', default: 'mock,memory,file,postgres' },
  },
});
const WRITES = Number(args.writes);
const RECORDS = Number(args.records);
const SIZES = args.sizes.split(',').map(Number);
const SAMPLES = Number(args.samples);
const BUDGET_SECONDS = Number(args.budget);
const DRIVERS = new Set(args.drivers.split(','));

interface Row {
  store: string;
  putP50: number;
  putP99: number;
  concurrentPerSec: number;
  listMs: number;
  wakeP50: number;
  wakeP99: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};
const ms = () => performance.now();

async function measure(name: string, open: () => StateStore): Promise<Row> {
  const a = open();
  const b = open();
  await a.create();
  // Sequential writes of one record, as the driver does them (read revision, conditional put).
  const puts: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const current = await a.get('web');
    const t = ms();
    await a.put(makeRecord('web', { port: 1000 + (i % 100) }), { expectedRevision: current?.revision ?? 0 });
    puts.push(ms() - t);
  }
  // Two instances writing different records at once.
  const t0 = ms();
  await Promise.all(
    [a, b].map(async (s, k) => {
      for (let i = 0; i < WRITES / 2; i++) await s.put(makeRecord(`w${k}-${i % 50}`));
    }),
  );
  const concurrentPerSec = (WRITES / (ms() - t0)) * 1000;
  for (let i = 0; i < RECORDS; i++) await a.put(makeRecord(`r${i}`));
  const lists: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = ms();
    await b.list();
    lists.push(ms() - t);
  }
  // Wake-up: b watches; each put on a is timed until b's watcher runs.
  const watcher = name === 'memory' ? a : b;
  let wake: (() => void) | undefined;
  const stop = watcher.watch(() => wake?.());
  await new Promise((r) => setTimeout(r, 300));
  const wakes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const woken = new Promise<void>((r) => {
      wake = r;
    });
    const t = ms();
    await a.put(makeRecord('web', { port: 2000 + i }));
    await Promise.race([woken, new Promise((r) => setTimeout(r, 5000))]);
    wakes.push(ms() - t);
    wake = undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
  stop();
  await a.close();
  await b.close();
  return {
    store: name,
    putP50: pct(puts, 0.5),
    putP99: pct(puts, 0.99),
    concurrentPerSec,
    listMs: pct(lists, 0.5),
    wakeP50: pct(wakes, 0.5),
    wakeP99: pct(wakes, 0.99),
  };
}

const vmInventory = { vm1: { ipv4: '10.0.0.11' }, vm2: { ipv4: '10.0.0.12' } };
/** The native driver over `store`, with a pool big enough for every size. */
const nativeOver = (name: string, store: StateStore): ScalingSubject => {
  const driver = createNativeDriver({ store, vipPool: { ranges: ['10.64.0.0/14'] }, vmInventory });
  return { name, driver, close: () => driver.close() };
};

/** The scaling table: every store through the native driver, and the mock driver. */
async function scaling(): Promise<void> {
  const results: ScalingResult[] = [];
  const run = async (subject: ScalingSubject) => {
    try {
      results.push(await measureScaling(subject, SIZES, SAMPLES, BUDGET_SECONDS));
    } finally {
      await subject.close();
    }
  };
  const mock = createMockDriver({ vms: { vm1: {}, vm2: {} } });
  if (DRIVERS.has('mock')) await run({ name: 'mock', driver: mock, close: async () => undefined });
  if (DRIVERS.has('memory')) await run(nativeOver('native/memory', createMemoryStore()));
  const dir = await mkdtemp(join(tmpdir(), 'nlbk-bench-scale-'));
  try {
    if (DRIVERS.has('file')) await run(nativeOver('native/file', createFileStore(dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const bin = postgresBinDir();
  if (!DRIVERS.has('postgres')) return printScaling(results);
  if (!bin) console.log('PostgreSQL not installed (initdb/postgres): its scaling rows are skipped');
  else {
    const server = await startPostgres(bin, { durable: true });
    try {
      const connection = { connectionString: server.url };
      await run(nativeOver('native/postgres', createPostgresStore({ connection })));
    } finally {
      await server.stop();
    }
  }
  printScaling(results);
}

async function main() {
  if (args.only !== 'writes') await scaling();
  if (args.only === 'scaling') return;
  const rows: Row[] = [];
  const memory = createMemoryStore();
  rows.push(await measure('memory', () => memory));
  const dir = await mkdtemp(join(tmpdir(), 'nlbk-bench-store-'));
  try {
    rows.push(await measure('file', () => createFileStore(dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const bin = postgresBinDir();
  let server: PostgresServer | undefined;
  if (!bin) console.log('PostgreSQL not installed (initdb/postgres): its row is skipped');
  else {
    server = await startPostgres(bin, { durable: true });
    try {
      const url = server.url;
      rows.push(
        await measure('postgres', () => createPostgresStore({ connection: { connectionString: url } })),
      );
    } finally {
      await server.stop();
    }
  }
  const f = (n: number, d = 2) => n.toFixed(d).padStart(9);
  console.log(
    `\n${WRITES} sequential writes, ${WRITES} concurrent writes from two instances, list of ${RECORDS} records`,
  );
  console.log('store     put p50 ms  put p99 ms  2 writers/s  list ms  wake p50 ms  wake p99 ms');
  for (const r of rows) {
    console.log(
      `${r.store.padEnd(8)} ${f(r.putP50, 3)}   ${f(r.putP99, 3)}   ${f(r.concurrentPerSec, 0)}  ${f(r.listMs)} ${f(r.wakeP50)}    ${f(r.wakeP99)}`,
    );
  }
  const file = rows.find((r) => r.store === 'file');
  const pg = rows.find((r) => r.store === 'postgres');
  if (file && pg) {
    console.log('\nratios postgres/file (below 1: postgres is faster)');
    console.log(
      `  put p50 ${(pg.putP50 / file.putP50).toFixed(2)}  list ${(pg.listMs / file.listMs).toFixed(2)}  wake p50 ${(pg.wakeP50 / file.wakeP50).toFixed(2)}  writes/s ${(pg.concurrentPerSec / file.concurrentPerSec).toFixed(2)}x`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
