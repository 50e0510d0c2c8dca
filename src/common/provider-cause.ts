/**
 * What an NLBError keeps of a provider's error as its `cause`. SDK errors carry their raw request and
 * response (AWS `$response`, gaxios `config` and `response`, sockets and agents behind them), whose
 * headers hold access keys, session tokens and bearer tokens. So the cause is a new, plain Error with
 * only what helps debugging: the error's name, its message (scrubbed by the caller), the HTTP status,
 * the provider's error code and the request id. Nothing else of the original is reachable from it.
 */

/** The fields a {@link ProviderCause} keeps. */
export interface ProviderCauseFields {
  /** The provider error's name, e.g. `AccessDenied` or `RestError`. */
  name?: string;
  /** Its message, with every secret already removed. */
  message: string;
  /** The HTTP status of the answer, when there was one. */
  status?: number;
  /** The provider's error code (`AccessDenied`, `ECONNREFUSED`, a gRPC code). */
  code?: string | number;
  /** The provider's request id, for its support. */
  requestId?: string;
}

/** A provider error reduced to {@link ProviderCauseFields}. */
export class ProviderCause extends Error {
  readonly status?: number;
  readonly code?: string | number;
  readonly requestId?: string;

  constructor(fields: ProviderCauseFields) {
    super(fields.message);
    this.name = fields.name || 'ProviderError';
    if (fields.status !== undefined) this.status = fields.status;
    if (fields.code !== undefined) this.code = fields.code;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
  }
}

/**
 * A ProviderCause from an error of any shape: its name, its message passed through `scrub`, and a
 * string or number `code`. For errors nobody mapped (the guarded handler's last resort).
 */
export function causeOf(e: unknown, scrub: (text: string) => string = (text) => text): ProviderCause {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { name?: unknown; code?: unknown };
  const code = typeof o.code === 'string' || typeof o.code === 'number' ? o.code : undefined;
  return new ProviderCause({
    name: typeof o.name === 'string' ? o.name : undefined,
    message: scrub(e instanceof Error ? e.message : String(e)),
    code,
  });
}
