/** Reading a request's JSON body: only `application/json` (a browser cannot send it cross-site without asking). */
import type { Context } from 'hono';
import { NLBError } from '../../interfaces/errors.js';

/**
 * The parsed body, or INVALID_ARGUMENT (415 unsupported media type, 400 empty or not JSON) naming
 * the operation. The size limit is enforced before, by the app's body-limit middleware.
 */
export async function readJsonBody(c: Context, ctx: { driver: string; operation: string }): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type))
    throw new NLBError({
      ...ctx,
      code: 'INVALID_ARGUMENT',
      message: 'the body must be JSON (Content-Type: application/json)',
    });
  const text = await c.req.text();
  if (text.trim() === '')
    throw new NLBError({ ...ctx, code: 'INVALID_ARGUMENT', message: 'the body is empty' });
  try {
    return JSON.parse(text);
  } catch {
    throw new NLBError({ ...ctx, code: 'INVALID_ARGUMENT', message: 'the body is not valid JSON' });
  }
}
