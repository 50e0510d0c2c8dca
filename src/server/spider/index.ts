/** CB-Spider's NLB routes for `nlbkit serve` (docs/server-spider.md). */
export type { ConnectionRegistry, RouteDoc } from './registry-types.js';
export { HTTP_STATUS_BY_CODE, type SpiderErrorMode } from './spider-errors.js';
export { spiderRouteDocs } from './spider-route-docs.js';
export { type SpiderRouteOptions, spiderRoutes } from './spider-routes.js';
