/** Starts nlbkit's server on a real loopback socket for a test, over a registry of given handlers. */
import { createMockDriver, type MockDriver } from '../../src/drivers/mock/index.js';
import { createMemoryStore, createNativeDriver } from '../../src/drivers/native/index.js';
import { NLBError } from '../../src/interfaces/errors.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import { createServerApp, type ServerAppOptions } from '../../src/server/app.js';
import type { ConnectionRegistry } from '../../src/server/connections/connection-registry.js';
import { listen, type RunningServer } from '../../src/server/serve.js';

export const VMS = { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' }, web3: { ipv4: '10.0.0.13' } };
/** Twenty more VMs, for the concurrency tests. */
export const MANY_VMS = Object.fromEntries(
  Array.from({ length: 20 }, (_, i) => [`vm${i}`, { ipv4: `10.0.1.${i + 10}` }]),
);

/** A registry over handlers made by the test (the server's own is tested in src/server/connections). */
export function registryOf(
  handlers: Record<string, { driver: string; handler: NLBHandler }>,
): ConnectionRegistry {
  const notFound = (name: string) =>
    new NLBError({
      code: 'NOT_FOUND',
      driver: 'server',
      operation: 'connection',
      message: `no connection ${name}`,
    });
  return {
    names: () => Object.keys(handlers),
    driverOf(name) {
      const h = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
      if (!h) throw notFound(name);
      return h.driver;
    },
    async handler(name) {
      const h = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
      if (!h) throw notFound(name);
      return h.handler;
    },
    close: async () => {},
  };
}

/** A mock and a native driver (memory store, no agent), the two connections most tests use. */
export function mockAndNative(): { mock: MockDriver; native: NLBHandler; registry: ConnectionRegistry } {
  const mock = createMockDriver({ vms: { ...VMS, ...MANY_VMS } });
  const native = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: ['198.51.100.0/28'] },
    vmInventory: { ...VMS, ...MANY_VMS },
  });
  return {
    mock,
    native,
    registry: registryOf({
      mock: { driver: 'mock', handler: mock },
      native: { driver: 'native', handler: native },
    }),
  };
}

/** A running test server: its URL, a JSON helper and close. */
export interface TestServer {
  url: string;
  server: RunningServer;
  /** Sends a request; `body` is sent as JSON. Answers status, headers and the parsed body (or text). */
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string },
  ): Promise<{ status: number; headers: Headers; body: unknown }>;
  close(): Promise<void>;
}

/** Starts the app on 127.0.0.1 with an ephemeral port. */
export async function startTestServer(opts: ServerAppOptions): Promise<TestServer> {
  const server = await listen(createServerApp(opts), { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    server,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers,
        body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: res.status, headers: res.headers, body };
    },
    close: () => server.close({ deadlineMs: 1000 }),
  };
}

/** A create request the mock and the native driver both accept. */
export const createBody = (name: string, vms: string[] = ['web1', 'web2']) => ({
  iid: { nameId: name },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: vms.map((nameId) => ({ nameId })) },
  healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
});
