/** /metrics: requests by route, connection, driver and error code, a latency histogram, bounded labels. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBody, mockAndNative, startTestServer, type TestServer } from './server-harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ registry: mockAndNative().registry });
});
afterAll(() => t.close());

it('counts requests by route, connection, driver, code and status, and times them', async () => {
  await t.call('POST', '/v1/connections/native/nlbs', { body: createBody('web') });
  await t.call('GET', '/v1/connections/mock/nlbs/nope');
  await t.call('GET', '/v1/connections/unknown-1/nlbs');
  await t.call('GET', '/v1/connections/unknown-2/nlbs');
  await t.call('GET', '/random/path/1');
  const text = (await t.call('GET', '/metrics')).body as string;
  const line = (labels: string) =>
    text.split('\n').find((l) => l.startsWith(`nlbkit_http_requests_total{${labels}}`));
  expect(
    line(
      'route="/v1/connections/:connection/nlbs",method="POST",connection="native",driver="native",code="",status="201"',
    ),
  ).toMatch(/ 1$/);
  expect(
    line(
      'route="/v1/connections/:connection/nlbs/:name",method="GET",connection="mock",driver="mock",code="NOT_FOUND",status="404"',
    ),
  ).toMatch(/ 1$/);
  // Names a client made up never become label values.
  expect(
    line(
      'route="/v1/connections/:connection/nlbs",method="GET",connection="",driver="",code="NOT_FOUND",status="404"',
    ),
  ).toMatch(/ 2$/);
  expect(text).not.toContain('unknown-1');
  expect(text).not.toContain('/random/path');
  expect(
    line('route="(unmatched)",method="GET",connection="",driver="",code="NOT_FOUND",status="404"'),
  ).toMatch(/ 1$/);
  expect(text).toMatch(
    /nlbkit_http_request_duration_seconds_bucket\{le="0.1",route="\/v1\/connections\/:connection\/nlbs",method="POST"\} \d/,
  );
  expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
});
