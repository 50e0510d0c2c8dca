import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockDriver } from '../../drivers/mock/index.js';
import { isNLBError } from '../../interfaces/errors.js';
import { checkConnections } from './check-connections.js';
import type { CreatedConnection } from './connection-factory.js';
import { createConnectionRegistry } from './connection-registry.js';
import { parseConnections } from './connections-file.js';

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (isNLBError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
};
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('connection registry', () => {
  it('creates a connection on first use, once, and never for names or drivers', async () => {
    const made: string[] = [];
    const registry = createConnectionRegistry(
      parseConnections(
        'connections:\n  a: {driver: mock}\n  b: {driver: native, store: {kind: memory}, vipPool: {ranges: [10.9.0.0/30]}, vmInventory: {}}\n',
      ),
      {
        create: async (config): Promise<CreatedConnection> => {
          made.push(config.driver);
          return { handler: createMockDriver(), close: async () => {} };
        },
      },
    );
    expect(registry.names()).toEqual(['a', 'b']);
    expect(registry.driverOf('b')).toBe('native');
    expect(made).toEqual([]);
    const [h1, h2] = await Promise.all([registry.handler('a'), registry.handler('a')]);
    expect(h1).toBe(h2);
    expect(made).toEqual(['mock']);
  });

  it('an unknown name is NOT_FOUND, from driverOf and handler', async () => {
    const registry = createConnectionRegistry(parseConnections('connections: {a: {driver: mock}}'));
    expect(() => registry.driverOf('zz')).toThrow(/no connection named 'zz'/);
    expect((await rejection(registry.handler('zz'))).code).toBe('NOT_FOUND');
  });

  it('a connection that cannot be created fails alone, and is tried again on the next use', async () => {
    const env: Record<string, string | undefined> = {};
    const registry = createConnectionRegistry(
      parseConnections(
        'connections:\n  bad:\n    driver: aws\n    region: eu-west-1\n    credentials: {accessKeyId: {fromEnv: T_KEY_ID}, secretAccessKey: {fromEnv: T_SECRET}}\n  good: {driver: mock}\n',
      ),
      { env },
    );
    const e = await rejection(registry.handler('bad'));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', driver: 'aws' });
    expect(e.message).toMatch(/T_KEY_ID is not set/);
    expect(await (await registry.handler('good')).listNLB()).toEqual([]);
    env.T_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    env.T_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect((await registry.handler('bad')).capabilities.driver).toBe('aws');
  });

  it('a native file store lives relative to the config file, and close() closes the driver', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbkit-registry-'));
    dirs.push(dir);
    const registry = createConnectionRegistry(
      parseConnections(
        'connections:\n  lab: {driver: native, store: {kind: file, dir: ./state}, vipPool: {ranges: [10.9.0.0/29]}, vmInventory: {web1: {ipv4: 10.0.0.11}}}\n',
      ),
      { baseDir: dir },
    );
    const lab = await registry.handler('lab');
    await lab.createNLB({
      iid: { nameId: 'web' },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }] },
      healthChecker: { protocol: 'TCP' },
    });
    // The file store's files (its marker and its log) hold the record, in the directory the file named.
    const files = (await readdir(join(dir, 'state'), { withFileTypes: true })).filter((f) => f.isFile());
    expect(files).not.toEqual([]);
    const texts = await Promise.all(files.map((f) => readFile(join(dir, 'state', f.name), 'utf8')));
    expect(texts.join('\n')).toContain('web1');
    await registry.close();
    expect((await rejection(lab.listNLB())).code).toBe('UNAVAILABLE');
    expect((await rejection(registry.handler('lab'))).message).toMatch(/shutting down/);
  });
});

describe('checkConnections (nlbkit serve --check)', () => {
  it('reports every connection: a bad or hanging one does not stop the others', async () => {
    const registry = createConnectionRegistry(
      parseConnections(
        'connections:\n  good: {driver: mock}\n  hangs: {driver: mock}\n  bad: {driver: openstack, authUrl: "http://127.0.0.1:9/v3", auth: {type: password, username: u, password: {fromEnv: T_UNSET_PW}, projectName: p}}\n  fresh: {driver: native, store: {kind: file, dir: /nonexistent/nlbkit-state}, vipPool: {ranges: [10.9.0.0/29]}, vmInventory: {}}\n',
      ),
      { env: {} },
    );
    const hanging = createMockDriver({ latencyMs: 60_000 });
    const real = registry.handler.bind(registry);
    registry.handler = async (name) => (name === 'hangs' ? hanging : real(name));
    const checks = await checkConnections(registry, { timeoutMs: 300 });
    expect(checks.map((c) => [c.name, c.ok, c.error?.code])).toEqual([
      ['good', true, undefined],
      ['hangs', false, 'ABORTED'],
      ['bad', false, 'INVALID_ARGUMENT'],
      ['fresh', true, undefined],
    ]);
    expect(checks[2]?.error?.message).toMatch(/T_UNSET_PW is not set/);
    expect(checks[3]?.note).toMatch(/first write creates it/);
  });
});
