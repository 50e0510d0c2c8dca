/** The text of an error for use inside another error's message. */
import { isNLBError } from '../interfaces/errors.js';

/**
 * `e`'s message; for an NLBError without its `[nlbkit] [driver] operation: ` prefix, which the error
 * built around it adds again (otherwise: `[nlbkit] [aws] createNLB: [nlbkit] [aws] createNLB: ...`).
 */
export function messageOf(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (!isNLBError(e)) return e.message;
  const prefix = `[nlbkit] [${e.driver}] ${e.operation}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}
