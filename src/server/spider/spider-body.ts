/**
 * Reading and checking a spider request: its JSON body (GETs included: CB-Spider's own curl examples
 * send `{"ConnectionName": ...}` as the body of a GET, test/nlb-test-curl/common/list-get-nlb-test.sh),
 * size-limited, then validated with zod before any driver call.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { z } from 'zod';
import { NLBError } from '../../interfaces/errors.js';
import { parseInput } from '../../interfaces/schemas.js';
import { InputRejected } from './spider-errors.js';
import { SPIDER_FIELD_NAMES } from './spider-schemas.js';

/** The `driver` the spider routes' own NLBErrors name (the connection is not known yet). */
export const SPIDER = 'spider';

const reject = (status: 400 | 413 | 415, operation: string, message: string) =>
  new InputRejected(status, new NLBError({ code: 'INVALID_ARGUMENT', driver: SPIDER, operation, message }));

const reject413 = (operation: string, maxBytes: number) =>
  reject(413, operation, `the request body is larger than ${maxBytes} bytes`);

/** Reads a byte stream whole, refusing it (413) once it passes `maxBytes`. */
async function readLimited(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  operation: string,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > maxBytes) throw reject413(operation, maxBytes);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/**
 * Node's request body for a GET (a fetch Request cannot carry one). Past `maxBytes` the rest is read
 * and dropped rather than the socket destroyed, so the client still gets its 413.
 */
function readIncoming(incoming: IncomingMessage, maxBytes: number, operation: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) return void parts.push(chunk);
      incoming.off('data', onData);
      incoming.resume();
      reject(reject413(operation, maxBytes));
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(Buffer.concat(parts)));
    incoming.once('error', reject);
  });
}

/** The raw body, or undefined when there is none. */
async function readBody(c: Context, maxBytes: number, operation: string): Promise<Buffer | undefined> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    return incoming && !incoming.readableEnded ? readIncoming(incoming, maxBytes, operation) : undefined;
  }
  const stream = c.req.raw.body;
  return stream
    ? readLimited(stream as unknown as AsyncIterable<Uint8Array>, maxBytes, operation)
    : undefined;
}

const CANONICAL = new Map<string, string>(SPIDER_FIELD_NAMES.map((name) => [name.toLowerCase(), name]));
/** Deeper than any request goes; what lies below is left for validation to refuse. */
const MAX_KEY_DEPTH = 16;

/**
 * Field names as Go's encoding/json matches them: a key that equals a known name but for case is
 * read as that name, unless the exact name is there too. Other keys stay, for validation to name.
 */
export function goFieldNames(value: unknown, depth = 0): unknown {
  if (depth > MAX_KEY_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => goFieldNames(v, depth + 1));
  const own = value as Record<string, unknown>;
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(
    Object.entries(own).map(([key, v]) => {
      const canonical = CANONICAL.get(key.toLowerCase());
      const name = canonical && !Object.hasOwn(own, canonical) ? canonical : key;
      return [name, goFieldNames(v, depth + 1)];
    }),
  );
}

/** The request's JSON body, or undefined when it has none. */
export async function readJsonBody(c: Context, maxBytes: number, operation: string): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw reject413(operation, maxBytes);
  const raw = await readBody(c, maxBytes, operation);
  const text = raw?.toString('utf8') ?? '';
  if (text.trim() === '') return undefined;
  const type = c.req.header('content-type') ?? '';
  if (type !== '' && !/^application\/json\s*(?:;|$)/i.test(type))
    throw reject(415, operation, 'the request body must be JSON (Content-Type: application/json)');
  try {
    return goFieldNames(JSON.parse(text));
  } catch {
    throw reject(400, operation, 'the request body is not valid JSON');
  }
}

/** `input` checked with `schema`; every violation named, as a 400 before any driver call. */
export function checkInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  operation: string,
  root?: string,
): z.output<S> {
  try {
    return parseInput(schema, input, { driver: SPIDER, operation, ...(root ? { root } : {}) });
  } catch (e) {
    throw e instanceof NLBError ? new InputRejected(400, e) : e;
  }
}

/**
 * The connection a request names: `ConnectionName` in the body, else in the query (NLBRest.go:
 * "To support for Get-Query Param Type API").
 */
export function connectionOf(
  body: { ConnectionName?: string | undefined } | undefined,
  query: { ConnectionName?: string | undefined },
  operation: string,
): string {
  const name = body?.ConnectionName || query.ConnectionName;
  if (!name)
    throw reject(400, operation, 'ConnectionName is required, in the JSON body or as a query parameter');
  return name;
}
