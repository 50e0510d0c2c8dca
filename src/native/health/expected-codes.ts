/**
 * HTTP status matching. The default is 200-399, as AWS NLB and HAProxy's `option httpchk` use: a
 * redirect proves the application is up and answering (we never follow it), and many apps answer `/`
 * with a redirect to a login page. keepalived (200-299) and GCP/Azure/Octavia (200) are stricter; set
 * `expectedCodes` to match them.
 */

/** Status codes that mean healthy when a target gives none. */
export const DEFAULT_EXPECTED_CODES = '200-399';

/** A predicate over HTTP status codes. */
export type StatusMatcher = (status: number) => boolean;

/**
 * Parses "200", "200-299" or "200,204,300-302" into a matcher.
 *
 * @throws RangeError when the text is not a list of codes/ranges between 100 and 599, low to high.
 * @example
 * parseExpectedCodes('200,300-302')(301); // true
 */
export function parseExpectedCodes(text: string = DEFAULT_EXPECTED_CODES): StatusMatcher {
  const ranges: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(part);
    if (!m) throw new RangeError(`expected codes "${text}": "${part}" is not a code or a range like 200-299`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 100 || hi > 599 || lo > hi) {
      throw new RangeError(`expected codes "${text}": "${part}" must be within 100-599, low to high`);
    }
    ranges.push([lo, hi]);
  }
  return (status) => ranges.some(([lo, hi]) => status >= lo && status <= hi);
}
