/**
 * Every `nlbkit nlb` command and `nlbkit capabilities` against a mock connection of a connections
 * file: tables and JSON (the library's types, checked with the /v1 API's schemas of them), an exit
 * code per NLBError code, `--dry-run` calling nothing, `--file` with bad input, no secret printed.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockSetup, mockSetup } from '../../../test/cli/mock-connection.js';
import { runNlb } from '../../../test/cli/run-nlb.js';
import { NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import {
  capabilitiesSchema,
  healthInfoSchema,
  nlbInfoSchema,
  nlbListSchema,
} from '../../server/v1/v1-response-schemas.js';
import { EXIT_CODES } from './exit-codes.js';

let setup: MockSetup;
beforeAll(async () => {
  setup = await mockSetup();
});
afterAll(() => setup.remove());

const nlb = (line: string) =>
  runNlb([...line.split(' '), '--config', setup.config, '--connection', 'test'], {
    createConnection: setup.createConnection,
  });
const driver = () => {
  const d = setup.drivers.get('test');
  if (!d) throw new Error('the test connection was not made');
  return d;
};
const json = (text: string): unknown => JSON.parse(text);

describe('nlbkit nlb on a mock connection', () => {
  it('creates, changes, inspects and deletes an NLB: tables for people, JSON for scripts', async () => {
    const created = await nlb(
      'nlb create web --port 80 --backend-port 8080 --vms web1,web2 --health-path /healthz --tag team=edge',
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^name: +web$/m);
    expect(created.stdout).toMatch(/^vms: +web1, web2$/m);
    expect(created.stdout).toMatch(/^health check: +HTTP \/healthz every \d+s/m);
    expect(created.stdout).toMatch(/^tags: +team=edge$/m);

    const list = await nlb('nlb list');
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME +LISTENER +BACKEND +ALGORITHM +VMS +HEALTH CHECK$/);
    expect(list.stdout).toMatch(/^web +TCP [\d.]+:80 +TCP :8080 +ROUND_ROBIN +web1,web2 +HTTP/m);
    const listed = nlbListSchema.parse(json((await nlb('nlb list --json')).stdout));
    expect(listed.map((n) => n.iid.nameId)).toEqual(['web']);

    const got = nlbInfoSchema.parse(json((await nlb('nlb get web --json')).stdout));
    expect(got.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['web1', 'web2']);

    const added = await nlb('nlb add-vms web web3:5');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^vms: +web1, web2, web3\*5$/m);
    expect((await nlb('nlb remove-vms web web3')).stdout).toBe('removed 1 VM(s) from NLB web\n');

    driver().setVMHealth('web2', 'UNHEALTHY', 'HTTP 500');
    const health = await nlb('nlb health web');
    expect(health.stdout).toMatch(/^VM +STATE +REASON$/m);
    expect(health.stdout).toMatch(/^web2 +UNHEALTHY +HTTP 500$/m);
    expect(health.stdout).toMatch(/^1 healthy, 1 unhealthy, 0 unknown$/m);
    const h = healthInfoSchema.parse(json((await nlb('nlb health web --json')).stdout));
    expect(h.unhealthyVMs.map((vm) => vm.nameId)).toEqual(['web2']);

    const listener = await nlb('nlb set-listener web --protocol tcp --port 8443 --json');
    expect(nlbInfoSchema.parse(json(listener.stdout)).listener.port).toBe(8443);
    const group = await nlb(
      'nlb set-vmgroup web --backend-protocol TCP --backend-port 9090 --vms web1 --algorithm maglev',
    );
    expect(group.stdout).toMatch(/^backend: +TCP :9090, MAGLEV\(FIVE_TUPLE\)$/m);
    const hc = await nlb('nlb set-healthcheck web --health-protocol TCP --health-interval 7 --json');
    expect(nlbInfoSchema.parse(json(hc.stdout)).healthChecker).toMatchObject({
      protocol: 'TCP',
      interval: 7,
    });

    expect(await nlb('nlb delete web')).toMatchObject({ code: 0, stdout: 'deleted NLB web\n' });
    expect(json((await nlb('nlb list --json')).stdout)).toEqual([]);
    expect((await nlb('nlb list')).stdout).toBe('no NLBs\n');
  });

  it('capabilities: a table and the DriverCapabilities as JSON, with no call to the driver', async () => {
    const table = await nlb('capabilities');
    expect(table.stdout).toMatch(/^connection: +test \(driver mock\)$/m);
    expect(table.stdout).toMatch(/^algorithms: +ROUND_ROBIN\|SOURCE_HASH\|MAGLEV$/m);
    const caps = capabilitiesSchema.parse(json((await nlb('capabilities --json')).stdout));
    expect(caps.driver).toBe('mock');
  });

  it('exits with one code per NLBError code, printing the code and the message', async () => {
    const codes = Object.keys(EXIT_CODES) as NLBErrorCode[];
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(codes.length);
    for (const code of codes) {
      driver().failNext('listNLB', { code, message: `injected ${code}` });
      const run = await nlb('nlb list');
      expect(run.code, code).toBe(EXIT_CODES[code]);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')[0]).toBe(`error ${code}: [nlbkit] [mock] listNLB: injected ${code}`);
    }
    const missing = await nlb('nlb get nosuch');
    expect(missing).toMatchObject({
      code: EXIT_CODES.NOT_FOUND,
      stderr: "error NOT_FOUND: [nlbkit] [mock] getNLB: no NLB named 'nosuch'\n",
    });
  });

  it('never prints a secret from the cause chain, nor a stack trace', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    driver().failNext(
      'listNLB',
      new NLBError({
        code: 'PERMISSION_DENIED',
        driver: 'mock',
        operation: 'listNLB',
        message: 'access denied',
        cause: { name: 'Error', message: `signature of ${secret}`, cause: new Error(secret) },
      }),
    );
    const run = await nlb('nlb list');
    expect(run.code).toBe(EXIT_CODES.PERMISSION_DENIED);
    expect(run.stderr).toBe('error PERMISSION_DENIED: [nlbkit] [mock] listNLB: access denied\n');
    expect(run.stderr + run.stdout).not.toContain(secret);
    expect(run.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  });

  it('--dry-run checks against the capabilities and prints the request, calling nothing', async () => {
    const before = driver().calls.length;
    const ok = await nlb('nlb create dry --port 80 --vms web1 --dry-run --json');
    expect(ok.code).toBe(0);
    expect(json(ok.stdout)).toMatchObject({
      dryRun: true,
      connection: 'test',
      operation: 'createNLB',
      request: {
        iid: { nameId: 'dry' },
        listener: { protocol: 'TCP', port: 80 },
        vmGroup: { vms: [{ nameId: 'web1' }] },
      },
    });
    for (const args of [
      'nlb delete web --dry-run',
      'nlb add-vms web web2 --dry-run',
      'nlb remove-vms web web2 --dry-run',
      'nlb set-listener web --protocol UDP --port 53 --dry-run',
      'nlb set-vmgroup web --backend-protocol TCP --backend-port 80 --dry-run',
      'nlb set-healthcheck web --health-interval 5 --dry-run',
    ])
      expect((await nlb(args)).code, args).toBe(0);
    expect(driver().calls.length).toBe(before);
    expect((await nlb('nlb get dry')).code).toBe(EXIT_CODES.NOT_FOUND);
  });

  it('--dry-run refuses what the capabilities refuse (AWS limits), every violation named by flag', async () => {
    const run = await runNlb(
      [
        'nlb',
        'create',
        'web',
        '--port',
        '80',
        '--vms',
        'web1:3',
        '--health-interval',
        '2',
        '--vpc',
        'vpc-1',
        '--dry-run',
        '--config',
        setup.config,
        '--connection',
        'awslike',
      ],
      { createConnection: setup.createConnection },
    );
    expect(run.code).toBe(EXIT_CODES.UNSUPPORTED);
    expect(run.stderr).toMatch(/^error UNSUPPORTED: \[nlbkit\] \[mock\] createNLB: /);
    expect(run.stderr).toMatch(
      /^ {2}vmGroup\.vms\[0\]\.weight \(--vms\): weights are not supported on mock$/m,
    );
    expect(run.stderr).toMatch(
      /^ {2}healthChecker\.interval \(--health-interval\): 2 is out of range on mock \(allowed: 5-300\)$/m,
    );
    expect(setup.drivers.get('awslike')?.calls).toEqual([]);
  });

  it('--file with bad input prints every violation with its path and exits INVALID_ARGUMENT', async () => {
    const file = join(setup.dir, 'bad.yaml');
    await writeFile(
      file,
      'iid: {nameId: -bad-}\nlistener: {protocol: SCTP, port: 0}\nvmGroup: {protocol: TCP, port: 8080, vms: [{nameId: web1}, {nameId: web1}]}\nhealthChecker: {protocol: TCP, interval: 5, timeout: 9}\nextra: 1\n',
    );
    for (const dryRun of ['', ' --dry-run']) {
      const before = driver().calls.length;
      const run = await nlb(`nlb create --file ${file}${dryRun}`);
      expect(run.code).toBe(EXIT_CODES.INVALID_ARGUMENT);
      const lines = run.stderr.split('\n').filter((l) => l.startsWith('  '));
      expect(lines.map((l) => l.trim().split(':')[0])).toEqual([
        'iid.nameId',
        'listener.protocol',
        'listener.port',
        'vmGroup.vms[1].nameId',
        'healthChecker.timeout',
        'extra',
      ]);
      // Paths of the file's fields, not of flags that were not used.
      expect(run.stderr).not.toContain('(--');
      // Refused before the driver runs (by --dry-run, or by the guard in front of the mock).
      expect(driver().calls.length).toBe(before);
    }
    const notYaml = join(setup.dir, 'broken.json');
    await writeFile(notYaml, '{"iid": {"nameId": "web"}, "listener": [}');
    const broken = await nlb(`nlb create --file ${notYaml}`);
    expect(broken.code).toBe(EXIT_CODES.INVALID_ARGUMENT);
    expect(broken.stderr).toMatch(/is not valid YAML or JSON at line 1/);
    const both = await nlb(`nlb create --file ${notYaml} --port 80`);
    expect(both.stderr).toMatch(/--file holds the whole request/);
  });

  it('--file holds a whole request, for create and the change commands', async () => {
    const create = join(setup.dir, 'api.yaml');
    await writeFile(
      create,
      'iid: {nameId: api}\nlistener: {protocol: UDP, port: 53}\nvmGroup: {protocol: UDP, port: 5353, vms: [{nameId: web1, weight: 2}]}\nhealthChecker: {protocol: TCP, port: 5353}\n',
    );
    expect((await nlb(`nlb create --file ${create}`)).code).toBe(0);
    const group = join(setup.dir, 'group.json');
    await writeFile(
      group,
      JSON.stringify({ protocol: 'UDP', port: 5353, vms: [{ nameId: 'web2' }], algorithm: 'SOURCE_HASH' }),
    );
    const changed = await nlb(`nlb set-vmgroup api --file ${group} --json`);
    expect(nlbInfoSchema.parse(json(changed.stdout)).vmGroup).toMatchObject({
      vms: [{ nameId: 'web2' }],
      algorithm: 'SOURCE_HASH',
    });
    expect((await nlb('nlb delete api')).code).toBe(0);
  });

  it('--wait is for native connections: refused here with a clear message, nothing called', async () => {
    const before = driver().calls.length;
    const run = await nlb('nlb add-vms web web1 --wait');
    expect(run.code).toBe(EXIT_CODES.UNSUPPORTED);
    expect(run.stderr).toMatch(/--wait is for native connections .* test uses the mock driver/);
    expect(driver().calls.length).toBe(before);
  });

  it('usage errors exit as commander does; a missing connection file is INVALID_ARGUMENT', async () => {
    const unknown = await nlb('nlb list --bogus');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown option '--bogus'/);
    expect((await nlb('nlb create x --wait-timeout soon')).code).toBe(1);
    const both = await runNlb(['nlb', 'list', '--config', setup.config, '--server', 'http://127.0.0.1:9']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/option '--server <url>' cannot be used with option '--config <file>'/);
    const noFile = await runNlb(['nlb', 'list', '--config', join(setup.dir, 'none.yaml')]);
    expect(noFile.code).toBe(EXIT_CODES.INVALID_ARGUMENT);
    expect(noFile.stderr).toMatch(/cannot read the connections file/);
    const ambiguous = await runNlb(['nlb', 'list', '--config', setup.config], {
      createConnection: setup.createConnection,
    });
    expect(ambiguous.stderr).toMatch(/has 2 connections \(test, awslike\): name one with --connection/);
  });
});
