/**
 * What a failed command prints: the code, the message and every violation with its field path (and,
 * for a request built from flags, the flag that sets the field). Never the cause chain, where a
 * provider's error may carry credentials, and never a stack trace.
 */
import { isNLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';

/** The flag that sets a request field, by field path (`listener.port` -> `--port`). */
export type FlagOfField = Readonly<Record<string, string>>;

/** The text printed to stderr for `e`; `flags` names the flag behind each field, when there is one. */
export function renderError(e: unknown, flags: FlagOfField = {}): string {
  if (!isNLBError(e)) {
    // Not from a driver (they throw only NLBError): the error's own words, bounded; no stack.
    const text = e instanceof Error ? e.message : String(e);
    return `error: ${quoteInput(text, 500)}\n`;
  }
  const lines = [`error ${e.code}: ${e.message}`];
  for (const v of e.violations) {
    const flag = flags[v.path] ?? flags[v.path.replace(/\[\d+\].*$/, '')];
    const where = `${v.path || '(input)'}${flag ? ` (${flag})` : ''}`;
    lines.push(`  ${where}: ${v.message}${v.allowed ? ` (allowed: ${v.allowed})` : ''}`);
  }
  if (e.retryable) lines.push('  (retryable: the same command may succeed later)');
  return `${lines.join('\n')}\n`;
}
