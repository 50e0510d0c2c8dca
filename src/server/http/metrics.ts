/**
 * Prometheus metrics of the server (`/metrics`): requests by route, method, connection, driver, error
 * code and status, and a latency histogram by route. Each app has its own registry, so two servers
 * in one process (tests) never mix their counts. Label values are bounded: a route is a registered
 * pattern, and a connection is a name from the connections file, never what a client typed.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ServerEnv } from './server-env.js';

/** The server's metrics and the middleware that records them. */
export interface ServerMetrics {
  registry: Registry;
  middleware: MiddlewareHandler<ServerEnv>;
}

/** Creates a registry with the request metrics and Node's default process metrics (memory, event loop). */
export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'nlbkit_http_requests_total',
    help: 'HTTP requests answered, by route, method, connection, driver, NLBError code and status.',
    labelNames: ['route', 'method', 'connection', 'driver', 'code', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'nlbkit_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const middleware: MiddlewareHandler<ServerEnv> = async (c, next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const pattern = routePath(c, -1);
      // Only middleware matched (an unknown path): one label value for all of them.
      const route = pattern.includes('*') || pattern === '' ? '(unmatched)' : pattern;
      const method = c.req.method;
      requests.inc({
        route,
        method,
        connection: c.get('connection') ?? '',
        driver: c.get('driver') ?? '',
        code: c.get('errorCode') ?? '',
        status: String(c.res.status),
      });
      duration.observe({ route, method }, Number(process.hrtime.bigint() - start) / 1e9);
    }
  };
  return { registry, middleware };
}
