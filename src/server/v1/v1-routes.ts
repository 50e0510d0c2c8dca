/**
 * nlbkit's own HTTP API, `/v1`: every NLBHandler operation of every connection, with the library's
 * own types as bodies and real status codes. Every input (connection, NLB name, query, body) is
 * validated before the connection's driver is created or called; a client that disconnects aborts
 * its operation through the call's signal.
 */
import { Hono } from 'hono';
import { NLBError } from '../../interfaces/errors.js';
import { nlbNameSchema, parseInput } from '../../interfaces/schemas.js';
import type { IID, ProgressEvent } from '../../interfaces/types.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { errorResponse } from '../http/error-response.js';
import { readJsonBody } from '../http/json-body.js';
import type { ServerEnv } from '../http/server-env.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { nlbQuerySchema, V1_OPERATIONS, type V1Operation } from './v1-operations.js';
import { connectionListSchema } from './v1-response-schemas.js';

/** Below this, each connection's routes. */
export const V1_CONNECTION = '/v1/connections/{connection}';

const ERRORS = [400, 401, 403, 404, 413, 422, 429, 502, 503, 504];
const hono = (path: string) => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

/** One progress step of a `/v1` operation, as the server logs it: what the driver told, and where. */
export interface ProgressLogEntry {
  connection: string;
  /** The NLB of routes that name one. */
  nlb?: string | undefined;
  operation: string;
  step: string;
  detail?: string | undefined;
  elapsedMs: number;
}

/** Options of {@link v1Routes}. */
export interface V1RouteOptions {
  /** Aborts every operation in flight (the server's shutdown deadline). */
  signal?: AbortSignal | undefined;
  /** Receives each progress step of every operation (no bodies, so no secrets). Default: none. */
  logProgress?: ((entry: ProgressLogEntry) => void) | undefined;
}

/** The `/v1` routes and their docs. */
export function v1Routes(
  registry: ConnectionRegistry,
  opts: V1RouteOptions = {},
): { app: Hono<ServerEnv>; docs: RouteDoc[] } {
  const app = new Hono<ServerEnv>();
  app.get('/v1/connections', (c) =>
    c.json(registry.names().map((name) => ({ name, driver: registry.driverOf(name) }))),
  );
  const docs: RouteDoc[] = [
    {
      method: 'get',
      path: '/v1/connections',
      summary: 'The connections of the server and their drivers, in the order of the connections file',
      response: connectionListSchema,
      statuses: [401],
    },
  ];
  for (const op of V1_OPERATIONS) {
    const path = `${V1_CONNECTION}${op.path}`;
    app.on(op.method.toUpperCase(), hono(path), async (c) => {
      try {
        const connection = c.req.param('connection') ?? '';
        const driver = registry.driverOf(connection);
        c.set('connection', connection);
        c.set('driver', driver);
        const ctx = { driver, operation: op.operation };
        const iid = readIID(op, c.req.param('name'), c.req.query(), ctx);
        const body = op.body ? parseInput(op.body, await readJsonBody(c, ctx), ctx) : undefined;
        const handler = await registry.handler(connection);
        const linked = linkedSignal(c.req.raw.signal, opts.signal);
        const log = opts.logProgress;
        // A create names its NLB in the (validated) body.
        const nlb = iid.nameId || (body as { iid?: IID } | undefined)?.iid?.nameId;
        const onProgress = log && ((e: ProgressEvent) => log({ connection, nlb, ...e }));
        const result = await op
          .run({ handler, iid, body, signal: linked.signal, onProgress })
          .finally(linked.dispose);
        if (op.successStatus === 204) return c.body(null, 204);
        return c.json(result as object, op.successStatus ?? 200);
      } catch (e) {
        return errorResponse(c, e);
      }
    });
    docs.push({
      method: op.method,
      path,
      summary: op.summary,
      ...(op.path.includes('{name}') ? { query: nlbQuerySchema } : {}),
      ...(op.body ? { body: op.body } : {}),
      ...(op.response ? { response: op.response } : {}),
      ...(op.successStatus ? { successStatus: op.successStatus } : {}),
      statuses: op.method === 'get' ? ERRORS : [...ERRORS, 409].sort((a, b) => a - b),
    });
  }
  return { app, docs };
}

function readIID(
  op: V1Operation,
  name: string | undefined,
  query: Record<string, string>,
  ctx: { driver: string; operation: string },
): IID {
  if (!op.path.includes('{name}')) {
    if (Object.keys(query).length > 0)
      throw new NLBError({
        ...ctx,
        code: 'INVALID_ARGUMENT',
        message: 'this route takes no query parameters',
      });
    return { nameId: '' };
  }
  const nameId = parseInput(nlbNameSchema, name, { ...ctx, root: 'name' });
  const { systemId } = parseInput(nlbQuerySchema, query, { ...ctx, root: 'query' });
  return systemId === undefined ? { nameId } : { nameId, systemId };
}

/**
 * The request's signal, aborted also by the server's shutdown signal. Not `AbortSignal.any`: on
 * Node 20 a long-lived source signal keeps every dependent made from it, and memory grows with
 * each request; here the listener is removed when the operation settles.
 */
function linkedSignal(request: AbortSignal, shutdown: AbortSignal | undefined) {
  if (!shutdown) return { signal: request, dispose: () => {} };
  const controller = new AbortController();
  const abort = () => controller.abort(shutdown.aborted ? shutdown.reason : request.reason);
  if (request.aborted || shutdown.aborted) abort();
  request.addEventListener('abort', abort, { once: true });
  shutdown.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      request.removeEventListener('abort', abort);
      shutdown.removeEventListener('abort', abort);
    },
  };
}
