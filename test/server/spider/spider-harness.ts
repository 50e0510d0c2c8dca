/**
 * What the spider route tests share: a small registry (a mock and a native connection over a memory
 * store, no agent, and one that cannot be created), a server on a loopback socket, and a client that
 * can send a body with a GET, as CB-Spider's curl examples do (fetch cannot).
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { afterAll, beforeAll } from 'vitest';
import { createMockDriver, type MockDriver } from '../../../src/drivers/mock/index.js';
import {
  createMemoryStore,
  createNativeDriver,
  type NativeDriver,
} from '../../../src/drivers/native/index.js';
import { NLBError } from '../../../src/interfaces/errors.js';
import type { NLBHandler } from '../../../src/interfaces/handler.js';
import type { ConnectionRegistry } from '../../../src/server/connections/connection-registry.js';
import { type SpiderRouteOptions, spiderRoutes } from '../../../src/server/spider/spider-routes.js';

/** The VMs every connection knows: CB-Spider's test scripts use vm-01 to vm-04. */
export const VMS = { 'vm-01': '10.0.0.11', 'vm-02': '10.0.0.12', 'vm-03': '10.0.0.13', 'vm-04': '10.0.0.14' };

/**
 * A registry over `mock-conn` (mock), `native-conn` (native, memory store), `broken-conn` (cannot be
 * created) and any `extra` connections.
 */
export function testRegistry(
  extra: Record<string, { driver: string; handler: NLBHandler }> = {},
): ConnectionRegistry & { mock: MockDriver; native: NativeDriver } {
  const vms = Object.fromEntries(Object.entries(VMS).map(([name, ipv4]) => [name, { ipv4 }]));
  const mock = createMockDriver({ vms });
  const native = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: ['10.99.0.0/28'] },
    vmInventory: vms,
  });
  const drivers: Record<string, string> = {
    'mock-conn': 'mock',
    'native-conn': 'native',
    'broken-conn': 'aws',
    ...Object.fromEntries(Object.entries(extra).map(([name, e]) => [name, e.driver])),
  };
  const unknown = (name: string) =>
    new NLBError({
      code: 'NOT_FOUND',
      driver: 'server',
      operation: 'connection',
      message: `no connection named '${name}'`,
    });
  return {
    mock,
    native,
    names: () => Object.keys(drivers),
    driverOf(name) {
      const driver = drivers[name];
      if (!driver) throw unknown(name);
      return driver;
    },
    async handler(name): Promise<NLBHandler> {
      if (name === 'mock-conn') return mock;
      if (name === 'native-conn') return native;
      const more = extra[name];
      if (more) return more.handler;
      if (name === 'broken-conn')
        throw new NLBError({
          code: 'UNAVAILABLE',
          driver: 'aws',
          operation: 'connection',
          message: 'region is not set',
        });
      throw unknown(name);
    },
    close: async () => native.close(),
  };
}

/** An answer: status, headers and the parsed JSON body. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field and check shapes with zod.
  json: any;
}

/** A server on 127.0.0.1, port 0, and a client for it. */
export interface TestServer {
  url: string;
  call(
    method: string,
    path: string,
    opts?: {
      body?: unknown;
      raw?: string | Buffer;
      auth?: string | null;
      headers?: Record<string, string>;
      /** Send the body chunked, without Content-Length. */
      chunked?: boolean;
    },
  ): Promise<Answer>;
  close(): Promise<void>;
}

export const USER = 'admin';
export const PASSWORD = 'spider-test-password';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const GOOD_AUTH = basic(USER, PASSWORD);

/** Serves `app` on a loopback socket. */
export async function startServer(app: Hono): Promise<TestServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    call: (method, path, opts = {}) =>
      new Promise((resolve, reject) => {
        const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
        const headers: Record<string, string> = { ...opts.headers };
        if (payload !== undefined) {
          headers['content-type'] ??= 'application/json';
          // Node frames GET and DELETE bodies only when told to.
          if (opts.chunked) headers['transfer-encoding'] = 'chunked';
          else headers['content-length'] = String(Buffer.byteLength(payload));
        }
        const auth = opts.auth === undefined ? GOOD_AUTH : opts.auth;
        if (auth !== null) headers.authorization = auth;
        // A connection per request: one refused mid-body (413) is closed by the server, not reused.
        const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = { notJson: text };
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
          });
        });
        req.on('error', reject);
        if (opts.chunked && payload !== undefined) {
          // Two writes without Content-Length: Node sends them chunked.
          const half = Math.floor(payload.length / 2);
          req.write(payload.slice(0, half));
          req.end(payload.slice(half));
        } else req.end(payload);
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export { basic };

/**
 * A test registry and the spider routes over it on a loopback socket, started before the suite's
 * tests and closed after them; `server` is set once started.
 */
export function spiderServerForSuite(opts: SpiderRouteOptions = {}) {
  const suite = { registry: testRegistry(), server: undefined as unknown as TestServer };
  beforeAll(async () => {
    suite.server = await startServer(
      spiderRoutes(suite.registry, { credentials: { username: USER, password: PASSWORD }, ...opts }),
    );
  });
  afterAll(async () => {
    await suite.server?.close();
    await suite.registry.close();
  });
  return suite;
}
