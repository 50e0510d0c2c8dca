/**
 * The two types the spider routes share with the server's core (issue 16's seam). They are declared
 * here, word for word, until the branches merge: then this file is replaced by imports from
 * `src/server/connections/connection-registry.ts` and `src/server/openapi/route-doc.ts`.
 */
import type { ZodType } from 'zod';
import type { NLBHandler } from '../../interfaces/handler.js';

/** The connections of a running server, each created on first use. */
export interface ConnectionRegistry {
  /** The connection names, in the file's order. */
  names(): readonly string[];
  /** The driver a connection uses ('aws' | 'azure' | 'gcp' | 'openstack' | 'mock' | 'native'); NOT_FOUND NLBError for an unknown name. */
  driverOf(name: string): string;
  /** The connection's handler, created on first use; NOT_FOUND for an unknown name; a connection that cannot be created throws its NLBError and never affects the others. */
  handler(name: string): Promise<NLBHandler>;
  /** Closes every handler created so far. */
  close(): Promise<void>;
}

/** One route as `/openapi.json` describes it. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI style, e.g. /spider/nlb/{Name}. */
  path: string;
  summary: string;
  query?: ZodType;
  body?: ZodType;
  response?: ZodType;
  statuses?: number[];
}
