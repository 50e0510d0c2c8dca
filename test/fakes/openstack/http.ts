/** Errors as each OpenStack service words them, and the request shape the handlers see. */

/** A request, parsed. */
export interface FakeRequest {
  method: string;
  /** Path below the service prefix, e.g. `/v2/lbaas/pools/ID/members`. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
}

/** What a handler returns. */
export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers; rendered in the service's own error format. */
export class OsFault extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'Error',
  ) {
    super(message);
  }
}

export type Service = 'identity' | 'network' | 'compute' | 'load-balancer';

/** The error body each service sends. */
export function renderFault(service: Service, f: OsFault): unknown {
  switch (service) {
    case 'load-balancer':
      return { faultcode: f.status < 500 ? 'Client' : 'Server', faultstring: f.message, debuginfo: null };
    case 'network':
      return { NeutronError: { type: f.type, message: f.message, detail: '' } };
    case 'compute':
      return { [f.status === 404 ? 'itemNotFound' : 'badRequest']: { code: f.status, message: f.message } };
    default:
      return { error: { code: f.status, message: f.message, title: f.type } };
  }
}

export const ok = (body: unknown, status = 200): FakeResponse => ({ status, body });
export const bad = (message: string) => new OsFault(400, message, 'BadRequest');
export const notFound = (message: string, type = 'NotFound') => new OsFault(404, message, type);
export const conflict = (message: string) => new OsFault(409, message, 'Conflict');

/** A required string field. */
export function str(o: Record<string, unknown>, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '')
    throw bad(`Invalid input for field/attribute ${key}. Value: ${String(v)}. ${what}`);
  return v;
}

/** A whole number field within [min, max]; `fallback` when absent (undefined: required). */
export function int(
  o: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  const v = o[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw bad(
      `Invalid input for field/attribute ${key}. Value: '${String(v)}'. Value should be between ${min} and ${max}`,
    );
  return v;
}

/** A tags field: strings of at most 255 characters. */
export function tags(o: Record<string, unknown>): string[] {
  const v = o.tags ?? [];
  if (!Array.isArray(v) || v.some((t) => typeof t !== 'string' || t.length > 255 || t.includes(',')))
    throw bad(
      'Invalid input for field/attribute tags. Tags are strings of at most 255 characters, without commas',
    );
  return v as string[];
}

/** Matches `path` against patterns, remembering the id the last match captured. */
export function pathMatcher(path: string) {
  let hit: RegExpMatchArray | null = null;
  return {
    at(re: RegExp): boolean {
      hit = path.match(re);
      return hit !== null;
    },
    /** The id the last matching pattern captured. */
    id: () => hit?.[1] as string,
  };
}
