/**
 * How error messages and violation paths show what a caller gave: quoted, cut short and with every
 * control or invisible character escaped, so a message stays one line of bounded size whatever the
 * input held (a 1 MB field name, a newline that would forge a log line, a bidi override).
 */

/** The most characters of one user-supplied string that a message shows. */
export const QUOTED_MAX_LENGTH = 64;

// C0 and C1 controls, soft hyphen, bidi and zero-width marks, line and paragraph separators, BOM,
// interlinear annotations, every surrogate (a cut can split a pair), the quote and the backslash.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job.
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff'\\]/g;
const NAMED_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  "'": "\\'",
  '\\': '\\\\',
};

const escapeChar = (c: string) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A user-supplied value as an error message shows it: a string in single quotes, escaped, and cut to
 * `max` characters (default {@link QUOTED_MAX_LENGTH}) with its full length said; a number or boolean
 * as written; anything else by its type only (no user code such as `toString` is run).
 *
 * @example
 * quoteInput('web\n1'); // "'web\\n1'"
 * quoteInput('x'.repeat(100)); // "'xxx…x'... (100 characters)" (64 x's)
 */
export function quoteInput(value: unknown, max = QUOTED_MAX_LENGTH): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value !== 'string') return value === null ? 'null' : `(${typeof value})`;
  const cut = value.length > max;
  const shown = (cut ? value.slice(0, max) : value).replace(UNSAFE, escapeChar);
  return cut ? `'${shown}'... (${value.length} characters)` : `'${shown}'`;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

/**
 * Appends one step to a dotted field path (`vmGroup.vms[2].nameId`): `.key` for a plain name, `[2]`
 * for an index, and `['quoted key']` (see {@link quoteInput}) for any other key a caller sent.
 */
export function joinPath(path: string, key: PropertyKey): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (typeof key === 'string' && PLAIN_KEY.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${quoteInput(typeof key === 'symbol' ? key.description : key)}]`;
}
