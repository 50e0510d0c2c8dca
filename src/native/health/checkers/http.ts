import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { DEFAULT_EXPECTED_CODES, parseExpectedCodes } from '../expected-codes.js';
import { bounded, errorReason } from './bounded.js';
import type { CheckSpec } from './types.js';

const defaultMatcher = parseExpectedCodes(DEFAULT_EXPECTED_CODES);

/**
 * HTTP or HTTPS GET check: healthy when the status line arrives within the timeout and its code is
 * expected (default 200-399). The body is not read; the socket is destroyed as soon as the status is
 * known. No connection reuse (`agent: false`), so every check proves a fresh connect, as load-balancer
 * checks do. HTTPS skips certificate verification unless `tlsVerify` (the clouds' checks don't verify:
 * backends commonly use self-signed certificates).
 *
 * @example
 * await checkHttp({ address: '127.0.0.1', port: 8080, protocol: 'HTTP', timeoutMs: 2000, httpPath: '/healthz' });
 */
export function checkHttp(spec: CheckSpec, signal?: AbortSignal) {
  const secure = spec.protocol === 'HTTPS';
  const path = spec.httpPath ?? '/';
  const matches = spec.expectedCodes ?? defaultMatcher;
  const hostHeader = spec.host ?? (net.isIPv6(spec.address) ? `[${spec.address}]` : spec.address);
  const timeout = { ok: false, reason: `timeout: no HTTP status within ${spec.timeoutMs} ms` };
  return bounded(spec.timeoutMs, signal, timeout, (done) => {
    const options: https.RequestOptions = {
      host: spec.address,
      port: spec.port,
      path,
      method: 'GET',
      agent: false,
      headers: { Host: hostHeader, 'User-Agent': 'nlbkit-health/1', Accept: '*/*', Connection: 'close' },
    };
    if (spec.localPort !== undefined) options.localPort = spec.localPort;
    if (secure) {
      options.rejectUnauthorized = spec.tlsVerify === true;
      // SNI must be a name, never an IP literal; send it only when a Host was given.
      if (spec.host !== undefined && net.isIP(spec.host) === 0) options.servername = spec.host;
      if (spec.ca !== undefined) options.ca = spec.ca;
    }
    const req = (secure ? https : http).request(options, (res) => {
      // We destroy the request mid-body; should the response report that as an error, it is expected.
      res.on('error', () => {});
      const status = res.statusCode ?? 0;
      if (matches(status)) done({ ok: true, reason: `HTTP ${status}` });
      else done({ ok: false, reason: `HTTP ${status} on ${path} is not an expected code` });
    });
    req.on('error', (err) => done({ ok: false, reason: errorReason(err) }));
    req.end();
    return () => req.destroy();
  });
}
