/**
 * An agent on the PostgreSQL store across a database outage (a throwaway server, shut down and
 * started again): the node keeps serving what it applied and says why it cannot update, and once the
 * database is back the agent catches up with what the driver writes, woken by the database again.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../../../test/native/fake-node.js';
import { type PostgresServer, postgresBinDir, startPostgres } from '../../../test/native/postgres-server.js';
import { until } from '../../../test/native/store-contract.js';
import { makeRecord } from '../../../test/native/store-record.js';
import { createPostgresStore } from '../store/postgres-store.js';
import { isStoreMissing } from '../store/store-errors.js';
import { createAgent } from './agent.js';

const bin = postgresBinDir();
let server: PostgresServer | undefined;
afterAll(async () => {
  await server?.stop();
}, 30_000);

const services = (kernel: FakeKernel) =>
  (JSON.parse(kernel.ruleset ?? '{"services":[]}') as { services: { id: string; port: number }[] }).services;

describe.skipIf(!bin)('agent on the PostgreSQL store, database outage', () => {
  it('keeps the kernel serving while the store is down and catches up when it is back', async () => {
    server = await startPostgres(bin as string);
    const connection = { connectionString: server.url, connectionTimeoutMillis: 1000 };
    const writer = createPostgresStore({ connection });
    const agentStore = createPostgresStore({ connection, pollMs: 300 });
    await writer.create();
    const kernel = new FakeKernel();
    // A long interval: what wakes the agent is the store's watch (NOTIFY, or its poll).
    const agent = createAgent({
      store: agentStore,
      node: 'lb1',
      executor: fakeIpExecutor(kernel),
      dataplane: () => fakeDataplane(kernel),
      intervalSeconds: 3600,
    });
    await writer.put(makeRecord('web', { vip: '10.99.0.1' }));
    expect(await agent.start()).toMatchObject({ revision: 1 });
    expect(services(kernel).map((s) => s.id)).toEqual(['web']);

    await server.pause();
    await expect(agent.reconcile()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    // Nothing was torn down: the node serves the last applied state.
    expect(services(kernel).map((s) => s.id)).toEqual(['web']);
    await expect(writer.put(makeRecord('api', { vip: '10.99.0.2' }))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });

    await server.resume();
    await writer.put(makeRecord('web', { vip: '10.99.0.1', port: 8080 }));
    await until(() => services(kernel).some((s) => s.id === 'web' && s.port === 8080), 10_000);
    await until(async () => (await writer.listNodeReports())[0]?.appliedRevision === 2, 10_000);
    expect((await writer.listNodeReports())[0]?.error).toBeUndefined();
    await agent.stop();
    await agentStore.close();
    await writer.close();
  }, 60_000);

  it('keeps the kernel as it is when its tables are dropped: missing, not empty', async () => {
    server ??= await startPostgres(bin as string);
    const connection = { connectionString: server.url };
    const writer = createPostgresStore({ connection, schema: 'dropped' });
    await writer.create();
    await writer.put(makeRecord('web', { vip: '10.99.0.1' }));
    const kernel = new FakeKernel();
    const lines: string[] = [];
    const agentStore = createPostgresStore({ connection, schema: 'dropped', pollMs: 300 });
    const agent = createAgent({
      store: agentStore,
      node: 'lb1',
      executor: fakeIpExecutor(kernel),
      dataplane: () => fakeDataplane(kernel),
      intervalSeconds: 1,
      log: (line) => lines.push(line),
    });
    expect(await agent.start()).toMatchObject({ revision: 1 });
    const ruleset = kernel.ruleset;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('DROP SCHEMA dropped CASCADE');
    await admin.end();
    const error = await agent.reconcile().catch((e: unknown) => e);
    expect(isStoreMissing(error)).toBe(true);
    // It keeps trying by itself, and says why each time.
    await until(
      () => lines.filter((l) => l.includes('no nlbkit store at postgres:dropped')).length >= 2,
      10_000,
    );
    expect(kernel.ruleset).toBe(ruleset);
    expect(services(kernel).map((s) => s.id)).toEqual(['web']);
    await agent.stop();
    await agentStore.close();
    await writer.close();
  }, 60_000);
});
