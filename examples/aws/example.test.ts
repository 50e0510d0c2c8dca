/** Runs the AWS example in fake mode as a child process, the way a user would, and checks its output. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('examples/aws/main.ts --fake creates, changes and deletes an internal NLB', async () => {
  const root = join(import.meta.dirname, '../..');
  const env = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '', NLBKIT_AWS_VPC: '' };
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(root, 'examples/aws/main.ts'), '--fake'],
    { cwd: root, env, timeout: 60_000 },
  );
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toBe('mode: fake');
  expect(stdout).toMatch(
    /^created: nlbkit-example type=INTERNAL dns=nlbkit-example-\S+\.elb\.us-east-1\.amazonaws\.com$/m,
  );
  expect(stdout).toContain('vms: web-1,web-2');
  expect(stdout).toMatch(/^health: healthy=\d unhealthy=\d unknown=\d$/m);
  expect(stdout).toContain('group changed: port=9090 vms=web-3');
  expect(stdout).toContain('refused before any AWS call: UNSUPPORTED');
  expect(lines.at(-1)).toBe('deleted: nlbkit-example; left: 0');
});
