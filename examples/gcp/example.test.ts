/** Runs the GCP example in fake mode as a child process, the way a user would, and checks its output. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('examples/gcp/main.ts --fake creates, changes and deletes a PUBLIC passthrough NLB', async () => {
  const root = join(import.meta.dirname, '../..');
  const env = { ...process.env, GOOGLE_CLOUD_PROJECT: '', GOOGLE_APPLICATION_CREDENTIALS: '' };
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(root, 'examples/gcp/main.ts'), '--fake'],
    { cwd: root, env, timeout: 60_000 },
  );
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toBe('mode: fake');
  expect(stdout).toMatch(/^created: nlbkit-example type=PUBLIC ip=34\.0\.\d+\.\d+ port=8080$/m);
  expect(stdout).toMatch(/^health: healthy=2 unhealthy=0 unknown=0$/m);
  expect(stdout).toContain('group changed: hash=FIVE_TUPLE vms=web-3');
  expect(stdout).toContain('refused: UNSUPPORTED');
  expect(lines.at(-1)).toBe('deleted: nlbkit-example; left: 0');
});
