/**
 * An agent and its file store on a real kernel with traffic flowing: a store that does not exist is
 * never served as an empty one. The agent refuses to start on a mistyped path; a running agent whose
 * state.json is deleted, replaced by a dangling symlink, or whose directory is removed keeps the
 * kernel exactly as it is (connections keep landing on the backends throughout), says UNAVAILABLE,
 * retries, and resumes once the store is back.
 */
import { mkdtemp, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNativeDriver } from '../../src/drivers/native/native-driver.js';
import { type Agent, createAgent } from '../../src/native/agent/agent.js';
import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { createFileStore } from '../../src/native/store/file-store.js';
import { isStoreMissing } from '../../src/native/store/store-errors.js';
import {
  buildTopology,
  countByBackend,
  listAddresses,
  listRuleset,
  listTables,
  requireRootNetns,
  type Topology,
  waitFor,
} from './harness/index.js';

const enabled = requireRootNetns();

describe.skipIf(!enabled)('native agent: a store that is missing or lost', () => {
  let topo: Topology;
  let parent: string;
  const agents: Agent[] = [];
  beforeAll(async () => {
    topo = await buildTopology({ backends: 2, ipv6: false });
    parent = await mkdtemp(join(tmpdir(), 'nlbk-loss-'));
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await topo?.destroy();
    await rm(parent, { recursive: true, force: true });
  }, 60_000);

  const lb = () => topo.lbNodes[0]!;
  const startAgent = (dir: string, log: (line: string) => void = () => undefined) => {
    const agent = createAgent({
      store: createFileStore(dir, { pollMs: 100 }),
      node: 'lb0',
      executor: lb().exec,
      dataplane: () => createNftDataplane({ executor: lb().exec }),
      // This kernel has no dummy driver.
      interface: 'lo',
      intervalSeconds: 1,
      log,
    });
    agents.push(agent);
    return agent;
  };

  it('refuses to start on a store that does not exist: names it, creates nothing, touches no kernel', async () => {
    const typo = join(parent, 'nlbkti');
    const tablesBefore = await listTables(lb().exec);
    const error = await startAgent(typo)
      .start()
      .catch((e: unknown) => e);
    expect(isStoreMissing(error)).toBe(true);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(typo) });
    expect(await listTables(lb().exec)).toEqual(tablesBefore);
    await expect(readFile(join(typo, 'state.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the kernel serving while state.json is deleted, a dangling symlink, or its directory gone', async () => {
    const dir = join(parent, 'store');
    const store = createFileStore(dir);
    await store.create();
    const driver = createNativeDriver({
      store,
      vipPool: { ranges: [topo.vipPool.v4] },
      vmInventory: Object.fromEntries(topo.backends.map((b) => [b.name, { ipv4: b.address.v4 }])),
    });
    const nlb = await driver.createNLB({
      iid: { nameId: 'web' },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: topo.backends.map((b) => ({ nameId: b.name })) },
      healthChecker: { protocol: 'TCP' },
    });
    const vip = nlb.listener.ip as string;
    const lines: string[] = [];
    const agent = startAgent(dir, (line) => lines.push(line));
    expect(await agent.start()).toMatchObject({ revision: 1 });
    const traffic = (count: number, paceMs = 0) =>
      topo.client.agent.batch({ proto: 'tcp', host: vip, port: 80, count, paceMs });
    const served = await traffic(20);
    expect(countByBackend(served)).toEqual({ 'vm-0': 10, 'vm-1': 10 });
    const ruleset = await listRuleset(lb().exec);
    const addresses = await listAddresses(lb().exec);
    const saved = await readFile(join(dir, 'state.json'), 'utf8');
    const statePath = join(dir, 'state.json');

    const losses: [string, () => Promise<void>, () => Promise<void>][] = [
      ['state.json deleted', () => unlink(statePath), () => writeFile(statePath, saved)],
      [
        'state.json a dangling symlink',
        async () => {
          await unlink(statePath);
          await symlink(join(dir, 'restored-from-backup.json'), statePath);
        },
        async () => {
          await unlink(statePath);
          await writeFile(statePath, saved);
        },
      ],
      ['directory removed', () => rename(dir, `${dir}.gone`), () => rename(`${dir}.gone`, dir)],
    ];
    for (const [what, lose, restore] of losses) {
      // Connections paced over the whole loss: every one must land on a backend.
      const during = traffic(40, 100);
      const before = lines.filter((l) => l.includes('cannot read the store (UNAVAILABLE)')).length;
      await lose();
      // The agent notices by itself (watch, retries) and says so more than once: it keeps trying.
      await waitFor(`two failed reads after ${what}`, 20_000, async () =>
        lines.filter((l) => l.includes('cannot read the store (UNAVAILABLE)')).length >= before + 2
          ? true
          : undefined,
      );
      const error = await agent.reconcile().catch((e: unknown) => e);
      expect(isStoreMissing(error), what).toBe(true);
      expect(await listRuleset(lb().exec), what).toBe(ruleset);
      expect(await listAddresses(lb().exec), what).toEqual(addresses);
      await restore();
      expect(await agent.reconcile(), what).toMatchObject({ revision: 1, sync: { mode: 'none' } });
      const results = await during;
      expect(
        results.filter((r) => !r.ok),
        what,
      ).toEqual([]);
      expect(new Set(results.map((r) => r.backend)), what).toEqual(new Set(['vm-0', 'vm-1']));
    }
    expect(lines.some((l) => l.includes('the kernel keeps revision 1 as it is'))).toBe(true);

    // Back to normal: a change the driver writes now is applied.
    await driver.changeListener(nlb.iid, { protocol: 'TCP', port: 81 });
    await waitFor('port 81 applied', 20_000, async () =>
      (await listRuleset(lb().exec)).includes(`${vip} . tcp . 81 :`) ? true : undefined,
    );
    const after = await topo.client.agent.batch({ proto: 'tcp', host: vip, port: 81, count: 4 });
    expect(after.every((r) => r.ok)).toBe(true);
    await driver.close();
    await store.close();
  }, 120_000);
});
