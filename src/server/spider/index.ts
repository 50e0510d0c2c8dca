/** CB-Spider's NLB routes for `nlbkit serve` (docs/server-spider.md). */
export type { SpiderErrorMode } from './spider-errors.js';
export { spiderRouteDocs } from './spider-route-docs.js';
export { type SpiderRouteOptions, spiderRoutes } from './spider-routes.js';
