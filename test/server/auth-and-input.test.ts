/** Bearer token, body size limit and hostile input over a real socket: a 4xx JSON error, nothing changed. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBody, mockAndNative, startTestServer, type TestServer } from './server-harness.js';

const TOKEN = 'test-token-0123456789abcdef';
let t: TestServer;
let drivers: ReturnType<typeof mockAndNative>;
beforeAll(async () => {
  drivers = mockAndNative();
  t = await startTestServer({ registry: drivers.registry, token: TOKEN, maxBodyBytes: 64 * 1024 });
});
afterAll(() => t.close());

describe('bearer token', () => {
  const denied = { status: 401, body: { code: 'PERMISSION_DENIED', violations: [], retryable: false } };
  it('is required on /v1 and /metrics: missing, malformed, wrong and other schemes get 401 JSON', async () => {
    for (const path of ['/v1/connections', '/v1/connections/mock/nlbs', '/metrics']) {
      expect(await t.call('GET', path)).toMatchObject(denied);
      expect(await t.call('GET', path, { token: `${TOKEN}x` })).toMatchObject(denied);
      expect(
        await t.call('GET', path, { headers: { authorization: `Basic ${btoa(`u:${TOKEN}`)}` } }),
      ).toMatchObject(denied);
      expect(await t.call('GET', path, { headers: { authorization: 'Bearer a b"c' } })).toMatchObject(denied);
    }
    const res = await t.call('GET', '/v1/connections');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a refused request reaches no driver', async () => {
    const before = drivers.mock.calls.length;
    expect((await t.call('POST', '/v1/connections/mock/nlbs', { body: createBody('x') })).status).toBe(401);
    expect(drivers.mock.calls.length).toBe(before);
  });

  it('the right token passes; /healthz and /openapi.json need none', async () => {
    expect((await t.call('GET', '/v1/connections', { token: TOKEN })).status).toBe(200);
    expect((await t.call('GET', '/metrics', { token: TOKEN })).status).toBe(200);
    expect(await t.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await t.call('GET', '/openapi.json')).status).toBe(200);
  });
});

describe('hostile and oversized bodies: 4xx JSON, nothing changed', () => {
  const hostile: Array<[string, { raw?: string; body?: unknown; headers?: Record<string, string> }, number]> =
    [
      ['not JSON', { raw: '{"iid":' }, 400],
      ['empty', { raw: '' }, 400],
      [
        'not application/json',
        { raw: JSON.stringify(createBody('h')), headers: { 'content-type': 'text/plain' } },
        400,
      ],
      ['a JSON string', { body: 'web' }, 400],
      ['an array', { body: [createBody('h')] }, 400],
      [
        '__proto__ key',
        { raw: `{"__proto__":{"admin":true},${JSON.stringify(createBody('h')).slice(1)}` },
        400,
      ],
      ['constructor key', { body: { ...createBody('h'), constructor: { prototype: { x: 1 } } } }, 400],
      ['deep nesting', { raw: `${'['.repeat(5000)}${']'.repeat(5000)}` }, 400],
      ['a name with a newline', { body: createBody('web\nx') }, 400],
      ['an nft-breaking name', { body: createBody('web; flush ruleset') }, 400],
      [
        'a huge string',
        { body: { ...createBody('h'), tagList: [{ key: 'k', value: 'v'.repeat(60_000) }] } },
        400,
      ],
      ['over the size limit', { body: { ...createBody('h'), pad: 'x'.repeat(70_000) } }, 413],
      [
        '2,000 VMs',
        {
          body: createBody(
            'h',
            Array.from({ length: 2000 }, (_, i) => `v${i}`),
          ),
        },
        400,
      ],
    ];
  for (const [what, body, status] of hostile) {
    it(what, async () => {
      const before = drivers.mock.calls.length;
      const res = await t.call('POST', '/v1/connections/mock/nlbs', { ...body, token: TOKEN });
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false });
      expect(JSON.stringify(res.body).length).toBeLessThan(4000);
      expect(drivers.mock.calls.length).toBe(before);
      expect((await drivers.mock.listIID()).length).toBe(0);
    });
  }

  it('a body over the limit without Content-Length (chunked) is cut off too', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.url}/v1/connections/mock/nlbs`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${TOKEN}`,
          'transfer-encoding': 'chunked',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(`${'x'.repeat(8 * 1024)}`);
      req.end();
    });
    expect(status).toBe(413);
    expect((await drivers.mock.listIID()).length).toBe(0);
  });

  it('bad path and query input: invalid names, unknown query parameters, unknown connections', async () => {
    const get = (path: string) => t.call('GET', path, { token: TOKEN });
    expect(await get('/v1/connections/mock/nlbs/bad%20name')).toMatchObject({
      status: 400,
      body: { violations: [{ path: 'name' }] },
    });
    expect(await get('/v1/connections/mock/nlbs/web?bogus=1')).toMatchObject({
      status: 400,
      body: { code: 'INVALID_ARGUMENT' },
    });
    expect(await get('/v1/connections/mock/nlbs?x=1')).toMatchObject({ status: 400 });
    expect(await get('/v1/connections/__proto__/nlbs')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect(await get('/v1/connections/constructor/nlbs')).toMatchObject({ status: 404 });
    expect(await get('/v1/nothing')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });
});
