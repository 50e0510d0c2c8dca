/**
 * Reads what birdc prints: `show protocols` (session states) and `show route protocol X` (the routes
 * nlbkit's static protocols hold). Pure parsers, for tests; birdc's table layout is BIRD 2's.
 */
import { parseAddress } from '../../../interfaces/schemas.js';
import type { AnnounceSession } from '../types.js';

const BGP_STATES = new Set(['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established', 'Close']);

/**
 * The BGP and BFD rows of `birdc show protocols`. A BGP session's state is its BGP state
 * (`Established`, `Active`...) when BIRD prints one, else the protocol state (`down`, `start`).
 */
export function parseProtocols(text: string): AnnounceSession[] {
  const sessions: AnnounceSession[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const [name, proto, , state] = cols;
    if (!name || !state || (proto !== 'BGP' && proto !== 'BFD')) continue;
    // The "Since" column is one or two words (depending on BIRD's timeformat); the BGP state follows it.
    const at = cols.findIndex((c, i) => i > 4 && BGP_STATES.has(c));
    const bgpState = proto === 'BGP' && at > 0 ? cols[at] : undefined;
    const rest = at > 0 ? cols.slice(at + 1).join(' ') : '';
    sessions.push({
      name: name.slice(0, 200),
      state: (bgpState ?? state).slice(0, 200),
      ...(rest ? { info: rest.slice(0, 1000) } : {}),
    });
  }
  return sessions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The host routes (VIPs) in `birdc show route protocol X` output, canonical and sorted. */
export function parseRoutes(text: string): string[] {
  const vips = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9A-Fa-f.:]+)\/(32|128)\s/.exec(line);
    const parsed = m?.[1] ? parseAddress(m[1]) : undefined;
    if (parsed && (parsed.family === 4) === (m?.[2] === '32')) vips.add(parsed.address);
  }
  return [...vips].sort();
}
