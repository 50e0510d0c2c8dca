import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('nlbkit demo --mock walks through every step and cleans up', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--mock']);
  expect(stdout).toMatch(/createNLB\s+TCP 192\.0\.2\.1:80 -> TCP:8080 \[web1, web2\]/);
  expect(stdout).toMatch(/unhealthy \[web2\]/);
  expect(stdout).toMatch(/INVALID_ARGUMENT: listener\.port/);
  expect(stdout).toMatch(/0 load balancers left/);
});
