/**
 * The BGP announcer against real BIRD 2: a node BIRD (whose include the announcer owns) peering with a
 * router BIRD, each in a namespace made here. What the announcer renders reaches the router's table and
 * kernel; a withdrawal and a stop remove it there; a reload BIRD refuses leaves the old file and routes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNLBError } from '../../src/interfaces/errors.js';
import { LabBird, nodeConfig, routerConfig } from '../../src/lab/lab-bird.js';
import { renderInclude } from '../../src/native/announce/bgp/bird-render.js';
import { createBgpAnnouncer } from '../../src/native/announce/bgp/index.js';
import type { Executor } from '../../src/native/executor/types.js';
import { waitFor } from '../e2e/harness/wait-for.js';
import { canRunBird } from './bird.js';
import { inNetns, makeNetns } from './netns.js';

const enabled = canRunBird();
const V4 = '198.19.0.1';
const V6 = 'fd00:6e6c:626b:ff::1';

describe.skipIf(!enabled)('BGP announcer with real BIRD', () => {
  let r: ReturnType<typeof makeNetns>;
  let n: ReturnType<typeof makeNetns>;
  let dir: string;
  let include: string;
  const birds: LabBird[] = [];
  let router: LabBird;
  let node: LabBird;

  /** VIPs the router's BIRD holds from the node, and whether its kernel routes them. */
  const routerView = async () => {
    const table = `${await router.birdc('show', 'route')}`;
    return [V4, V6].filter((v) => table.includes(`${v}/`));
  };

  beforeAll(async () => {
    r = makeNetns('bgpr');
    n = makeNetns('bgpn');
    dir = await mkdtemp(join(tmpdir(), 'nlbk-bgp-'));
    include = join(dir, 'nlbkit.conf');
    inNetns(r.name, ['ip', 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'lb0', 'netns', n.name]);
    for (const [ns, dev, a4, a6] of [
      [r.name, 'up0', '198.18.10.2/24', 'fd00:6e6c:626b:10::2/64'],
      [n.name, 'lb0', '198.18.10.1/24', 'fd00:6e6c:626b:10::1/64'],
    ] as const) {
      inNetns(ns, ['ip', 'addr', 'add', a4, 'dev', dev]);
      inNetns(ns, ['ip', 'addr', 'add', a6, 'dev', dev, 'nodad']);
      inNetns(ns, ['ip', 'link', 'set', dev, 'up']);
    }
    await writeFile(include, renderInclude([]));
    const peer = (name: string, local: string, neighbor: string, family: 4 | 6, neighborAs: number) => ({
      name,
      local,
      neighbor,
      family,
      neighborAs,
    });
    router = await LabBird.start(
      r.name,
      dir,
      'router',
      routerConfig('198.18.10.2', [
        peer('lb0v4', '198.18.10.2', '198.18.10.1', 4, 65001),
        peer('lb0v6', 'fd00:6e6c:626b:10::2', 'fd00:6e6c:626b:10::1', 6, 65001),
      ]),
    );
    birds.push(router);
    node = await LabBird.start(
      n.name,
      dir,
      'node',
      `${nodeConfig('198.18.10.1', include, [
        peer('router4', '198.18.10.1', '198.18.10.2', 4, 65000),
        peer('router6', 'fd00:6e6c:626b:10::1', 'fd00:6e6c:626b:10::2', 6, 65000),
      ])}protocol static clash4 { ipv4; }\n`,
    );
    birds.push(node);
  });

  afterAll(async () => {
    await Promise.all(birds.map((b) => b.stop()));
    r?.remove();
    n?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses hostile options before anything runs', () => {
    const calls: string[][] = [];
    const executor: Executor = {
      where: 'test',
      run: async (argv) => {
        calls.push([...argv]);
        return { code: 0, stdout: '', stderr: '' };
      },
    };
    for (const bad of [
      { includeFile: `${dir}/x";\nprotocol static evil { ipv4; }` },
      { includeFile: 'relative.conf' },
      { socket: `${dir}/../bird.ctl` },
      { socket: `${dir}/a b` },
      { protocolPrefix: 'x; } protocol' },
      { pollSeconds: 0 },
      { pollSeconds: Number.NaN },
    ]) {
      let code: string | undefined;
      try {
        createBgpAnnouncer({ executor, ...bad });
      } catch (e) {
        code = isNLBError(e) ? e.code : 'other';
      }
      expect(code, JSON.stringify(bad)).toBe('INVALID_ARGUMENT');
    }
    expect(calls).toEqual([]);
  });

  it('announces serving VIPs to the router (v4 and v6), withdraws one that stops serving, and stops clean', async () => {
    const announcer = createBgpAnnouncer({ includeFile: include, socket: node.socket, pollSeconds: 0.2 });
    let changes = 0;
    announcer.onChange(() => changes++);
    const both = await announcer.update([
      { vip: V4, family: 4, serving: true },
      { vip: V6, family: 6, serving: true },
    ]);
    expect(both.error).toBeUndefined();
    expect(both.announced).toEqual([V4, V6]);
    expect(both.sessions?.map((s) => s.name)).toEqual(expect.arrayContaining(['router4', 'router6']));
    await waitFor('both VIPs at the router', 30_000, async () =>
      (await routerView()).length === 2 ? true : undefined,
    );
    expect(inNetns(r.name, ['ip', 'route', 'show', `${V4}/32`])).toContain('198.18.10.1');
    expect(inNetns(r.name, ['ip', '-6', 'route', 'show', `${V6}/128`])).toContain('fd00:6e6c:626b:10::1');
    // The sessions came up after the first read: the poll tells the agent to report again.
    await waitFor('a session change notification', 10_000, async () => (changes > 0 ? true : undefined));
    const later = await announcer.update([
      { vip: V4, family: 4, serving: true },
      { vip: V6, family: 6, serving: true },
    ]);
    expect(later.sessions?.filter((s) => s.name.startsWith('router')).map((s) => s.state)).toEqual([
      'Established',
      'Established',
    ]);

    // Someone reloads BIRD with an emptied include: the next update notices and announces again.
    await writeFile(include, renderInclude([]));
    await node.birdc('configure');
    const repaired = await announcer.update([
      { vip: V4, family: 4, serving: true },
      { vip: V6, family: 6, serving: true },
    ]);
    expect(repaired.announced).toEqual([V4, V6]);
    expect(await readFile(include, 'utf8')).toContain(`route ${V4}/32 blackhole;`);

    const one = await announcer.update([
      { vip: V4, family: 4, serving: false },
      { vip: V6, family: 6, serving: true },
    ]);
    expect(one.announced).toEqual([V6]);
    await waitFor('v4 withdrawn at the router', 10_000, async () =>
      (await routerView()).join() === V6 ? true : undefined,
    );

    await announcer.stop();
    await waitFor('everything withdrawn at the router', 10_000, async () =>
      (await routerView()).length === 0 ? true : undefined,
    );
    expect(await readFile(include, 'utf8')).not.toContain('route');
    // A stopped announcer announces nothing again.
    expect((await announcer.update([{ vip: V4, family: 4, serving: true }])).announced).toEqual([]);
    expect(await routerView()).toEqual([]);
  });

  it('keeps the previous file and routes when BIRD refuses the reload', async () => {
    const good = createBgpAnnouncer({ includeFile: include, socket: node.socket });
    await good.update([{ vip: V4, family: 4, serving: true }]);
    const before = await readFile(include, 'utf8');
    // `clash4` is the user's own protocol: bird -p on the include alone passes, BIRD's reload does not.
    const clashing = createBgpAnnouncer({
      includeFile: include,
      socket: node.socket,
      protocolPrefix: 'clash',
    });
    const state = await clashing.update([{ vip: V6, family: 6, serving: true }]);
    expect(state.error).toMatch(/birdc configure failed/);
    expect(await readFile(include, 'utf8')).toBe(before);
    expect((await node.birdc('show', 'route', 'protocol', 'nlbkit4')).includes(`${V4}/32`)).toBe(true);
    // BIRD unreachable: the file it would read at its next start is put back as well.
    const missing = createBgpAnnouncer({ includeFile: include, socket: `${dir}/nobody.ctl` });
    const down = await missing.update([{ vip: V6, family: 6, serving: true }]);
    expect(down.error).toMatch(/birdc/);
    expect(await readFile(include, 'utf8')).toBe(before);
    await good.stop();
  });
});
