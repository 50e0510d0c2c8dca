/**
 * `nlbkit nlb ... --server URL`: the same commands against an in-process `nlbkit serve` app on a
 * loopback port, with its bearer token read from NLBKIT_TOKEN. The server's connections are a mock
 * and a native one (file store); the mock is kept here so the test can read its call log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNlb } from '../../../test/cli/run-nlb.js';
import { createMockDriver } from '../../drivers/mock/index.js';
import { createConnection } from '../../server/connections/connection-factory.js';
import { createConnectionRegistry } from '../../server/connections/connection-registry.js';
import { parseConnections } from '../../server/connections/connections-file.js';
import { listen, type RunningServer } from '../../server/serve.js';
import { createServeApp } from '../../server/serve-app.js';
import { capabilitiesSchema, nlbInfoSchema } from '../../server/v1/v1-response-schemas.js';
import { EXIT_CODES } from './exit-codes.js';

const TOKEN = 'cli-server-test-token-0123456789';
const mock = createMockDriver({ vms: { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' } } });
let dir: string;
let server: RunningServer;
let registry: ReturnType<typeof createConnectionRegistry>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nlbkit-cli-server-'));
  registry = createConnectionRegistry(
    parseConnections(
      'connections:\n  test: {driver: mock}\n  lab: {driver: native, store: {kind: file, dir: ./state}, vipPool: {ranges: [198.51.100.0/28]}, vmInventory: {web1: {ipv4: 10.0.0.11}}}\n',
    ),
    {
      baseDir: dir,
      create: async (cfg, sources) =>
        cfg.driver === 'mock' ? { handler: mock, close: async () => {} } : createConnection(cfg, sources),
    },
  );
  server = await listen(createServeApp({ registry, token: TOKEN }), { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
  await registry?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `nlb('test nlb list')`: the first word is the server's connection, the rest the command. */
const nlb = (line: string) => {
  const [connection, ...args] = line.split(' ');
  return runNlb([...args, '--server', server.url, '--connection', connection as string], {
    env: { NLBKIT_TOKEN: TOKEN },
  });
};

describe('nlbkit nlb --server', () => {
  it('runs every command through the /v1 API, with tables and JSON as on a local connection', async () => {
    const created = await nlb('test nlb create web --port 80 --vms web1');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^vms: +web1$/m);
    expect((await nlb('test nlb list')).stdout).toMatch(
      /^web +TCP [\d.]+:80 +TCP :80 +ROUND_ROBIN +web1 +TCP/m,
    );
    expect((await nlb('test nlb add-vms web web2')).stdout).toMatch(/^vms: +web1, web2$/m);
    expect((await nlb('test nlb health web')).stdout).toMatch(/^2 healthy, 0 unhealthy, 0 unknown$/m);
    expect((await nlb('test nlb remove-vms web web2')).code).toBe(0);
    for (const args of [
      'set-listener web --protocol TCP --port 81',
      'set-vmgroup web --backend-protocol TCP --backend-port 82 --vms web2',
      'set-healthcheck web --health-interval 6',
    ])
      expect((await nlb(`test nlb ${args}`)).code, args).toBe(0);
    const got = nlbInfoSchema.parse(JSON.parse((await nlb('test nlb get web --json')).stdout));
    expect([got.listener.port, got.vmGroup.port, got.healthChecker.interval]).toEqual([81, 82, 6]);
    expect(capabilitiesSchema.parse(JSON.parse((await nlb('lab capabilities --json')).stdout)).driver).toBe(
      'native',
    );
    expect((await nlb('test nlb delete web')).stdout).toBe('deleted NLB web\n');
    // The native connection of the server, whose store its first write creates.
    expect((await nlb('lab nlb create api --port 80 --vms web1')).code).toBe(0);
    expect((await nlb('lab nlb delete api')).code).toBe(0);
  });

  it("prints the server's errors as the driver's: code, message, every violation; exit by code", async () => {
    await nlb('test nlb create dup --port 80');
    const taken = await nlb('test nlb create dup --port 80');
    expect(taken.code).toBe(EXIT_CODES.ALREADY_EXISTS);
    expect(taken.stderr).toBe(
      "error ALREADY_EXISTS: [nlbkit] [mock] createNLB: an NLB named 'dup' already exists\n",
    );
    const bad = await nlb('test nlb set-healthcheck dup --health-protocol ICMP --health-interval 0');
    expect(bad.code).toBe(EXIT_CODES.INVALID_ARGUMENT);
    expect(bad.stderr).toMatch(
      /^ {2}healthChecker\.protocol \(--health-protocol\): is not one of the allowed values/m,
    );
    expect(bad.stderr).toMatch(/^ {2}healthChecker\.interval \(--health-interval\): /m);
    expect((await nlb('nosuch nlb list')).code).toBe(EXIT_CODES.NOT_FOUND);
    const noToken = await runNlb(['nlb', 'list', '--server', server.url, '--connection', 'test']);
    expect(noToken.code).toBe(EXIT_CODES.PERMISSION_DENIED);
    expect(noToken.stderr).toMatch(/missing or wrong bearer token/);
    const gone = await runNlb(['nlb', 'list', '--server', 'http://127.0.0.1:9', '--connection', 'test']);
    expect(gone.code).toBe(EXIT_CODES.UNAVAILABLE);
    expect(gone.stderr).toMatch(/^error UNAVAILABLE: .*cannot reach 'http:\/\/127\.0\.0\.1:9\/'/);
  });

  it('--dry-run reads only the capabilities: the driver is never called; --wait is refused', async () => {
    const before = mock.calls.length;
    const dry = await nlb('test nlb add-vms dup web1 --dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: addVMs on test \(mock\) passes the checks; nothing was called/);
    const wait = await nlb('lab nlb delete dup --wait');
    expect(wait.code).toBe(EXIT_CODES.UNSUPPORTED);
    expect(wait.stderr).toMatch(/--wait needs the connection in this process/);
    expect(mock.calls.length).toBe(before);
  });

  it("adopts and releases through the /v1 API where the server's driver adopts; native refuses", async () => {
    mock.putForeignNLB('lb-remote', {
      listeners: [{ protocol: 'TCP', port: 8443 }],
      vmGroup: { protocol: 'TCP', port: 8443, vms: ['web2'] },
    });
    const adopted = await nlb('test nlb adopt shop --system-id lb-remote --json');
    expect(adopted).toMatchObject({ code: 0, stderr: '' });
    expect(nlbInfoSchema.parse(JSON.parse(adopted.stdout)).iid).toEqual({
      nameId: 'shop',
      systemId: 'lb-remote',
    });
    const released = await nlb('test nlb release shop');
    expect(released).toMatchObject({ code: 0, stderr: '' });
    expect(released.stdout).toMatch(/^released NLB shop/);
    expect(mock.holdsNLB('lb-remote')).toBe(true);
    expect((await nlb('test nlb get shop')).code).toBe(EXIT_CODES.NOT_FOUND);
    const native = await nlb('lab nlb adopt shop --system-id lb-remote');
    expect(native.code).toBe(EXIT_CODES.UNSUPPORTED);
    expect(native.stderr).toMatch(/does not adopt load balancers it did not create/);
  });
});
