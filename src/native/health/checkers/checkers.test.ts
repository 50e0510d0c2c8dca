import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpectedCodes } from '../expected-codes.js';
import { runCheck } from './index.js';

const HOST = '127.0.0.1';
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
    closers.push(
      () =>
        new Promise((r) => {
          (server as http.Server).closeAllConnections?.();
          server.close(() => r());
        }),
    );
  });
}

/** A port that was free a moment ago: nothing listens there, so connects are refused. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await new Promise<number>((r) =>
    s.listen(0, HOST, () => r((s.address() as net.AddressInfo).port)),
  );
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('TCP check', () => {
  it('is healthy when something listens, unhealthy when the port is closed', async () => {
    const port = await listen(net.createServer((s) => s.destroy()));
    expect(await runCheck({ address: HOST, port, protocol: 'TCP', timeoutMs: 1000 })).toEqual({ ok: true });
    const closed = await runCheck({
      address: HOST,
      port: await closedPort(),
      protocol: 'TCP',
      timeoutMs: 1000,
    });
    expect(closed.ok).toBe(false);
    expect(closed.reason).toMatch(/ECONNREFUSED/);
  });

  it('closes with a RST, leaving no TIME_WAIT behind', async () => {
    const seen: string[] = [];
    const port = await listen(
      net.createServer((s) => {
        s.on('error', (err: NodeJS.ErrnoException) => seen.push(err.code ?? 'error'));
        s.on('end', () => seen.push('FIN'));
      }),
    );
    expect((await runCheck({ address: HOST, port, protocol: 'TCP', timeoutMs: 1000 })).ok).toBe(true);
    await expect.poll(() => seen, { timeout: 2000 }).toEqual(['ECONNRESET']);
  });

  it('honours an abort signal', async () => {
    const port = await listen(net.createServer((s) => s.destroy()));
    const ac = new AbortController();
    ac.abort();
    expect(await runCheck({ address: HOST, port, protocol: 'TCP', timeoutMs: 1000 }, ac.signal)).toEqual({
      ok: false,
      reason: 'aborted',
    });
  });
});

describe('HTTP check', () => {
  let port = 0;
  const seen: Array<{ path?: string; host?: string }> = [];
  beforeAll(async () => {
    const server = http.createServer((req, res) => {
      seen.push({ path: req.url, host: req.headers.host });
      if (req.url === '/healthz') return res.writeHead(200).end('ok');
      if (req.url === '/redirect') return res.writeHead(302, { Location: '/login' }).end();
      if (req.url === '/broken') return res.writeHead(500).end('boom');
      if (req.url === '/slow') return; // never answers: the check must time out
      if (req.url === '/stream') {
        // Headers, then a body that never ends: the check must not wait for it, nor crash on closing.
        res.writeHead(200);
        const t = setInterval(() => res.write('x'.repeat(1024)), 5);
        res.on('close', () => clearInterval(t));
        return;
      }
      res.writeHead(404).end();
    });
    port = await listen(server);
  });

  it('passes on 200 and sends path and Host', async () => {
    const out = await runCheck({
      address: HOST,
      port,
      protocol: 'HTTP',
      timeoutMs: 1000,
      httpPath: '/healthz',
      host: 'app.example',
    });
    expect(out).toEqual({ ok: true, reason: 'HTTP 200' });
    expect(seen.at(-1)).toEqual({ path: '/healthz', host: 'app.example' });
  });

  it('judges by the status line without reading an endless body', async () => {
    const out = await runCheck({
      address: HOST,
      port,
      protocol: 'HTTP',
      timeoutMs: 1000,
      httpPath: '/stream',
    });
    expect(out).toEqual({ ok: true, reason: 'HTTP 200' });
    await new Promise((r) => setTimeout(r, 50)); // a late response error would surface here
  });

  it('fails on 500 and on a wrong path (404)', async () => {
    const broken = await runCheck({
      address: HOST,
      port,
      protocol: 'HTTP',
      timeoutMs: 1000,
      httpPath: '/broken',
    });
    expect(broken).toEqual({ ok: false, reason: 'HTTP 500 on /broken is not an expected code' });
    const wrong = await runCheck({
      address: HOST,
      port,
      protocol: 'HTTP',
      timeoutMs: 1000,
      httpPath: '/nope',
    });
    expect(wrong.ok).toBe(false);
    expect(wrong.reason).toMatch(/HTTP 404/);
  });

  it('accepts a 302 by default (200-399) but not under keepalived-style 200-299', async () => {
    const spec = { address: HOST, port, protocol: 'HTTP' as const, timeoutMs: 1000, httpPath: '/redirect' };
    expect((await runCheck(spec)).ok).toBe(true);
    expect((await runCheck({ ...spec, expectedCodes: parseExpectedCodes('200-299') })).ok).toBe(false);
  });

  it('times out when the status never comes, within the bound', async () => {
    const t0 = performance.now();
    const out = await runCheck({ address: HOST, port, protocol: 'HTTP', timeoutMs: 150, httpPath: '/slow' });
    const took = performance.now() - t0;
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/timeout/);
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1000);
  });

  it('fails when nothing listens', async () => {
    const out = await runCheck({
      address: HOST,
      port: await closedPort(),
      protocol: 'HTTP',
      timeoutMs: 1000,
    });
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/ECONNREFUSED/);
  });
});

describe('HTTPS check with a self-signed certificate', async () => {
  const run = promisify(execFile);
  const haveOpenssl = await run('openssl', ['version']).then(
    () => true,
    () => false,
  );
  if (!haveOpenssl && process.env.CI === 'true')
    throw new Error('openssl is needed for the HTTPS checker tests in CI');
  if (!haveOpenssl) console.warn('openssl not found: skipping the HTTPS self-signed case');
  let port = 0;
  let cert = '';
  beforeAll(async () => {
    if (!haveOpenssl) return;
    const dir = await mkdtemp(join(tmpdir(), 'nlbkit-tls-'));
    // EC keys generate instantly; the cert names "localhost" so verification can succeed by name.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
    ]);
    cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    const key = await readFile(join(dir, 'key.pem'), 'utf8');
    await rm(dir, { recursive: true });
    port = await listen(https.createServer({ cert, key }, (_req, res) => res.writeHead(204).end()));
  });

  it.skipIf(!haveOpenssl)('passes without verification (the default)', async () => {
    expect(await runCheck({ address: HOST, port, protocol: 'HTTPS', timeoutMs: 2000 })).toEqual({
      ok: true,
      reason: 'HTTP 204',
    });
  });

  it.skipIf(!haveOpenssl)('fails with verification on an untrusted certificate', async () => {
    const out = await runCheck({ address: HOST, port, protocol: 'HTTPS', timeoutMs: 2000, tlsVerify: true });
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/SELF_SIGNED|self.signed/i);
  });

  it.skipIf(!haveOpenssl)(
    'passes with verification when the CA is trusted and the name matches',
    async () => {
      const spec = {
        address: HOST,
        port,
        protocol: 'HTTPS' as const,
        timeoutMs: 2000,
        tlsVerify: true,
        ca: cert,
      };
      expect((await runCheck({ ...spec, host: 'localhost' })).ok).toBe(true);
    },
  );
});

describe('UDP check (best effort)', () => {
  it('is healthy on a reply, before the timeout', async () => {
    const server = dgram.createSocket('udp4');
    server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
    const port = await new Promise<number>((r) => server.bind(0, HOST, () => r(server.address().port)));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const t0 = performance.now();
    const out = await runCheck({ address: HOST, port, protocol: 'UDP', timeoutMs: 2000 });
    expect(out).toEqual({ ok: true, reason: 'UDP reply' });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('is healthy on silence (a listener that never answers)', async () => {
    const server = dgram.createSocket('udp4');
    const port = await new Promise<number>((r) => server.bind(0, HOST, () => r(server.address().port)));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const out = await runCheck({ address: HOST, port, protocol: 'UDP', timeoutMs: 200 });
    expect(out.ok).toBe(true);
    expect(out.reason).toMatch(/no reply/);
  });

  it('is unhealthy when the port is closed (ICMP port unreachable -> ECONNREFUSED)', async () => {
    const probe = dgram.createSocket('udp4');
    const port = await new Promise<number>((r) => probe.bind(0, HOST, () => r(probe.address().port)));
    await new Promise<void>((r) => probe.close(() => r()));
    const out = await runCheck({ address: HOST, port, protocol: 'UDP', timeoutMs: 1000 });
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/ECONNREFUSED/);
  });
});

describe('a fixed source port (the dsr probe path routes by it)', () => {
  /** A TCP port free a moment ago, to send from. */
  const freePort = () => closedPort();

  it('TCP, HTTP and UDP checks send from localPort', async () => {
    const peers: number[] = [];
    const tcp = await listen(
      net.createServer((s) => {
        peers.push(s.remotePort ?? 0);
        s.on('error', () => {});
      }),
    );
    const tcpFrom = await freePort();
    expect(
      (await runCheck({ address: HOST, port: tcp, protocol: 'TCP', timeoutMs: 1000, localPort: tcpFrom })).ok,
    ).toBe(true);
    await expect.poll(() => peers).toEqual([tcpFrom]);

    const web = await listen(
      http.createServer((req, res) => {
        peers.push(req.socket.remotePort ?? 0);
        res.writeHead(204).end();
      }),
    );
    const httpFrom = await freePort();
    const out = await runCheck({
      address: HOST,
      port: web,
      protocol: 'HTTP',
      timeoutMs: 1000,
      localPort: httpFrom,
    });
    expect(out).toEqual({ ok: true, reason: 'HTTP 204' });
    expect(peers.at(-1)).toBe(httpFrom);

    const server = dgram.createSocket('udp4');
    server.on('message', (msg, rinfo) => {
      peers.push(rinfo.port);
      server.send(msg, rinfo.port, rinfo.address);
    });
    const udp = await new Promise<number>((r) => server.bind(0, HOST, () => r(server.address().port)));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const udpFrom = await freePort();
    expect(
      await runCheck({ address: HOST, port: udp, protocol: 'UDP', timeoutMs: 1000, localPort: udpFrom }),
    ).toEqual({
      ok: true,
      reason: 'UDP reply',
    });
    expect(peers.at(-1)).toBe(udpFrom);
  });

  it('fails (never sends from another port) when localPort is taken', async () => {
    const holder = net.createServer();
    const taken = await listen(holder);
    const tcp = await listen(net.createServer((s) => s.destroy()));
    const out = await runCheck({
      address: HOST,
      port: tcp,
      protocol: 'TCP',
      timeoutMs: 1000,
      localPort: taken,
    });
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/EADDRINUSE/);
  });
});
