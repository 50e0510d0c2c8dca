/**
 * The data-plane benchmark's own new-connection client (bench/dataplane/spread-load.c), compiled with
 * gcc and run against HTTP servers on loopback: it spreads connections over its targets in turn, opens
 * a new connection per request, and counts refused connections and error answers as errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSpreadLoad, parseSpread, runSpread } from '../../bench/dataplane/spread.js';

const haveGcc = spawnSync('gcc', ['--version']).error === undefined;
if (!haveGcc && process.env.CI === 'true') throw new Error('gcc is needed for the spread-load tests in CI');

interface Counted {
  server: Server;
  port: number;
  connections: number;
  requests: number;
}

async function serve(status: number): Promise<Counted> {
  const counted = { connections: 0, requests: 0 } as Counted;
  counted.server = createServer((_req, res) => {
    counted.requests++;
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': '3' });
    res.end('ok\n');
  });
  counted.server.on('connection', () => {
    counted.connections++;
  });
  await new Promise<void>((resolve) => counted.server.listen(0, '127.0.0.1', resolve));
  counted.port = (counted.server.address() as AddressInfo).port;
  return counted;
}

/** A loopback port nothing listens on (a server opened and closed again). */
async function closedPort(): Promise<number> {
  const s = await serve(200);
  await new Promise((r) => s.server.close(r));
  return s.port;
}

describe('parseSpread', () => {
  it('turns the JSON line into a load result with all error kinds summed', () => {
    const line =
      '{"requests":500,"seconds":2.0,"p50":1.5,"p99":4.25,"errors":{"connect":1,"read":2,"timeout":3,"status":4}}\n';
    expect(parseSpread(line)).toEqual({ rps: 250, requests: 500, p50: 1.5, p99: 4.25, errors: 10 });
  });

  it('rejects output without a duration', () => {
    expect(() => parseSpread('{"requests":5,"seconds":0}')).toThrow(/unexpected output/);
  });
});

describe.skipIf(!haveGcc)('spread-load against loopback servers', () => {
  let dir: string;
  let program: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nlbkit-spread-'));
    program = await buildSpreadLoad(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (targets: { host: string; port: number }[], connections = 4) =>
    runSpread(undefined, program, { targets, clients: 1, connections, seconds: 1 });

  it('opens one connection per request and spreads them evenly over the targets', async () => {
    const a = await serve(200);
    const b = await serve(200);
    try {
      const r = await run([
        { host: '127.0.0.1', port: a.port },
        { host: '127.0.0.1', port: b.port },
      ]);
      expect(r.errors).toBe(0);
      expect(r.requests).toBeGreaterThan(50);
      // Every request had its own connection (keep-alive would give far fewer connections than
      // requests); at most the 4 open when the client stopped have no request served yet.
      for (const server of [a, b]) {
        expect(server.connections).toBeGreaterThanOrEqual(server.requests);
        expect(server.connections - server.requests).toBeLessThanOrEqual(4);
      }
      expect(a.requests + b.requests).toBeGreaterThanOrEqual(r.requests);
      const share = a.requests / (a.requests + b.requests);
      expect(share).toBeGreaterThan(0.4);
      expect(share).toBeLessThan(0.6);
      expect(r.p99).toBeGreaterThanOrEqual(r.p50);
    } finally {
      a.server.close();
      b.server.close();
    }
  });

  it('counts refused connections and error answers as errors', async () => {
    const good = await serve(200);
    const failing = await serve(503);
    const refused = await closedPort();
    try {
      const r = await run([
        { host: '127.0.0.1', port: good.port },
        { host: '127.0.0.1', port: failing.port },
        { host: '127.0.0.1', port: refused },
      ]);
      expect(r.requests).toBeGreaterThan(0);
      expect(failing.requests).toBeGreaterThan(0);
      // Each of the three targets took a third of the attempts: two of them failed.
      expect(r.errors).toBeGreaterThan(r.requests);
    } finally {
      good.server.close();
      failing.server.close();
    }
  });
});
