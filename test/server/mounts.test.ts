/** Route modules mounted by createServerApp (CB-Spider's, the status page) sit behind the same middleware and docs. */
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteDoc } from '../../src/server/openapi/route-doc.js';
import { mockAndNative, startTestServer, type TestServer } from './server-harness.js';

const TOKEN = 'mount-token-0123456789abcdef';
const bodies: unknown[] = [];
const spider = new Hono();
spider.get('/nlb', (c) => c.json({ nlb: [] }));
spider.post('/nlb', async (c) => {
  bodies.push(await c.req.json());
  return c.json({ Result: 'true' });
});
const routeDocs: RouteDoc[] = [
  { method: 'get', path: '/spider/nlb', summary: 'list', query: z.object({ ConnectionName: z.string() }) },
  { method: 'post', path: '/spider/nlb', summary: 'create', body: z.object({ ConnectionName: z.string() }) },
];

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    registry: mockAndNative().registry,
    token: TOKEN,
    maxBodyBytes: 4096,
    mounts: [{ path: '/spider', app: spider }],
    routeDocs,
  });
});
afterAll(() => t.close());

it('a mount answers without the bearer token (it does its own auth) and is limited in body size', async () => {
  expect(await t.call('GET', '/spider/nlb?ConnectionName=mock')).toMatchObject({
    status: 200,
    body: { nlb: [] },
  });
  expect(await t.call('POST', '/spider/nlb', { body: { ConnectionName: 'mock' } })).toMatchObject({
    status: 200,
  });
  const big = await t.call('POST', '/spider/nlb', { body: { ConnectionName: 'x'.repeat(5000) } });
  expect(big).toMatchObject({ status: 413, body: { code: 'INVALID_ARGUMENT' } });
  expect(bodies).toEqual([{ ConnectionName: 'mock' }]);
  expect((await t.call('GET', '/v1/connections')).status).toBe(401);
});

it("the mounts' route docs are in /openapi.json, and their requests in /metrics", async () => {
  const doc = (await t.call('GET', '/openapi.json')).body as {
    paths: Record<string, Record<string, { parameters: { name: string }[] }>>;
  };
  expect(Object.keys(doc.paths['/spider/nlb'] ?? {}).sort()).toEqual(['get', 'post']);
  expect(doc.paths['/spider/nlb']?.get?.parameters.map((p) => p.name)).toEqual(['ConnectionName']);
  const metrics = (await t.call('GET', '/metrics', { token: TOKEN })).body as string;
  expect(metrics).toMatch(
    /nlbkit_http_requests_total\{route="\/spider\/nlb",method="POST",connection="",driver="",code="INVALID_ARGUMENT",status="413"\} 1/,
  );
  expect(metrics).toMatch(
    /nlbkit_http_requests_total\{route="\/spider\/nlb",method="GET",connection="",driver="",code="",status="200"\} 1/,
  );
});
