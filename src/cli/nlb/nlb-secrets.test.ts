/**
 * No secret reaches what the CLI prints: a real AWS driver (its SDK) with credentials from the
 * environment, sending to a closed loopback port, fails; the output names the failure, never the
 * planted secret access key, and has no stack trace.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runNlb } from '../../../test/cli/run-nlb.js';
import { type TempConfig, tempConfig } from '../../../test/cli/temp-config.js';
import { EXIT_CODES } from './exit-codes.js';

const KEY_ID = 'AKIAIOSFODNN7CLITEST';
const SECRET = 'cliPlantedSecret/K7MDENG/bPxRfiCYEXAMPLEKEY';
let setup: TempConfig;
let config: string;
beforeAll(async () => {
  setup = await tempConfig(
    'secrets',
    'connections:\n  prod:\n    driver: aws\n    region: eu-west-1\n    endpoint: http://127.0.0.1:9\n    maxAttempts: 1\n    credentials: {accessKeyId: {fromEnv: T_KEY_ID}, secretAccessKey: {fromEnv: T_SECRET}}\n',
  );
  config = setup.config;
});
afterAll(() => setup.remove());

it('a cloud call that fails prints its code and message, never the credentials', async () => {
  const env = { T_KEY_ID: KEY_ID, T_SECRET: SECRET };
  for (const args of [
    ['nlb', 'list'],
    ['nlb', 'create', 'web', '--port', '80', '--vpc', 'vpc-1'],
    ['nlb', 'get', 'web', '--json'],
  ]) {
    const run = await runNlb([...args, '--config', config], { env });
    expect(run.code, args.join(' ')).toBeGreaterThanOrEqual(10);
    expect(run.stderr).toMatch(/^error [A-Z_]+: \[nlbkit\] \[aws\] /);
    expect(run.stderr + run.stdout).not.toContain(SECRET);
    expect(run.stderr + run.stdout).not.toContain(SECRET.slice(0, 12));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }
});

it('a missing credential variable names the variable, not a value', async () => {
  const run = await runNlb(['nlb', 'list', '--config', config], { env: { T_KEY_ID: KEY_ID } });
  expect(run.code).toBe(EXIT_CODES.INVALID_ARGUMENT);
  expect(run.stderr).toMatch(/the environment variable T_SECRET is not set/);
});
