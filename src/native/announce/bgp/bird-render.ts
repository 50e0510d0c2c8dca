/**
 * Renders nlbkit's BIRD include file: one static protocol per family holding a blackhole host route
 * for every VIP this node serves. The user's BGP protocols export these routes
 * (`export where proto ~ "nlbkit*"`); BIRD sets the next hop to the session's own address on eBGP, so
 * the blackhole never leaves this node's BIRD (see docs/native-ha.md for the kernel protocol).
 * Pure: typed targets in, text out, every value through bird-values.ts.
 */
import type { AnnounceTarget } from '../types.js';
import { hostPrefix, quotedPath, symbol } from './bird-values.js';

/** Default prefix of the protocol names: `nlbkit4` and `nlbkit6`. */
export const DEFAULT_PROTOCOL_PREFIX = 'nlbkit';

/** The names of the two static protocols for a prefix. */
export function protocolNames(prefix: string): { v4: string; v6: string } {
  return { v4: symbol(`${prefix}4`), v6: symbol(`${prefix}6`) };
}

/**
 * The include file for `targets`: only serving VIPs are routed; both protocols are always present
 * (empty when nothing is announced), so the user's filters and `show protocols` always find them.
 *
 * @example
 * renderInclude([{ vip: '198.19.0.1', family: 4, serving: true }]);
 * // protocol static nlbkit4 { ipv4; route 198.19.0.1/32 blackhole; } ... protocol static nlbkit6 { ipv6; }
 */
export function renderInclude(targets: readonly AnnounceTarget[], prefix = DEFAULT_PROTOCOL_PREFIX): string {
  const names = protocolNames(prefix);
  const routes = (family: 4 | 6) =>
    [
      ...new Set(
        targets.filter((t) => t.serving && t.family === family).map((t) => hostPrefix(t.vip, family)),
      ),
    ]
      .sort()
      .map((p) => `  route ${p} blackhole;\n`)
      .join('');
  return [
    '# Written by the nlbkit agent; replaced on every change. Do not edit.\n',
    `protocol static ${names.v4} {\n  ipv4;\n${routes(4)}}\n`,
    `protocol static ${names.v6} {\n  ipv6;\n${routes(6)}}\n`,
  ].join('');
}

/** The small configuration `bird -p` parses to check an include file on its own. */
export function renderCheckWrapper(includePath: string): string {
  // A router id keeps the parse independent of the host's interfaces; nothing here ever runs.
  return `router id 192.0.2.1;\ninclude ${quotedPath(includePath)};\n`;
}
