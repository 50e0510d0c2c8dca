/** The server logs each progress step of a /v1 operation: one entry per step, with connection and NLB. */
import { afterEach, expect, it } from 'vitest';
import type { ProgressLogEntry } from '../../src/server/v1/v1-routes.js';
import { createBody, mockAndNative, startTestServer, type TestServer } from './server-harness.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

it('logs what the driver tells, for creates and changes, and nothing for reads', async () => {
  const entries: ProgressLogEntry[] = [];
  t = await startTestServer({ registry: mockAndNative().registry, logProgress: (e) => entries.push(e) });
  expect((await t.call('POST', '/v1/connections/native/nlbs', { body: createBody('web') })).status).toBe(201);
  expect(
    (await t.call('POST', '/v1/connections/native/nlbs/web/vms', { body: [{ nameId: 'web3' }] })).status,
  ).toBe(200);
  await t.call('GET', '/v1/connections/native/nlbs/web');
  expect(entries.map(({ elapsedMs, ...rest }) => rest)).toEqual([
    {
      connection: 'native',
      nlb: 'web',
      operation: 'createNLB',
      step: 'stored',
      detail: 'stored as store revision 1',
    },
    {
      connection: 'native',
      nlb: 'web',
      operation: 'addVMs',
      step: 'stored',
      detail: 'stored as store revision 2',
    },
  ]);
  for (const e of entries) expect(typeof e.elapsedMs).toBe('number');
});
