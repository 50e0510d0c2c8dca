/** Runs the OpenStack example in fake mode as a child process, the way a user would, and checks its output. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('examples/openstack/main.ts --fake creates, moves, changes and deletes a PUBLIC NLB', async () => {
  const root = join(import.meta.dirname, '../..');
  const env = { ...process.env, OS_AUTH_URL: '' };
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(root, 'examples/openstack/main.ts'), '--fake'],
    { cwd: root, env, timeout: 60_000 },
  );
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toBe('mode: fake');
  // The floating IP comes from the external network (10.1.0.x), the VIP from the tenant one (10.0.0.x).
  const created = stdout.match(
    /^created: nlbkit-example type=PUBLIC ip=(10\.1\.0\.\d+) vip=(10\.0\.0\.\d+)$/m,
  );
  expect(created).not.toBeNull();
  expect(stdout).toMatch(/^health: healthy=2 unhealthy=0 unknown=0$/m);
  expect(stdout).toContain(`listener moved: port=8000 ip=${created?.[1]}`);
  expect(stdout).toContain('group changed: port=9090 vms=web-3');
  expect(stdout).toContain('refused before any OpenStack call: UNSUPPORTED');
  expect(lines.at(-1)).toBe('deleted: nlbkit-example; left: 0');
});
