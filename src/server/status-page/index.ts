/** The server-rendered status page of `nlbkit serve` (docs/server-spider.md#the-status-page). */
export { type StatusPageOptions, statusPageRoutes } from './status-page-routes.js';
