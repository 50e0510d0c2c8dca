/**
 * `nlbkit nlb adopt | release` on a connection of a connections file: the mock connection's
 * `foreign` load balancers (what a cloud holds that nlbkit did not create), and a native connection,
 * whose driver does not adopt.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runNlb } from '../../../test/cli/run-nlb.js';
import { type TempConfig, tempConfig } from '../../../test/cli/temp-config.js';
import { nlbInfoSchema } from '../../server/v1/v1-response-schemas.js';
import { EXIT_CODES } from './exit-codes.js';

let setup: TempConfig;
beforeAll(async () => {
  setup = await tempConfig(
    'adopt',
    [
      'connections:',
      '  cloud:',
      '    driver: mock',
      '    vms: {web1: {ipv4: 10.0.0.11}, web2: {ipv4: 10.0.0.12}}',
      '    foreign:',
      '      lb-0042: {listeners: [{protocol: TCP, port: 80}], vmGroup: {protocol: TCP, port: 8080, vms: [web1, web2]}}',
      '      lb-0043: {listeners: [{protocol: TCP, port: 80}, {protocol: TCP, port: 81}], vmGroup: {protocol: TCP, port: 8080, vms: [web1]}}',
      '  lab:',
      '    driver: native',
      '    store: {kind: file, dir: ./state}',
      '    vipPool: {ranges: [198.51.100.0/28]}',
      '    vmInventory: {web1: {ipv4: 10.0.0.11}}',
      '',
    ].join('\n'),
  );
});
afterAll(() => setup.remove());

const nlb = (line: string) => runNlb([...line.split(' '), '--config', setup.config]);

it('adopts a load balancer of the emulated cloud, as a table and as JSON', async () => {
  const table = await nlb('nlb adopt shop --system-id lb-0042 --connection cloud');
  expect(table).toMatchObject({ code: 0, stderr: '' });
  expect(table.stdout).toMatch(/^name: +shop$/m);
  expect(table.stdout).toMatch(/^vms: +web1, web2$/m);
  const json = await nlb('nlb adopt shop --system-id lb-0042 --connection cloud --json');
  expect(json.code).toBe(0);
  const info = nlbInfoSchema.parse(JSON.parse(json.stdout));
  expect(info.iid).toEqual({ nameId: 'shop', systemId: 'lb-0042' });
  expect(info.listener).toMatchObject({ protocol: 'TCP', port: 80 });
});

it('refuses what cannot be one NLB, an unknown id and a missing --system-id, with their exit codes', async () => {
  const two = await nlb('nlb adopt shop --system-id lb-0043 --connection cloud');
  expect(two.code).toBe(EXIT_CODES.UNSUPPORTED);
  expect(two.stderr).toMatch(/^error UNSUPPORTED: .*2 listeners/m);
  expect((await nlb('nlb adopt shop --system-id lb-none --connection cloud')).code).toBe(
    EXIT_CODES.NOT_FOUND,
  );
  expect((await nlb('nlb adopt shop --connection cloud')).code).toBe(1); // commander: a required option
  // Each command is its own process state: nothing is managed, so release is NOT_FOUND.
  expect((await nlb('nlb release shop --connection cloud')).code).toBe(EXIT_CODES.NOT_FOUND);
});

it('is UNSUPPORTED on a driver that does not adopt, naming it', async () => {
  const run = await nlb('nlb adopt shop --system-id lb-0042 --connection lab');
  expect(run.code).toBe(EXIT_CODES.UNSUPPORTED);
  expect(run.stderr).toMatch(/lab uses the native driver, which does not adopt/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
});
