/** A credential given by reference never shows in an answer, the access log, /metrics or /openapi.json. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnectionRegistry } from '../../src/server/connections/connection-registry.js';
import { parseConnections } from '../../src/server/connections/connections-file.js';
import { startTestServer, type TestServer } from './server-harness.js';

const SECRET = 'S3cret-Passw0rd-never-shown';
const TOKEN = 'secrets-token-0123456789abcdef';
const log: string[] = [];
let t: TestServer;
beforeAll(async () => {
  // Keystone on a port nobody listens on: every call fails after the password is resolved and sent.
  const file = parseConnections(
    'connections:\n  os: {driver: openstack, authUrl: "http://127.0.0.1:9/v3", requestTimeoutMs: 2000, auth: {type: password, username: u, password: {fromEnv: T_OS_PASSWORD}, projectName: p}}\n  unset: {driver: openstack, authUrl: "http://127.0.0.1:9/v3", auth: {type: applicationCredential, id: app, secret: {fromEnv: T_NOT_SET}}}\n',
  );
  const registry = createConnectionRegistry(file, { env: { T_OS_PASSWORD: SECRET } });
  t = await startTestServer({ registry, token: TOKEN, log: (entry) => log.push(JSON.stringify(entry)) });
});
afterAll(() => t.close());

it('errors of a connection with a secret answer without it', async () => {
  const answers = [
    await t.call('GET', '/v1/connections/os/nlbs', { token: TOKEN }),
    await t.call('POST', '/v1/connections/os/nlbs/web/vms', { token: TOKEN, body: [{ nameId: 'web1' }] }),
    await t.call('GET', '/v1/connections/unset/nlbs', { token: TOKEN }),
  ];
  expect(answers.map((a) => a.status)).toEqual([503, 503, 400]);
  expect((answers[2]!.body as { message: string }).message).toMatch(/T_NOT_SET is not set/);
  const everything = [
    ...answers.map((a) => JSON.stringify(a.body)),
    ...log,
    (await t.call('GET', '/metrics', { token: TOKEN })).body as string,
    JSON.stringify((await t.call('GET', '/openapi.json')).body),
  ].join('\n');
  expect(everything).not.toContain(SECRET);
  expect(everything).not.toContain(TOKEN);
});
