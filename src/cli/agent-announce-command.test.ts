/** `nlbkit agent --announce` and the bgp flags: hostile or misplaced values stop it before anything runs. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/native/run-cli.js';

describe('nlbkit agent --announce', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('refuses an unknown mode, unsafe BIRD paths and bgp flags without bgp, touching nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-announce-cli-'));
    dirs.push(dir);
    const base = ['agent', '--store', join(dir, 'store'), '--node', 'lb1', '--netns', 'nlbk-none-such'];
    const cases: [string[], string][] = [
      [['--announce', 'ospf'], 'must be none, l2 or bgp'],
      [['--announce', 'bgp', '--bird-include', 'relative.conf'], 'unsafe BIRD include file'],
      [
        ['--announce', 'bgp', '--bird-include', `${dir}/x";\nprotocol static evil { ipv4; }`],
        'unsafe BIRD include file',
      ],
      [['--announce', 'bgp', '--bird-include', `${dir}/../etc/bird.conf`], 'unsafe BIRD include file'],
      [['--announce', 'bgp', '--bird-socket', `${dir}/$(reboot)`], 'unsafe BIRD control socket'],
      [['--bird-include', `${dir}/nlbkit.conf`], '--bird-include and --bird-socket need --announce bgp'],
      [['--announce', 'none', '--bird-socket', `${dir}/bird.ctl`], 'need --announce bgp'],
    ];
    const runs = cases.map(([args, message]) => ({ run: runCli([...base, ...args]), message, args }));
    for (const { run, message, args } of runs) {
      expect(await run.exited, args.join(' ')).not.toBe(0);
      expect(run.stderr(), args.join(' ')).toContain(message);
    }
    // Nothing was created: no store, no include file.
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});
