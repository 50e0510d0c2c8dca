/**
 * Auth failures and hostile or oversized requests on the spider routes: each gets only a 4xx JSON
 * answer, in both error conventions, and no driver is called (the mock records every call, rejected
 * ones too; the native store stays empty).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spiderRoutes } from '../../../src/server/spider/spider-routes.js';
import {
  basic,
  GOOD_AUTH,
  PASSWORD,
  startServer,
  type TestServer,
  testRegistry,
  USER,
} from './spider-harness.js';

const credentials = { username: USER, password: PASSWORD };
const good = (conn: string, name = 'web') => ({
  ConnectionName: conn,
  ReqInfo: {
    Name: name,
    Listener: { Protocol: 'TCP', Port: '80' },
    VMGroup: { Protocol: 'TCP', Port: '8080', VMs: ['vm-01'] },
    HealthChecker: { Protocol: 'TCP', Port: '8080' },
  },
});
const withInfo = (conn: string, patch: Record<string, unknown>) => ({
  ...good(conn),
  ReqInfo: { ...good(conn).ReqInfo, ...patch },
});

/** Requests that must be refused before any driver call: [what, method, path, options, status]. */
const hostile = (conn: string): [string, string, string, Parameters<TestServer['call']>[2], number][] => [
  ['not JSON', 'POST', '/spider/nlb', { raw: '{"ConnectionName": ', headers: {} }, 400],
  ['JSON null', 'POST', '/spider/nlb', { raw: 'null' }, 400],
  [
    'a form body',
    'POST',
    '/spider/nlb',
    { raw: 'ConnectionName=x', headers: { 'content-type': 'text/plain' } },
    415,
  ],
  ['no connection', 'POST', '/spider/nlb', { body: { ReqInfo: good(conn).ReqInfo } }, 400],
  [
    '__proto__ in the body',
    'POST',
    '/spider/nlb',
    { raw: `{"__proto__":{"admin":true},${JSON.stringify(good(conn)).slice(1)}` },
    400,
  ],
  ['an unknown field', 'POST', '/spider/nlb', { body: withInfo(conn, { Nmae: 'typo' }) }, 400],
  // Go matches names in any case; a name given twice (exactly and in other case) is not guessed at.
  [
    'a field given twice in two cases',
    'POST',
    '/spider/nlb',
    { body: { ...good(conn), connectionname: 'other-conn' } },
    400,
  ],
  ['a shell string as name', 'POST', '/spider/nlb', { body: withInfo(conn, { Name: 'web;rm -rf /' }) }, 400],
  ['a 300 kB name', 'POST', '/spider/nlb', { body: withInfo(conn, { Name: 'a'.repeat(300_000) }) }, 400],
  [
    'a port with a command',
    'POST',
    '/spider/nlb',
    { body: withInfo(conn, { Listener: { Protocol: 'TCP', Port: '80; drop' } }) },
    400,
  ],
  [
    'a numeric port',
    'POST',
    '/spider/nlb',
    { body: withInfo(conn, { Listener: { Protocol: 'TCP', Port: 80 } }) },
    400,
  ],
  [
    'port 70000',
    'POST',
    '/spider/nlb',
    { body: withInfo(conn, { Listener: { Protocol: 'TCP', Port: '70000' } }) },
    400,
  ],
  [
    'protocol SCTP',
    'POST',
    '/spider/nlb',
    { body: withInfo(conn, { Listener: { Protocol: 'SCTP', Port: '80' } }) },
    400,
  ],
  [
    'interval "abc"',
    'POST',
    '/spider/nlb',
    { body: withInfo(conn, { HealthChecker: { Protocol: 'TCP', Interval: 'abc' } }) },
    400,
  ],
  [
    '1001 VMs',
    'POST',
    '/spider/nlb',
    {
      body: withInfo(conn, {
        VMGroup: { Protocol: 'TCP', Port: '80', VMs: Array.from({ length: 1001 }, (_, i) => `vm-${i}`) },
      }),
    },
    400,
  ],
  [
    'nesting 5000 deep',
    'POST',
    '/spider/nlb',
    { raw: `{"ConnectionName":"${conn}","ReqInfo":${'['.repeat(5000)}${']'.repeat(5000)}}` },
    400,
  ],
  [
    'a 2 MB body',
    'POST',
    '/spider/nlb',
    { body: withInfo(conn, { TagList: [{ Key: 'k', Value: 'v'.repeat(2_000_000) }] }) },
    413,
  ],
  [
    'a 2 MB chunked body',
    'POST',
    '/spider/nlb',
    { raw: JSON.stringify(withInfo(conn, { Pad: 'p'.repeat(2_000_000) })), chunked: true },
    413,
  ],
  [
    'a 2 MB GET body',
    'GET',
    '/spider/nlb',
    { raw: JSON.stringify({ ConnectionName: conn, Pad: 'p'.repeat(2_000_000) }), chunked: true },
    413,
  ],
  ['a bad name in the path', 'DELETE', '/spider/nlb/..%2F..%2Fetc', { body: { ConnectionName: conn } }, 400],
  [
    'a VM named by a path',
    'POST',
    '/spider/nlb/web/vms',
    { body: { ConnectionName: conn, ReqInfo: { VMs: ['../../etc/passwd'] } } },
    400,
  ],
  [
    'no VMs to remove',
    'DELETE',
    '/spider/nlb/web/vms',
    { body: { ConnectionName: conn, ReqInfo: { VMs: [] } } },
    400,
  ],
  ['force=maybe', 'DELETE', `/spider/nlb/web?force=maybe&ConnectionName=${conn}`, {}, 400],
];

describe.each(['spider', 'http'] as const)('spider routes refuse bad requests (errors: %s)', (errors) => {
  const registry = testRegistry();
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(spiderRoutes(registry, { credentials, errors }));
  });
  afterAll(async () => {
    await server.close();
    await registry.close();
  });
  afterEach(async () => {
    // Nothing reached a driver, nothing changed.
    expect(registry.mock.calls).toEqual([]);
    expect(await registry.native.store.revision()).toBe(0);
  });

  for (const conn of ['mock-conn', 'native-conn'])
    it.each(hostile(conn))(`${conn}: %s`, async (_what, method, path, opts, status) => {
      const a = await server.call(method, path, opts);
      expect(a.json).toMatchObject({});
      expect([a.status, a.json.message]).toEqual([status, expect.any(String)]);
      expect(typeof a.json.message).toBe('string');
      // One bounded line, whatever the input held.
      expect(a.json.message.length).toBeLessThan(2000);
      expect(a.json.message).not.toContain('\n');
      if (errors === 'http') expect(a.json.code).toBe('INVALID_ARGUMENT');
      else expect(Object.keys(a.json)).toEqual(['message']);
    });

  it.each([
    ['no Authorization', null],
    ['a wrong password', basic(USER, 'nope')],
    ['a wrong user', basic('root', PASSWORD)],
    ['a bearer token', `Bearer ${PASSWORD}`],
    ['broken base64', 'Basic !!!not-base64'],
    ['no colon', `Basic ${Buffer.from(USER).toString('base64')}`],
  ])('answers 401 {"message":"Unauthorized"} to %s', async (_what, auth) => {
    const a = await server.call('POST', '/spider/nlb', { body: good('mock-conn'), auth });
    expect(a).toEqual(expect.objectContaining({ status: 401, json: { message: 'Unauthorized' } }));
    const list = await server.call('GET', '/spider/nlb?ConnectionName=mock-conn', { auth });
    expect(list.status).toBe(401);
  });
});

describe('spider credentials', () => {
  const saved = { user: process.env.SPIDER_USERNAME, password: process.env.SPIDER_PASSWORD };
  afterEach(() => {
    for (const [key, value] of [
      ['SPIDER_USERNAME', saved.user],
      ['SPIDER_PASSWORD', saved.password],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });

  it('come from SPIDER_USERNAME and SPIDER_PASSWORD by default', async () => {
    process.env.SPIDER_USERNAME = USER;
    process.env.SPIDER_PASSWORD = PASSWORD;
    const registry = testRegistry();
    const server = await startServer(spiderRoutes(registry));
    try {
      expect((await server.call('GET', '/spider/nlb?ConnectionName=mock-conn')).status).toBe(200);
      expect((await server.call('GET', '/spider/nlb?ConnectionName=mock-conn', { auth: null })).status).toBe(
        401,
      );
    } finally {
      await server.close();
    }
  });

  it('refuse every request when none are set, as CB-Spider will not start without them', async () => {
    delete process.env.SPIDER_USERNAME;
    delete process.env.SPIDER_PASSWORD;
    const registry = testRegistry();
    const server = await startServer(spiderRoutes(registry));
    try {
      const a = await server.call('GET', '/spider/nlb?ConnectionName=mock-conn', { auth: GOOD_AUTH });
      expect(a).toMatchObject({ status: 401, json: { message: 'Unauthorized' } });
      expect(registry.mock.calls).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
