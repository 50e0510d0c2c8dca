/**
 * `nlbkit backend setup|check|teardown` (issue 21) in a network namespace of its own: check names
 * each missing piece, setup makes them all present (twice: idempotent), check then passes, each piece
 * taken away again is named, teardown removes the VIP; hostile options are refused before anything
 * runs. Needs root and ip: a failure in CI, a skip locally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBackend, setupBackend, teardownBackend } from '../../src/native/backend/backend-host.js';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import type { Executor } from '../../src/native/executor/types.js';
import { inNetns, makeNetns, requireRootNetns } from './netns.js';
import { runCli } from './run-cli.js';

const enabled = requireRootNetns();
const vip = '10.66.0.9';

describe.skipIf(!enabled)('nlbkit backend (dsr) in a namespace', () => {
  let ns: ReturnType<typeof makeNetns>;
  let ex: Executor;
  const options = { vip, mode: 'dsr' as const, interface: 'eth0' };
  const missing = async () => (await checkBackend(ex, options)).filter((c) => !c.ok).map((c) => c.what);

  beforeAll(() => {
    ns = makeNetns('backend');
    inNetns(ns.name, ['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    // What a distribution's defaults may hold: strict reverse-path filtering on the segment.
    inNetns(ns.name, ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1', 'net.ipv4.conf.eth0.rp_filter=1']);
    ex = netnsExecutor(ns.name);
  });
  afterAll(() => ns?.remove());

  it('check names every missing piece; setup (twice) makes them present', async () => {
    expect(await missing()).toEqual([
      `VIP ${vip}/32 on lo`,
      'net.ipv4.conf.all.arp_ignore = 1',
      'net.ipv4.conf.all.arp_announce = 2',
      'net.ipv4.conf.all.rp_filter = 0',
      'net.ipv4.conf.eth0.rp_filter = 0',
    ]);
    await setupBackend(ex, options);
    await setupBackend(ex, options);
    expect(await missing()).toEqual([]);
    expect(inNetns(ns.name, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'lo'])).toContain(
      `inet ${vip}/32 scope host`,
    );
  });

  it('the CLI reports a piece taken away and exits 1; setup puts it back; teardown removes the VIP', async () => {
    inNetns(ns.name, ['sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=0']);
    const args = ['--vip', vip, '--mode', 'dsr', '--interface', 'eth0', '--netns', ns.name];
    const check = runCli(['backend', 'check', ...args]);
    expect(await check.exited).toBe(1);
    expect(check.stdout()).toContain('MISSING net.ipv4.conf.all.arp_ignore = 1 (now: 0)');
    expect(check.stdout()).toContain(`ok      VIP ${vip}/32 on lo`);
    const setup = runCli(['backend', 'setup', ...args]);
    expect(await setup.exited).toBe(0);
    expect(await missing()).toEqual([]);
    await teardownBackend(ex, options);
    await teardownBackend(ex, options); // idempotent
    expect(await missing()).toEqual([`VIP ${vip}/32 on lo`]);
  }, 60_000);

  it('tunnel mode also checks the decap device and its rp_filter (set up in the VM test)', async () => {
    // A fresh namespace's tunl0 is down, or absent without the ipip module (this container's kernel).
    const checks = await checkBackend(ex, { vip, mode: 'tunnel' });
    const decap = checks.find((c) => c.what === 'decap device tunl0 up');
    expect(decap).toMatchObject({ ok: false });
    expect(['down', 'absent']).toContain(decap?.found);
    expect(checks.map((c) => c.what)).toContain('net.ipv4.conf.tunl0.rp_filter = 0');
  });

  it('refuses hostile or unsupported options before running anything', async () => {
    const calls: string[][] = [];
    const spy: Executor = {
      where: 'spy',
      run: async (argv) => {
        calls.push([...argv]);
        return { code: 0, stdout: '', stderr: '' };
      },
    };
    const bad = [
      { vip: '10.0.0.1/8', mode: 'dsr' as const },
      { vip: '010.0.0.1', mode: 'dsr' as const },
      { vip: 'fd00::1', mode: 'dsr' as const },
      { vip, mode: 'gre' as unknown as 'dsr' },
      { vip: 'fd00::1', mode: 'tunnel' as const },
      { vip, mode: 'dsr' as const, interface: 'eth0;reboot' },
    ];
    for (const o of bad)
      await expect(setupBackend(spy, o)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(calls).toEqual([]);
    const cli = runCli(['backend', 'setup', '--vip', vip, '--mode', 'dsr', '--interface', '-rf']);
    expect(await cli.exited).not.toBe(0);
  }, 30_000);
});
