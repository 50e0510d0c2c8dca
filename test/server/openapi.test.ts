/**
 * /openapi.json: every route the app registers is documented (and nothing else), and bodies that the
 * published schema rejects are rejected by the server, which changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerApp } from '../../src/server/app.js';
import { createBody, mockAndNative, startTestServer, type TestServer } from './server-harness.js';

type Json = Record<string, unknown>;
type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  minItems?: number;
};

let t: TestServer;
let doc: { paths: Record<string, Record<string, Json>> };
let drivers: ReturnType<typeof mockAndNative>;
beforeAll(async () => {
  drivers = mockAndNative();
  t = await startTestServer({ registry: drivers.registry });
  doc = (await t.call('GET', '/openapi.json')).body as typeof doc;
});
afterAll(() => t.close());

it('documents exactly the routes the app registers', () => {
  const app = createServerApp({ registry: drivers.registry });
  const registered = app.routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((m) => `${m} ${path}`),
  );
  expect(new Set(registered)).toEqual(new Set(documented));
  expect(registered.length).toBeGreaterThan(12);
});

/** Bodies each route accepts; mutated below into bodies its schema rejects. */
const VALID: Record<string, () => unknown> = {
  'post /v1/connections/{connection}/nlbs': () => createBody('fresh'),
  'put /v1/connections/{connection}/nlbs/{name}/listener': () => ({ protocol: 'TCP', port: 81 }),
  'put /v1/connections/{connection}/nlbs/{name}/vmgroup': () => ({
    protocol: 'TCP',
    port: 8081,
    vms: [{ nameId: 'web1', weight: 2 }],
  }),
  'put /v1/connections/{connection}/nlbs/{name}/healthchecker': () => ({
    protocol: 'HTTP',
    port: 8080,
    interval: 9,
    timeout: 3,
    httpPath: '/h',
  }),
  'post /v1/connections/{connection}/nlbs/{name}/vms': () => [{ nameId: 'web3', weight: 1 }],
  'delete /v1/connections/{connection}/nlbs/{name}/vms': () => [{ nameId: 'web3' }],
};

/** Bodies the JSON Schema rejects, each by one keyword of it, found by walking schema and a valid value together. */
function rejected(schema: Schema, value: unknown, where = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const wrongType = schema.type === 'string' ? 12345 : `not-a-${schema.type ?? 'value'}`;
  if (schema.type) out.push([`${where}: not a ${schema.type}`, wrongType]);
  if (schema.enum) out.push([`${where}: not in enum`, 'NOT_IN_ENUM']);
  if (schema.const !== undefined) out.push([`${where}: not the const`, 'NOT_THE_CONST']);
  if (schema.maximum !== undefined && schema.maximum < 1e9)
    out.push([`${where}: above maximum`, schema.maximum + 1]);
  if (schema.minimum !== undefined) out.push([`${where}: below minimum`, schema.minimum - 1]);
  if (schema.pattern) {
    const bad = 'bad value; "quoted"\n';
    expect(new RegExp(schema.pattern, 'u').test(bad)).toBe(false);
    out.push([`${where}: pattern`, bad]);
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    if (schema.minItems) out.push([`${where}: too few`, []]);
    if (schema.items && value.length > 0)
      for (const [what, bad] of rejected(schema.items, value[0], `${where}[0]`))
        out.push([what, [bad, ...value.slice(1)]]);
  }
  if (schema.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Json;
    for (const key of schema.required ?? []) {
      const { [key]: _dropped, ...rest } = obj;
      out.push([`${where}.${key}: missing`, rest]);
    }
    if (schema.additionalProperties === false)
      out.push([`${where}: unknown field`, { ...obj, bogusField: 1 }]);
    for (const [key, sub] of Object.entries(schema.properties ?? {}))
      if (key in obj)
        for (const [what, bad] of rejected(sub, obj[key], `${where}.${key}`))
          out.push([what, { ...obj, [key]: bad }]);
  }
  return out;
}

describe('requests the schema rejects are rejected by the server, and change nothing', () => {
  for (const connection of ['mock', 'native']) {
    it(`${connection}: every body route, every keyword`, async () => {
      const base = `/v1/connections/${connection}`;
      expect((await t.call('POST', `${base}/nlbs`, { body: createBody('target') })).status).toBe(201);
      const snapshot = JSON.stringify((await t.call('GET', `${base}/nlbs`)).body);
      let checked = 0;
      for (const [key, valid] of Object.entries(VALID)) {
        const [method, path] = key.split(' ') as [string, string];
        const op = doc.paths[path]?.[method] as {
          requestBody: { content: { 'application/json': { schema: Schema } } };
        };
        const schema = op.requestBody.content['application/json'].schema;
        const url = path.replace('{connection}', connection).replace('{name}', 'target');
        for (const [what, body] of rejected(schema, valid())) {
          const res = await t.call(method.toUpperCase(), url, { body });
          expect([res.status, what]).toEqual([400, what]);
          expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
          checked++;
        }
      }
      expect(JSON.stringify((await t.call('GET', `${base}/nlbs`)).body)).toBe(snapshot);
      expect(checked).toBeGreaterThan(100);
      // The valid bodies themselves are accepted: the rejections above are the mutations' doing.
      for (const [key, valid] of Object.entries(VALID)) {
        const [method, path] = key.split(' ') as [string, string];
        const url = path.replace('{connection}', connection).replace('{name}', 'target');
        const res = await t.call(method.toUpperCase(), url, { body: valid() });
        expect([key, res.status]).toEqual([
          key,
          method === 'post' && !path.endsWith('vms') ? 201 : method === 'delete' ? 204 : 200,
        ]);
      }
    });
  }

  it('query parameters: a systemId the schema rejects is rejected', async () => {
    const param = (
      doc.paths['/v1/connections/{connection}/nlbs/{name}']!.get as {
        parameters: { name: string; schema: Schema }[];
      }
    ).parameters.find((p) => p.name === 'systemId');
    expect(param?.schema.pattern).toBeDefined();
    const res = await t.call(
      'GET',
      `/v1/connections/mock/nlbs/target?systemId=${encodeURIComponent('a b"c')}`,
    );
    expect(res).toMatchObject({ status: 400, body: { violations: [{ path: 'query.systemId' }] } });
  });
});
