/** `agent.announce` of the native driver: checked at construction, wired to the embedded agent. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeKernel, fakeDataplane, fakeIpExecutor } from '../../../test/native/fake-node.js';
import { isNLBError } from '../../interfaces/errors.js';
import type { AnnounceConfig, Announcer, AnnounceTarget } from '../../native/announce/index.js';
import type { Executor } from '../../native/executor/types.js';
import { createMemoryStore } from '../../native/store/memory-store.js';
import { createNativeDriver } from './native-driver.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function driverWith(announce: AnnounceConfig | Announcer) {
  const kernel = new FakeKernel();
  const store = createMemoryStore();
  const driver = createNativeDriver({
    store,
    vipPool: { ranges: ['10.99.0.0/29'] },
    vmInventory: { vm1: { ipv4: '10.0.0.11' } },
    agent: {
      executor: fakeIpExecutor(kernel),
      dataplane: () => fakeDataplane(kernel),
      intervalSeconds: 3600,
      node: 'lb1',
      announce,
    },
  });
  return { driver, store };
}
const create = (driver: ReturnType<typeof driverWith>['driver']) =>
  driver.createNLB({
    iid: { nameId: 'web' },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
    healthChecker: { protocol: 'TCP' },
  });

describe('native driver agent.announce', () => {
  it.each([
    [{ mode: 'bgp', includeFile: 'nlbkit.conf' }, 'INVALID_ARGUMENT'],
    [{ mode: 'bgp', socket: '/run/bird/"bird.ctl' }, 'INVALID_ARGUMENT'],
    [{ mode: 'bgp', protocolPrefix: 'a b' }, 'INVALID_ARGUMENT'],
    [{ mode: 'anycast' }, 'INVALID_ARGUMENT'],
  ])('refuses %j when the driver is made', (announce, code) => {
    let error: unknown;
    try {
      driverWith(announce as AnnounceConfig);
    } catch (e) {
      error = e;
    }
    expect(isNLBError(error) && [error.code, error.operation, error.violations[0]?.path]).toEqual([
      code,
      'createNativeDriver',
      'agent.announce',
    ]);
  });

  it('tells a given announcer every applied VIP, reports its state, and stops it on close', async () => {
    const told: AnnounceTarget[][] = [];
    let stopped = 0;
    const { driver, store } = driverWith({
      mode: 'bgp',
      managesAddresses: false,
      update: async (targets) => {
        told.push(targets);
        return { mode: 'bgp', announced: targets.filter((t) => t.serving).map((t) => t.vip) };
      },
      onChange: () => () => undefined,
      stop: async () => {
        stopped++;
      },
    });
    await create(driver);
    expect(told.at(-1)).toEqual([{ vip: '10.99.0.1', family: 4, serving: true }]);
    const [report] = await store.listNodeReports();
    expect(report?.announce).toEqual({ mode: 'bgp', announced: ['10.99.0.1'] });
    await driver.close();
    expect(stopped).toBe(1);
  });

  it('builds the BGP announcer from its options: the include holds the route, BIRD is asked to reload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-announce-'));
    dirs.push(dir);
    const calls: string[][] = [];
    const executor: Executor = {
      where: 'fake bird',
      run: async (argv) => {
        calls.push([...argv]);
        return { code: 0, stdout: '', stderr: '' };
      },
    };
    const include = join(dir, 'nlbkit.conf');
    const { driver } = driverWith({
      mode: 'bgp',
      includeFile: include,
      socket: '/run/bird/bird.ctl',
      executor,
    });
    await create(driver);
    expect(await readFile(include, 'utf8')).toContain('route 10.99.0.1/32 blackhole;');
    expect(calls.map((a) => a.slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['bird -p', 'birdc -s']),
    );
    expect(calls).toContainEqual(['birdc', '-s', '/run/bird/bird.ctl', 'configure']);
    await driver.close();
    expect(await readFile(include, 'utf8')).not.toContain('route');
  });
});
