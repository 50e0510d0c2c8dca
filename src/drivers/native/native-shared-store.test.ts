/**
 * Several native drivers (as several processes of a broker) writing one store at once: VIP choices rest
 * on every other record, so a driver whose store changed under it chooses again instead of handing out
 * a listener another driver just took. Run on two file-store instances of one directory and, when
 * PostgreSQL is installed, on the PostgreSQL store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresBinDir, startPostgres } from '../../../test/native/postgres-server.js';
import type { NLBInfo } from '../../interfaces/types.js';
import { createFileStore } from '../../native/store/file-store.js';
import { createPostgresStore } from '../../native/store/postgres-store.js';
import type { StateStore } from '../../native/store/types.js';
import { createNativeDriver } from './native-driver.js';

const bin = postgresBinDir();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
}, 30_000);

let server: Promise<PostgresServer> | undefined;
/** Two store instances on the same state, as two processes would open it. */
async function twoFileStores(): Promise<[StateStore, StateStore]> {
  const dir = await mkdtemp(join(tmpdir(), 'nlbk-shared-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const stores: [StateStore, StateStore] = [createFileStore(dir), createFileStore(dir)];
  await stores[0].create();
  return stores;
}
async function twoPostgresStores(): Promise<[StateStore, StateStore]> {
  server ??= startPostgres(bin as string).then((s) => {
    cleanups.push(() => s.stop());
    return s;
  });
  const { url } = await server;
  const open = () =>
    createPostgresStore({ connection: { connectionString: url }, schema: `shared_${process.pid}` });
  const stores: [StateStore, StateStore] = [open(), open()];
  await stores[0].create();
  return stores;
}

const cases: [string, () => Promise<[StateStore, StateStore]>][] = [['file', twoFileStores]];
if (bin) cases.push(['postgres', twoPostgresStores]);

describe.each(cases)('two native drivers on one %s store', (_name, open) => {
  it('never hand out the same VIP and port twice when creating at once', async () => {
    const stores = await open();
    const inventory = { vm1: { ipv4: '10.0.0.11' } };
    // Twelve free addresses for twelve NLBs on port 80: every address ends up used, so a clash would
    // show as a duplicate. One more address for the requested-IP race below.
    const drivers = stores.map((store) =>
      createNativeDriver({ store, vipPool: { ranges: ['10.99.0.1-10.99.0.13'] }, vmInventory: inventory }),
    );
    const create = (i: number) =>
      (drivers[i % 2] as (typeof drivers)[number]).createNLB({
        iid: { nameId: `lb${i}` },
        listener: { protocol: 'TCP', port: 80 },
        vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
        healthChecker: { protocol: 'TCP' },
      });
    const created: NLBInfo[] = await Promise.all(Array.from({ length: 12 }, (_, i) => create(i)));
    expect(created.map((n) => n.listener.ip).sort()).not.toContain('10.99.0.13');
    const listeners = created.map((n) => `${n.listener.ip}:${n.listener.port}`);
    expect(new Set(listeners).size).toBe(12);
    const stored = await drivers[0]!.listNLB();
    expect(new Set(stored.map((n) => `${n.listener.ip}:${n.listener.port}`)).size).toBe(12);
    // Both asking for the same address and port at once: exactly one gets it.
    const race = await Promise.allSettled(
      drivers.map((d, i) =>
        d.createNLB({
          iid: { nameId: `asked${i}` },
          listener: { protocol: 'TCP', port: 443, ip: '10.99.0.13' },
          vmGroup: { protocol: 'TCP', port: 8443, vms: [{ nameId: 'vm1' }] },
          healthChecker: { protocol: 'TCP' },
        }),
      ),
    );
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((race.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      code: 'CONFLICT',
    });
    for (const d of drivers) await d.close();
    for (const s of stores) await s.close();
  });
});
