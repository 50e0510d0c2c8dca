/**
 * A client that goes away mid-request aborts the operation: the request's AbortSignal reaches the
 * driver, and a create cut short leaves nothing.
 */
import { request as httpRequest } from 'node:http';
import { expect, it } from 'vitest';
import { GOOD_AUTH, spiderServerForSuite } from './spider-harness.js';

const suite = spiderServerForSuite();
const { registry } = suite;

it('aborts a create whose client disconnects, leaving no NLB', async () => {
  registry.mock.setLatency(30_000); // the mock waits (abortably) before doing anything
  const body = JSON.stringify({
    ConnectionName: 'mock-conn',
    ReqInfo: {
      Name: 'cut-short',
      Listener: { Protocol: 'TCP', Port: '80' },
      HealthChecker: { Protocol: 'TCP' },
    },
  });
  const url = new URL(`${suite.server.url}/spider/nlb`);
  const req = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    agent: false,
    headers: {
      authorization: GOOD_AUTH,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  req.on('error', () => {}); // the socket is destroyed on purpose
  req.end(body);
  // Once the driver has the call, the client goes away.
  await expect.poll(() => registry.mock.calls.some((c) => c.operation === 'createNLB')).toBe(true);
  req.destroy();
  registry.mock.setLatency(0);
  // The mock serializes calls per NLB name: this get waits for the create to settle, which happens
  // at once when it was aborted (else after its 30 s wait, with the NLB made: a failure either way).
  await expect(registry.mock.getNLB({ nameId: 'cut-short' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect(await registry.mock.listIID()).toEqual([]);
}, 20_000);
