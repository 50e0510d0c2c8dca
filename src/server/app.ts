/**
 * The HTTP server's application: nlbkit's own `/v1` API, `/openapi.json`, `/healthz`, `/metrics`, and
 * other route modules (`mounts`: CB-Spider's routes, the status page) behind the same middleware:
 * metrics, access log, body size limit, and the bearer token for `/v1` and `/metrics`.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { quoteInput } from '../interfaces/input-text.js';
import type { ConnectionRegistry } from './connections/connection-registry.js';
import { requireBearerToken } from './http/bearer-token.js';
import { errorBodySchema, plainError } from './http/error-response.js';
import { createServerMetrics } from './http/metrics.js';
import type { ServerEnv } from './http/server-env.js';
import { openApiDocument } from './openapi/openapi-document.js';
import type { RouteDoc } from './openapi/route-doc.js';
import { type ProgressLogEntry, v1Routes } from './v1/v1-routes.js';

/** The largest request body accepted by default: 1 MiB (1,000 VMs take about 100 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** One access-log entry: no bodies, no headers, so no secrets. */
export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  connection?: string | undefined;
  code?: string | undefined;
}

/** Options of {@link createServerApp}. */
export interface ServerAppOptions {
  registry: ConnectionRegistry;
  /** The bearer token `/v1` and `/metrics` require. Default: none (allowed on loopback only, see `serve`). */
  token?: string | undefined;
  /** Other route modules, mounted at `path` behind the same middleware (they do their own auth). */
  mounts?: Array<{ path: string; app: Hono }> | undefined;
  /** The mounts' routes, for `/openapi.json`. */
  routeDocs?: RouteDoc[] | undefined;
  /** Largest request body, in bytes; larger is 413. Default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number | undefined;
  /** Aborts every operation in flight (the shutdown deadline). */
  signal?: AbortSignal | undefined;
  /** True while the server drains: `/healthz` then answers 503 so balancers stop sending. */
  draining?: (() => boolean) | undefined;
  /** Receives one entry per request. Default: none. */
  log?: ((entry: AccessLogEntry) => void) | undefined;
  /** Receives each progress step of the `/v1` operations (a create's waits, ...). Default: none. */
  logProgress?: ((entry: ProgressLogEntry) => void) | undefined;
  /** The version `/openapi.json` states. Default `0.0.0`. */
  version?: string | undefined;
}

/**
 * Builds the server's Hono app.
 *
 * @example
 * const registry = createConnectionRegistry(parseConnections('connections: {test: {driver: mock}}'));
 * const app = createServerApp({ registry });
 * const res = await app.request('/v1/connections');
 */
export function createServerApp(opts: ServerAppOptions): Hono {
  const app = new Hono<ServerEnv>();
  const metrics = createServerMetrics();
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.use('*', metrics.middleware);
  if (opts.log) {
    const log = opts.log;
    app.use('*', async (c, next) => {
      const start = performance.now();
      await next();
      log({
        method: c.req.method,
        path: c.req.path.slice(0, 200),
        status: c.res.status,
        ms: Math.round((performance.now() - start) * 10) / 10,
        connection: c.get('connection'),
        code: c.get('errorCode'),
      });
    });
  }
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => plainError(c, 413, 'INVALID_ARGUMENT', `the body is larger than ${maxBodyBytes} bytes`),
  });
  // No route reads a GET's body; looking for one would build a full Request (a third of a request's cost).
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next)));
  if (opts.token) {
    const auth = requireBearerToken(opts.token);
    app.use('/v1/*', auth);
    app.use('/metrics', auth);
  }

  app.get('/healthz', (c) =>
    opts.draining?.() ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ok' }),
  );
  app.get('/metrics', async (c) => {
    c.header('content-type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });

  const v1 = v1Routes(opts.registry, { signal: opts.signal, logProgress: opts.logProgress });
  app.route('/', v1.app);
  for (const mount of opts.mounts ?? []) app.route(mount.path, mount.app);

  const docs: RouteDoc[] = [...SERVER_DOCS, ...v1.docs, ...(opts.routeDocs ?? [])];
  const document = openApiDocument(docs, {
    title: 'nlbkit serve',
    version: opts.version ?? '0.0.0',
    errorSchema: errorBodySchema,
  });
  app.get('/openapi.json', (c) => c.json(document));

  app.notFound((c) =>
    plainError(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${quoteInput(c.req.path, 200)}`),
  );
  app.onError((e, c) => {
    if (e instanceof HTTPException) {
      if (e.status === 401) c.set('errorCode', 'PERMISSION_DENIED');
      return e.getResponse();
    }
    return plainError(c, 500, 'PROVIDER_ERROR', 'internal server error');
  });
  return app as unknown as Hono;
}

/** The server's own routes besides `/v1`. */
const SERVER_DOCS: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: 200 {"status":"ok"}, 503 while shutting down',
    auth: false,
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format)',
    statuses: [401],
  },
  { method: 'get', path: '/openapi.json', summary: 'This document', auth: false },
];
