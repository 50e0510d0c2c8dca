/**
 * A client that disconnects aborts its operation (and it leaves nothing); a graceful shutdown stops
 * accepting, lets requests in flight finish, and aborts those still running at the deadline.
 */
import { afterEach, expect, it } from 'vitest';
import { createMockDriver, type MockDriver } from '../../src/drivers/mock/index.js';
import { isNLBError } from '../../src/interfaces/errors.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import { createBody, registryOf, startTestServer, type TestServer, VMS } from './server-harness.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** The mock, with every createNLB's outcome kept so the test can wait for the operation itself. */
function recordingMock(): { mock: MockDriver; handler: NLBHandler; creates: Promise<unknown>[] } {
  const mock = createMockDriver({ vms: VMS });
  const creates: Promise<unknown>[] = [];
  const handler: NLBHandler = {
    ...mock,
    createNLB: (req, opts) => {
      const p = mock.createNLB(req, opts);
      creates.push(
        p.then(
          () => 'created',
          (e) => (isNLBError(e) ? e.code : e),
        ),
      );
      return p;
    },
  };
  return { mock, handler, creates };
}

it('a client that disconnects mid-create aborts the create, which leaves nothing', async () => {
  const { mock, handler, creates } = recordingMock();
  mock.setLatency(30_000);
  const t = await startTestServer({ registry: registryOf({ slow: { driver: 'mock', handler } }) });
  servers.push(t);
  const client = new AbortController();
  const sent = fetch(`${t.url}/v1/connections/slow/nlbs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(createBody('web')),
    signal: client.signal,
  });
  while (creates.length === 0) await new Promise((r) => setTimeout(r, 10));
  client.abort();
  await expect(sent).rejects.toThrow();
  expect(await creates[0]).toBe('ABORTED');
  mock.setLatency(0);
  expect(await mock.listIID()).toEqual([]);
});

it('shutdown: refuses new connections, and a request in flight finishes', async () => {
  const { mock, handler, creates } = recordingMock();
  mock.setLatency(500);
  const t = await startTestServer({ registry: registryOf({ m: { driver: 'mock', handler } }) });
  const inFlight = t.call('POST', '/v1/connections/m/nlbs', { body: createBody('web') });
  while (creates.length === 0) await new Promise((r) => setTimeout(r, 10));
  const closed = t.server.close({ deadlineMs: 60_000 });
  await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
  expect((await inFlight).status).toBe(201);
  await closed;
  mock.setLatency(0);
  expect((await mock.listIID()).map((i) => i.nameId)).toEqual(['web']);
});

it('shutdown: at the deadline the operations still running are aborted, and leave nothing', async () => {
  const { mock, handler, creates } = recordingMock();
  mock.setLatency(60_000);
  const shutdown = new AbortController();
  const t = await startTestServer({
    registry: registryOf({ m: { driver: 'mock', handler } }),
    signal: shutdown.signal,
  });
  const inFlight = t.call('POST', '/v1/connections/m/nlbs', { body: createBody('web') });
  while (creates.length === 0) await new Promise((r) => setTimeout(r, 10));
  await t.server.close({ deadlineMs: 100, abort: () => shutdown.abort() });
  expect(await inFlight).toMatchObject({ status: 503, body: { code: 'ABORTED' } });
  expect(await creates[0]).toBe('ABORTED');
  mock.setLatency(0);
  expect(await mock.listIID()).toEqual([]);
});

it('/healthz answers 503 while the server drains', async () => {
  let draining = false;
  const t = await startTestServer({ registry: registryOf({}), draining: () => draining });
  servers.push(t);
  expect(await t.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  draining = true;
  expect(await t.call('GET', '/healthz')).toMatchObject({ status: 503, body: { status: 'draining' } });
});
