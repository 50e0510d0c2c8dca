/** What a request's handlers tell the server's middleware (for metrics and logs), on the Hono context. */
import type { NLBErrorCode } from '../../interfaces/errors.js';

/** Context variables set by route handlers: which connection and driver, and which error code if any. */
export interface ServerVariables {
  /** A connection name from the connections file (never an unknown name a client sent). */
  connection: string;
  driver: string;
  errorCode: NLBErrorCode;
}

/** The Hono environment of nlbkit's server. */
export type ServerEnv = { Variables: ServerVariables };
