/**
 * What a person sees while `nlbkit nlb create` waits on a cloud: the AWS driver, through the real SDK
 * against the AWS fake, reports its steps, and the CLI prints them as plain progress lines (stderr is
 * not a terminal here), in the order the driver made the calls, before the result table.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AwsWorld, startAwsWorld } from '../drivers/aws/aws-world.js';
import { runNlb } from './run-nlb.js';
import { type TempConfig, tempConfig } from './temp-config.js';

let world: AwsWorld;
let setup: TempConfig;
beforeAll(async () => {
  world = await startAwsWorld();
  setup = await tempConfig(
    'aws-progress',
    'connections:\n  cloud:\n    driver: aws\n    region: us-east-1\n',
  );
});
afterAll(async () => {
  await world.close();
  await setup.remove();
});

it('prints the cloud driver steps in order as plain lines, then the NLB', async () => {
  const vpc = world.vpcIID.systemId as string;
  const run = await runNlb(
    [
      'nlb',
      'create',
      'web',
      '--port',
      '80',
      '--backend-port',
      '8080',
      '--vms',
      'vm-1,vm-2',
      '--vpc',
      vpc,
      '--config',
      setup.config,
    ],
    // The connection is the real AWS driver pointed at the fake (the file's entry names no endpoint).
    { createConnection: async () => ({ handler: world.driver, close: async () => {} }) },
  );
  expect(run.stderr).not.toMatch(/^error/m);
  expect(run.code).toBe(0);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('progress: createNLB: '));
  const order = [
    /load balancer/,
    /target group/,
    /registering 2 VM/,
    /listener/,
    /waiting for load balancer .* to become active/,
  ];
  expect(lines.length).toBeGreaterThanOrEqual(order.length);
  let at = 0;
  for (const pattern of order) {
    const found = lines.findIndex((l, i) => i >= at && pattern.test(l));
    expect(found, `${pattern} after line ${at} in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(at);
    at = found + 1;
  }
  for (const line of lines) expect(line).toMatch(/\(\d+\.\ds\)$/);
  expect(run.stdout).toMatch(/^name: +web$/m);
});
