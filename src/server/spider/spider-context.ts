/**
 * What every spider route does first: read and check the body and query, find the connection and its
 * handler. Nothing reaches a driver before this has passed.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { nlbNameSchema } from '../../interfaces/schemas.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { checkInput, connectionOf, readJsonBody } from './spider-body.js';
import { spiderQuerySchema } from './spider-schemas.js';

/** A checked request: its body and query, the connection named and its handler. */
export interface SpiderRequest<B, Q> {
  body: B;
  query: Q;
  connection: string;
  handler: NLBHandler;
  /** Fires when the client goes away: the operation is aborted (ABORTED, nothing left behind). */
  signal: AbortSignal;
}

/** How a route reads its request. */
export interface RequestSpec<BS extends z.ZodType, QS extends z.ZodType> {
  operation: string;
  body: BS;
  query?: QS;
  maxBodyBytes: number;
  registry: ConnectionRegistry;
}

/** Reads, checks and resolves one request (see {@link SpiderRequest}). */
export async function spiderRequest<BS extends z.ZodType, QS extends z.ZodType = typeof spiderQuerySchema>(
  c: Context,
  spec: RequestSpec<BS, QS>,
): Promise<SpiderRequest<z.output<BS>, z.output<QS>>> {
  const raw = await readJsonBody(c, spec.maxBodyBytes, spec.operation);
  const body = checkInput(spec.body, raw ?? {}, spec.operation) as z.output<BS>;
  const query = checkInput(spec.query ?? spiderQuerySchema, c.req.query(), spec.operation) as z.output<QS>;
  const connection = connectionOf(
    body as { ConnectionName?: string },
    query as { ConnectionName?: string },
    spec.operation,
  );
  spec.registry.driverOf(connection); // NOT_FOUND for a connection the file does not name
  const handler = await spec.registry.handler(connection);
  return { body, query, connection, handler, signal: c.req.raw.signal };
}

/** The NLB name in the path, checked like every other name. */
export const nameParam = (c: Context, operation: string): string =>
  checkInput(nlbNameSchema, c.req.param('Name'), operation, 'Name');

/**
 * Runs `fn` on the NLB `nameId`. When it fails NOT_FOUND because the NLB itself is missing, the
 * message is CB-Spider's (NLBManager.go: "NLB '%s' does not exist in connection '%s'"), which its
 * clients look for: CB-Tumblebug matches "does not exist in connection" and "not exist".
 */
export async function onNLB<T>(
  r: SpiderRequest<unknown, unknown>,
  nameId: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isNLBError(e) || e.code !== 'NOT_FOUND') throw e;
    const exists = await r.handler.listIID({ signal: r.signal }).then(
      (iids) => iids.some((iid) => iid.nameId === nameId),
      () => true, // unknown: keep the driver's own answer
    );
    if (exists) throw e;
    throw new NLBError({
      code: 'NOT_FOUND',
      driver: e.driver,
      operation: e.operation,
      message: `NLB ${quoteInput(nameId)} does not exist in connection ${quoteInput(r.connection)}`,
    });
  }
}
