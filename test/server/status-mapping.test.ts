/** Every NLBError code answers its HTTP status with the JSON error body, over a real socket. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NLBError, type NLBErrorCode } from '../../src/interfaces/errors.js';
import { STATUS_OF_CODE } from '../../src/server/http/error-response.js';
import { createBody, mockAndNative, startTestServer, type TestServer } from './server-harness.js';

const EXPECTED: Record<NLBErrorCode, number> = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  INVALID_ARGUMENT: 400,
  UNSUPPORTED: 422,
  THROTTLED: 429,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  PERMISSION_DENIED: 403,
  ABORTED: 503,
  PROVIDER_ERROR: 502,
};

let t: TestServer;
let drivers: ReturnType<typeof mockAndNative>;
beforeAll(async () => {
  drivers = mockAndNative();
  t = await startTestServer({ registry: drivers.registry });
});
afterAll(() => t.close());

it('the table covers every code, as the issue lists them', () => {
  expect(STATUS_OF_CODE).toEqual(EXPECTED);
});

for (const [code, status] of Object.entries(EXPECTED) as [NLBErrorCode, number][]) {
  it(`${code} -> ${status}`, async () => {
    drivers.mock.failNext(
      'listNLB',
      new NLBError({
        code,
        driver: 'mock',
        operation: 'listNLB',
        message: `injected ${code}`,
        violations: code === 'UNSUPPORTED' ? [{ path: 'x', message: 'no', code: 'UNSUPPORTED' }] : undefined,
      }),
    );
    const res = await t.call('GET', '/v1/connections/mock/nlbs');
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      code,
      message: `[nlbkit] [mock] listNLB: injected ${code}`,
      violations: code === 'UNSUPPORTED' ? [{ path: 'x', message: 'no', code: 'UNSUPPORTED' }] : [],
      retryable: ['THROTTLED', 'UNAVAILABLE', 'TIMEOUT'].includes(code),
    });
    expect(res.headers.get('retry-after')).toBe(code === 'THROTTLED' ? '1' : null);
  });
}

it('real driver errors: ALREADY_EXISTS, UNSUPPORTED from capabilities, INVALID_ARGUMENT with every violation', async () => {
  expect((await t.call('POST', '/v1/connections/native/nlbs', { body: createBody('dup') })).status).toBe(201);
  const again = await t.call('POST', '/v1/connections/native/nlbs', { body: createBody('dup') });
  expect(again).toMatchObject({ status: 409, body: { code: 'ALREADY_EXISTS', retryable: false } });
  // The native driver has no GLOBAL scope: valid input it cannot do.
  const global = await t.call('POST', '/v1/connections/native/nlbs', {
    body: { ...createBody('g'), scope: 'GLOBAL' },
  });
  expect(global).toMatchObject({
    status: 422,
    body: { code: 'UNSUPPORTED', violations: [{ path: 'scope' }] },
  });
  const bad = await t.call('POST', '/v1/connections/native/nlbs', {
    body: { ...createBody('b'), listener: { protocol: 'SCTP', port: 0 } },
  });
  expect(bad.status).toBe(400);
  expect((bad.body as { violations: { path: string }[] }).violations.map((v) => v.path).sort()).toEqual([
    'listener.port',
    'listener.protocol',
  ]);
  expect((await t.call('DELETE', '/v1/connections/native/nlbs/dup')).status).toBe(204);
});
