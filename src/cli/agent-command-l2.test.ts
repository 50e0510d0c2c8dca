/** `nlbkit agent --announce l2`: every hostile or inconsistent value is refused before anything runs. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/native/run-cli.js';

describe('nlbkit agent --announce l2: arguments', () => {
  it('refuses bad modes, interfaces, timings and a store without leases before doing anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-l2cli-'));
    try {
      const base = ['agent', '--store', dir, '--node', 'lb1', '--no-health'];
      const l2 = [...base, '--announce', 'l2', '--l2-interface', 'eth0'];
      const cases: [string[], string][] = [
        [[...base, '--announce', 'bgp;reboot'], 'must be none, l2 or bgp'],
        [[...base, '--announce', 'l2'], '--announce l2 needs --l2-interface'],
        [[...base, '--announce', 'l2', '--l2-interface', 'eth0;reboot'], 'must be an interface name'],
        [[...base, '--announce', 'l2', '--l2-interface', '-x'], 'must be an interface name'],
        [[...l2, '--l2-lease-ttl', '1e9'], '50-600000 milliseconds'],
        [[...l2, '--l2-renew', '-5'], '50-600000 milliseconds'],
        [[...l2, '--l2-margin', '100 ; ls'], '50-600000 milliseconds'],
        // PostgreSQL has leases; the settings are refused before any connection is tried.
        [
          [
            'agent',
            '--store',
            'postgres:l2cli',
            '--node',
            'lb1',
            '--no-health',
            ...l2.slice(6),
            '--l2-lease-ttl',
            '400',
          ],
          'leaseTtlMs must be an integer 500-600000',
        ],
        [l2, 'needs a store with leases'],
      ];
      const runs = cases.map(([args, message]) => ({ run: runCli(args), message }));
      for (const { run, message } of runs) {
        expect(await run.exited).not.toBe(0);
        expect(run.stderr()).toContain(message);
      }
      // Nothing was written to the store's directory either.
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
