/**
 * The app `nlbkit serve` runs, over a loopback socket: nlbkit's API, CB-Spider's routes and the status
 * page in one server; /openapi.json documents exactly the routes it serves, each with its own auth;
 * with a token set the status page asks for it, and /spider/* answers Basic auth, never the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { createServeApp, STATUS_PAGE_USER } from '../../src/server/serve-app.js';
import { createBody, mockAndNative } from './server-harness.js';

const TOKEN = 'serve-app-test-token-0123456789';
const SPIDER = { SPIDER_USERNAME: 'admin', SPIDER_PASSWORD: 'spider-pass' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the nlbkit serve app', () => {
  const drivers = mockAndNative();
  let server: RunningServer;
  const saved = { ...process.env };
  beforeAll(async () => {
    Object.assign(process.env, SPIDER);
    server = await listen(createServeApp({ registry: drivers.registry, token: TOKEN }), {
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await server.close({ deadlineMs: 1000 });
    for (const k of Object.keys(SPIDER)) if (saved[k] === undefined) delete process.env[k];
  });
  const get = (path: string, authorization?: string) =>
    fetch(`${server.url}${path}`, { headers: authorization ? { authorization } : {} });

  it('documents exactly the routes it serves, with the auth each one takes', async () => {
    const app = createServeApp({ registry: drivers.registry, token: TOKEN });
    const registered = app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')}`);
    const doc = (await (await get('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item).map((m) => `${m} ${p}`),
    );
    expect(new Set(registered)).toEqual(new Set(documented));
    expect(documented).toContain('post /spider/nlb');
    expect(documented).toContain('get /');
    expect(doc.paths['/spider/nlb']?.post?.security).toEqual([{ basic: [] }]);
    expect(doc.paths['/']?.get?.security).toEqual([{ basic: [] }]);
    expect(doc.paths['/v1/connections']?.get?.security).toBeUndefined();
  });

  it('serves one NLB to both APIs', async () => {
    const created = await fetch(`${server.url}/v1/connections/mock/nlbs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(createBody('both')),
    });
    expect(created.status).toBe(201);
    const spider = await get(
      '/spider/nlb/both?ConnectionName=mock',
      basic(SPIDER.SPIDER_USERNAME, SPIDER.SPIDER_PASSWORD),
    );
    expect(spider.status).toBe(200);
    expect(((await spider.json()) as { IId: { NameId: string } }).IId.NameId).toBe('both');
    // The bearer token is not CB-Spider's credential.
    expect((await get('/spider/nlb/both?ConnectionName=mock', `Bearer ${TOKEN}`)).status).toBe(401);
  });

  it('asks for the token on the status page when one is set', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/', basic(STATUS_PAGE_USER, 'wrong-token-wrong-token'))).status).toBe(401);
    const page = await get('/', basic(STATUS_PAGE_USER, TOKEN));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('both');
  });
});
