/**
 * The distributed shape with the PostgreSQL store: the driver in this process, two `nlbkit agent`
 * processes (two LB nodes, each programming its own network namespace as if on its own host) that
 * reach the store only through the PG* environment, a throwaway PostgreSQL server between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNetns, makeNetns, requireRootNetns } from '../../test/native/netns.js';
import { type PostgresServer, postgresBinDir, startPostgres } from '../../test/native/postgres-server.js';
import { type CliProcess, runCli } from '../../test/native/run-cli.js';
import { createNativeDriver } from '../drivers/native/native-driver.js';
import { createPostgresStore } from '../native/store/postgres-store.js';

const bin = postgresBinDir();
const enabled = requireRootNetns();

describe.skipIf(!enabled || !bin)('nlbkit agent on the PostgreSQL store: two nodes, one driver', () => {
  let server: PostgresServer;
  const namespaces: ReturnType<typeof makeNetns>[] = [];
  const agents: CliProcess[] = [];
  beforeAll(async () => {
    server = await startPostgres(bin as string);
    namespaces.push(makeNetns('pg1'), makeNetns('pg2'));
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) a.child.kill('SIGKILL');
    for (const ns of namespaces) ns.remove();
    await server?.stop();
  }, 30_000);

  it('both nodes apply what the driver writes, woken through the database, and stop cleanly', async () => {
    const schema = `agents_${process.pid}`;
    const store = createPostgresStore({ connection: { connectionString: server.url }, schema });
    const driver = createNativeDriver({
      store,
      vipPool: { ranges: ['10.99.0.0/24'] },
      vmInventory: { vm1: { ipv4: '10.0.0.11' }, vm2: { ipv4: '10.0.0.12' } },
      nodes: ['lb1', 'lb2'],
      convergenceTimeoutMs: 30_000,
    });
    // Only the standard libpq variables: no connection string on the command line.
    const env = {
      PGHOST: server.host,
      PGPORT: String(server.port),
      PGUSER: server.user,
      PGDATABASE: server.database,
    };
    const init = runCli(['store', 'init', `postgres:${schema}`], env);
    expect(await init.exited).toBe(0);
    expect(init.stdout()).toContain(`created store postgres:${schema}`);
    for (const [i, ns] of namespaces.entries()) {
      // A long interval: convergence below must come from NOTIFY, not from the periodic reconcile.
      const args = ['agent', '--store', `postgres:${schema}`, '--node', `lb${i + 1}`, '--netns', ns.name];
      agents.push(runCli([...args, '--interval', '600', '--no-health'], env));
    }
    const nlb = await driver.createNLB({
      iid: { nameId: 'web' },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
      healthChecker: { protocol: 'TCP' },
    });
    expect(await driver.waitForConvergence()).toBe(1);
    for (const ns of namespaces) {
      expect(inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit'])).toContain('10.0.0.11');
      expect(inNetns(ns.name, ['ip', '-j', 'addr', 'show'])).toContain('"10.99.0.1"');
    }
    const started = Date.now();
    await driver.addVMs(nlb.iid, [{ nameId: 'vm2' }]);
    expect(await driver.waitForConvergence()).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const ns of namespaces)
      expect(inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit'])).toContain('10.0.0.12');
    const reports = await store.listNodeReports();
    expect(reports.map((r) => [r.node, r.appliedRevision])).toEqual([
      ['lb1', 2],
      ['lb2', 2],
    ]);

    for (const a of agents) a.child.kill('SIGTERM');
    for (const a of agents) {
      expect(await a.exited).toBe(0);
      expect(a.stderr()).toContain(`store postgres:${schema}`);
      // The connection settings stay out of the log.
      expect(a.stderr()).not.toContain(`${server.host}:${server.port}`);
    }
    await store.close();
  }, 90_000);
});
