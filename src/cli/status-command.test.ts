/**
 * `nlbkit status`: the store's NLBs and each node's state, and an exit code that says whether every
 * node applied the store's revision (the report as a pure function, then the command in a process).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/native/run-cli.js';
import { makeRecord } from '../../test/native/store-record.js';
import { createFileStore } from '../native/store/file-store.js';
import { createMemoryStore } from '../native/store/memory-store.js';
import type { NodeReport } from '../native/store/types.js';
import { renderStatus, storeStatus } from './status-report.js';

const nodeReport = (node: string, appliedRevision: number, extra: Partial<NodeReport> = {}): NodeReport => ({
  node,
  appliedRevision,
  attemptedRevision: appliedRevision,
  updatedAt: '2026-11-23T00:00:00.000Z',
  vips: ['10.99.0.1'],
  health: {},
  ...extra,
});

describe('storeStatus', () => {
  it('lists the NLBs and tells nodes in sync from nodes behind, failing or silent', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web'));
    const api = makeRecord('api', { vip: 'fd00:99::1', vms: { vm2: 'fd00::12', vm3: 'fd00::13' } });
    api.service.algorithm = 'SOURCE_HASH';
    api.service.hashFields = 'SOURCE_IP';
    api.service.backends[1]!.weight = 3;
    await store.put(api);
    const reports = [
      nodeReport('lb1', 2, {
        health: {
          web: { vm1: { state: 'UNHEALTHY', reason: 'refused' } },
          api: { vm2: { state: 'HEALTHY' } },
        },
      }),
      nodeReport('lb2', 1),
      nodeReport('lb3', 2, { error: 'nft: Operation not permitted' }),
    ];
    const status = storeStatus(await store.list(), reports, ['lb1', 'lb2', 'lb3', 'lb4']);
    expect(status.revision).toBe(2);
    expect(status.nlbs).toEqual([
      {
        name: 'api',
        listener: 'TCP [fd00:99::1]:80',
        algorithm: 'SOURCE_HASH(SOURCE_IP)',
        backends: ['vm2 [fd00::12]:8080', 'vm3 [fd00::13]:8080 w3'],
      },
      {
        name: 'web',
        listener: 'TCP 10.99.0.1:80',
        algorithm: 'ROUND_ROBIN',
        backends: ['vm1 10.0.0.11:8080'],
      },
    ]);
    expect(status.nodes.map((n) => [n.node, n.inSync, n.error])).toEqual([
      ['lb1', true, undefined],
      ['lb2', false, undefined],
      ['lb3', false, 'nft: Operation not permitted'],
      ['lb4', false, 'never reported'],
    ]);
    expect(status.nodes[0]?.unhealthy).toEqual(['web/vm1']);
    expect(status.converged).toBe(false);
    const text = renderStatus(status, 'memory');
    expect(text).toContain('store memory at revision 2: 2 NLB(s)');
    expect(text).toContain('lb2  behind (revision 1)');
    expect(text).toContain('lb3  ERROR: nft: Operation not permitted');
    expect(text).toContain('unhealthy: web/vm1');
    expect(text.split('\n').at(-1)).toBe('NOT converged');
    expect(storeStatus(await store.list(), [reports[0]!]).converged).toBe(true);
    expect(storeStatus(await store.list(), []).converged).toBe(false);
  });
});

describe('status of announcing nodes', () => {
  it('shows per node the revision, announced VIPs, bgp sessions, l2 owners and errors', async () => {
    const store = createMemoryStore();
    await store.put(makeRecord('web'));
    const status = storeStatus(await store.list(), [
      nodeReport('lb1', 1, {
        announce: {
          mode: 'bgp',
          announced: ['10.99.0.1', 'fd00:99::1'],
          sessions: [
            { name: 'router4', state: 'Established' },
            { name: 'router6', state: 'Active', info: 'Socket: Connection refused' },
          ],
        },
        health: { web: { vm1: { state: 'UNHEALTHY' } } },
      }),
      nodeReport('lb2', 1, {
        announce: {
          mode: 'l2',
          announced: [],
          owners: { '10.99.0.1': 'lb3' },
          error: 'lease store unreachable',
        },
      }),
      nodeReport('lb3', 1),
    ]);
    expect(status.nodes[0]?.announce?.sessions?.[0]).toEqual({ name: 'router4', state: 'Established' });
    expect(status.nodes[2]?.announce).toBeUndefined();
    const lines = renderStatus(status, 'memory').split('\n');
    const at = (node: string) => lines.findIndex((l) => l.startsWith(`  ${node}  `));
    expect(lines[at('lb1')]).toContain('lb1  in sync (revision 1)  vips 1');
    expect(lines[at('lb1')]).toContain('unhealthy: web/vm1');
    expect(lines[at('lb1') + 1]).toBe(
      '    bgp: announces 10.99.0.1, fd00:99::1; sessions router4 Established, router6 Active',
    );
    expect(lines[at('lb2') + 1]).toBe(
      '    l2: holds nothing; owners 10.99.0.1=lb3; ERROR: lease store unreachable',
    );
    expect(lines[at('lb3') + 1]).toBe('converged');
  });
});

describe('nlbkit status', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('exits 0 when every node applied the store, 1 when one is behind, and prints JSON on request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-status-'));
    dirs.push(dir);
    const store = createFileStore(dir);
    await store.create();
    await store.put(makeRecord('web'));
    await store.putNodeReport(nodeReport('lb1', 1));
    const ok = runCli(['status', '--store', dir]);
    expect(await ok.exited).toBe(0);
    expect(ok.stdout()).toContain(`store file:${dir} at revision 1: 1 NLB(s)`);
    expect(ok.stdout()).toContain('lb1  in sync');
    await store.put(makeRecord('api', { vip: '10.99.0.2' }));
    const behind = runCli(['status', '--store', dir, '--json']);
    expect(await behind.exited).toBe(1);
    const json = JSON.parse(behind.stdout());
    expect(json).toMatchObject({
      revision: 2,
      converged: false,
      nodes: [{ node: 'lb1', appliedRevision: 1 }],
    });
    const every = runCli(['status', '--store', dir, '--nodes']);
    expect(await every.exited).toBe(1);
    expect(every.stdout()).toContain('lb1  behind (revision 1)');
    const missing = runCli(['status', '--store', dir, '--nodes', 'lb1,lb2']);
    expect(await missing.exited).toBe(1);
    expect(missing.stdout()).toContain('lb2  ERROR: never reported');
    const bad = runCli(['status', '--store', dir, '--nodes', 'lb1;reboot']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr()).toContain('comma-separated node names');
    await store.close();
  }, 60_000);

  it('only reads: a path that is not a store is an error naming it, and nothing is created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-status-'));
    dirs.push(dir);
    const cases: [string, string][] = [
      [join(dir, '$(touch x)'), 'the directory does not exist'],
      [join(dir, 'a/b/c/nodes'), 'the directory does not exist'],
      [dir, `${join(dir, 'state.json')} does not exist`],
      // A recursive mkdir in /proc/self used to spin forever: now a plain read that fails at once.
      ['/proc/self', '/proc/self/state.json does not exist'],
    ];
    const runs = cases.map(([path, why]) => ({ path, why, run: runCli(['status', '--store', path]) }));
    for (const { path, why, run } of runs) {
      expect(await run.exited, path).toBe(1);
      expect(run.stderr(), path).toContain(`no nlbkit store at ${path}: ${why}`);
      expect(run.stdout(), path).toBe('');
    }
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});
