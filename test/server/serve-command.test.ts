/** `nlbkit serve` as a process: refusing to listen beyond loopback without a token, --check, SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopback, parseListen } from '../../src/server/listen-address.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Runs the CLI; resolves when it prints a line matching `until` or exits. */
function nlbkit(args: string[], env: Record<string, string | undefined> = {}, until?: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, NLBKIT_TOKEN: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const seen = new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (until?.test(stdout)) resolve();
    });
    exited.then(() => resolve());
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return { child, exited, seen, out: () => stdout, err: () => stderr };
}

async function configFile(yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nlbkit-serve-'));
  dirs.push(dir);
  const path = join(dir, 'nlbkit.yaml');
  await writeFile(path, yaml);
  return path;
}

describe('listen addresses', () => {
  it('parses HOST:PORT and knows loopback', () => {
    expect(parseListen('[::1]:7480')).toEqual({ host: '::1', port: 7480 });
    expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    for (const bad of ['7480', 'host name:1', '1.2.3.4:70000', '01.2.3.4:80', 'a;b:1'])
      expect(() => parseListen(bad)).toThrow(/HOST:PORT/);
    expect(['127.0.0.1', '127.9.9.9', '::1', 'localhost', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '::', '10.0.0.1', '192.168.1.1'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('nlbkit serve', () => {
  it('refuses to listen beyond loopback without a token, and refuses a short token', async () => {
    const config = await configFile('connections: {t: {driver: mock}}\n');
    const open = nlbkit(['serve', '--config', config, '--listen', '0.0.0.0:0']);
    expect(await open.exited).toBe(1);
    expect(open.err()).toMatch(/refusing to listen on 0\.0\.0\.0 without a bearer token/);
    const weak = nlbkit(['serve', '--config', config, '--listen', '0.0.0.0:0'], { NLBKIT_TOKEN: 'short' });
    expect(await weak.exited).toBe(1);
    expect(weak.err()).toMatch(/16-512 characters/);
    expect(weak.err()).not.toContain('short');
  });

  it('--check reports every connection and exits 1 when one fails', async () => {
    const config = await configFile(
      'connections:\n  t: {driver: mock}\n  os: {driver: openstack, authUrl: "http://127.0.0.1:9/v3", auth: {type: password, username: u, password: {fromEnv: T_UNSET_PASSWORD}, projectName: p}}\n',
    );
    const run = nlbkit(['serve', '--config', config, '--check']);
    expect(await run.exited).toBe(1);
    expect(run.out()).toMatch(/^ok {5}t \(mock\): 0 NLB\(s\)$/m);
    expect(run.out()).toMatch(/^FAILED os \(openstack\): INVALID_ARGUMENT: .*T_UNSET_PASSWORD is not set/m);
  });

  it('a bad connections file is one clear error, exit 1', async () => {
    const config = await configFile(
      'connections: {t: {driver: mock, vms: {web1: {ipv4: 10.0.0.1, mac: x}}}}\n',
    );
    const run = nlbkit(['serve', '--config', config]);
    expect(await run.exited).toBe(1);
    expect(run.err()).toMatch(/connections\.t\.vms\.web1\.mac: is not a known field/);
  });

  it('serves beyond loopback with a token, and stops on SIGTERM', async () => {
    const config = await configFile('connections: {t: {driver: mock}}\n');
    const token = 'a-token-of-32-characters-0123456';
    const run = nlbkit(
      ['serve', '--config', config, '--listen', '0.0.0.0:0'],
      { NLBKIT_TOKEN: token },
      /listening on (\S+)/,
    );
    await run.seen;
    const port = /listening on http:\/\/[^:]+:(\d+)/.exec(run.out())?.[1];
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/v1/connections`)).status).toBe(401);
    const ok = await fetch(`${url}/v1/connections`, { headers: { authorization: `Bearer ${token}` } });
    expect(await ok.json()).toEqual([{ name: 't', driver: 'mock' }]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.out()).toMatch(/SIGTERM: finishing 0 request\(s\)[\s\S]*stopped/);
    expect(run.err()).not.toContain(token);
  });

  it('logs each progress step of a /v1 operation as one JSON line on stderr', async () => {
    const config = await configFile(
      'connections: {lab: {driver: native, store: {kind: memory}, vipPool: {ranges: [10.99.0.0/29]}, vmInventory: {vm1: {ipv4: 10.0.0.11}}}}\n',
    );
    const run = nlbkit(['serve', '--config', config, '--listen', '127.0.0.1:0'], {}, /listening on (\S+)/);
    await run.seen;
    const url = /listening on (http:\S+)/.exec(run.out())?.[1];
    const res = await fetch(`${url}/v1/connections/lab/nlbs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        iid: { nameId: 'web' },
        listener: { protocol: 'TCP', port: 80 },
        vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
        healthChecker: { protocol: 'TCP' },
      }),
    });
    expect(res.status).toBe(201);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const progress = run
      .err()
      .split('\n')
      .filter((line) => line.includes('"step"'))
      .map((line) => JSON.parse(line));
    expect(progress).toEqual([
      expect.objectContaining({ connection: 'lab', nlb: 'web', operation: 'createNLB', step: 'stored' }),
    ]);
  });
});
