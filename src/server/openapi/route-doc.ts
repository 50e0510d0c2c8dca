/** How a route is described in `/openapi.json`: its method, path, summary and zod schemas. */
import type { ZodType } from 'zod';

/**
 * One documented route. `path` is in OpenAPI style (`/spider/nlb/{Name}`); `query` is a zod object
 * whose fields are the query parameters; `statuses` are the error statuses it may answer besides 200.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  query?: ZodType;
  body?: ZodType;
  response?: ZodType;
  /** The success status when it is not 200 (201 for a create, 204 for no content). */
  successStatus?: number;
  statuses?: number[];
  /** True: the bearer token; `'basic'`: HTTP Basic (CB-Spider's routes, the status page); false: none. Default true. */
  auth?: boolean | 'basic';
}
