/**
 * The app `nlbkit serve` runs: nlbkit's own API (createServerApp) with CB-Spider's NLB routes and the
 * status page mounted behind the same middleware.
 */
import type { Hono } from 'hono';
import { createServerApp, type ServerAppOptions } from './app.js';
import type { RouteDoc } from './openapi/route-doc.js';
import { type SpiderErrorMode, spiderRouteDocs, spiderRoutes } from './spider/index.js';
import { statusPageRoutes } from './status-page/index.js';

/** Options of {@link createServeApp}: the app's, without the mounts it adds itself. */
export interface ServeAppOptions extends Omit<ServerAppOptions, 'mounts' | 'routeDocs'> {
  /** How CB-Spider's routes answer errors: `spider` (its 500 `{"message"}`, default) or `http`. */
  spiderErrors?: SpiderErrorMode | undefined;
}

/** The user name the status page asks for when a token is set; the token is the password. */
export const STATUS_PAGE_USER = 'nlbkit';

const statusPageDoc: RouteDoc = {
  method: 'get',
  path: '/',
  summary: 'The status page (HTML): connections, NLBs, VMs and their health, native nodes',
  auth: 'basic',
  statuses: [401],
};

/**
 * Builds the server `nlbkit serve` runs. CB-Spider's routes use HTTP Basic with SPIDER_USERNAME /
 * SPIDER_PASSWORD, as CB-Spider does; with a bearer token set, the status page asks a browser for HTTP
 * Basic with user `nlbkit` and the token as password (a page cannot send a bearer token).
 *
 * @example
 * const registry = createConnectionRegistry(parseConnections('connections: {test: {driver: mock}}'));
 * const app = createServeApp({ registry });
 * const res = await app.request('/spider/nlb?ConnectionName=test');
 */
export function createServeApp(opts: ServeAppOptions): Hono {
  const { spiderErrors, ...app } = opts;
  const credentials = opts.token ? { username: STATUS_PAGE_USER, password: opts.token } : undefined;
  return createServerApp({
    ...app,
    mounts: [
      { path: '/', app: spiderRoutes(opts.registry, { errors: spiderErrors }) },
      { path: '/', app: statusPageRoutes(opts.registry, { credentials }) },
    ],
    routeDocs: [...spiderRouteDocs, statusPageDoc],
  });
}
