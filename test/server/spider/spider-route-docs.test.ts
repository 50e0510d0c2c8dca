/**
 * spiderRouteDocs describes exactly the routes spiderRoutes serves, its schemas turn into JSON Schema
 * (what /openapi.json is made of), and a body its schema rejects the server rejects too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { spiderRouteDocs } from '../../../src/server/spider/spider-route-docs.js';
import { spiderRoutes } from '../../../src/server/spider/spider-routes.js';
import { PASSWORD, startServer, type TestServer, testRegistry, USER } from './spider-harness.js';

const registry = testRegistry();
const app = spiderRoutes(registry, { credentials: { username: USER, password: PASSWORD } });
let server: TestServer;
beforeAll(async () => {
  server = await startServer(app);
});
afterAll(async () => {
  await server.close();
  await registry.close();
});

/** `/spider/nlb/:Name` -> `/spider/nlb/{Name}`; `:Id{.+}` -> `{Id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)(\{[^}]*\})?/g, '{$1}');

it('documents every route it serves, and nothing else', () => {
  const served = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`);
  const documented = spiderRouteDocs.map((d) => `${d.method} ${d.path}`);
  expect(new Set(documented).size).toBe(documented.length);
  expect([...served].sort()).toEqual([...documented].sort());
});

it('turns every schema into JSON Schema', () => {
  for (const doc of spiderRouteDocs)
    for (const schema of [doc.body, doc.query, doc.response])
      if (schema) expect(() => z.toJSONSchema(schema, { io: 'input' })).not.toThrow();
  const create = spiderRouteDocs.find((d) => d.method === 'post' && d.path === '/spider/nlb');
  const json = z.toJSONSchema(create?.body as z.ZodType, { io: 'input' }) as {
    properties: Record<string, unknown>;
  };
  expect(Object.keys(json.properties)).toEqual(['ConnectionName', 'IDTransformMode', 'ReqInfo']);
});

it('rejects (400) exactly the bodies its documented schemas reject', async () => {
  const bad = { ConnectionName: 'mock-conn', ReqInfo: { Bogus: '1' } };
  const withBody = spiderRouteDocs.filter((d) => d.body && !d.path.includes('regnlb'));
  expect(withBody.length).toBeGreaterThan(10);
  let rejected = 0;
  for (const doc of withBody) {
    const schemaRejects = doc.body?.safeParse(bad).success === false;
    const path = doc.path.replace('{Name}', 'web').replace('{Id}', 'some-id');
    const a = await server.call(doc.method.toUpperCase(), path, { body: bad });
    // Reads ignore what they do not need (as CB-Spider does); the rest refuse it before any driver call.
    expect([doc.path, a.status === 400]).toEqual([doc.path, schemaRejects]);
    if (schemaRejects) rejected += 1;
  }
  expect(rejected).toBeGreaterThan(8);
  expect(
    registry.mock.calls
      .map((c) => c.operation)
      .filter((op) => !['listNLB', 'listIID', 'getNLB', 'getVMGroupHealthInfo'].includes(op)),
  ).toEqual([]);
});
