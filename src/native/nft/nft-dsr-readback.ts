/**
 * The read-back of the dsr/tunnel table (`table netdev <name>`): its listing compared with what was
 * rendered, by element count per map (the chains follow from the stamp) and, with tunnel services,
 * the devices the `tun` rules resolve to now. Not the element-by-element read-back of the inet
 * table: see docs/native-forwarding.md. Pure: listing in, differences out.
 */
import { TUNNEL_CHAIN, tunnelDeviceName, tunnelTargets } from './nft-tunnel.js';

/** The maps every dsr/tunnel table holds, besides the pins (which the kernel fills). */
const MAPS = ['dsr4', 'hop4', 'live4', 'slot_tcp', 'slot_udp'];

/**
 * Differences of `json` (`nft -j list table netdev <name>`) from `elements` (renderDsrElements'
 * result). `t` names the table in the messages; `tunnel`: the table has the tunnel chains.
 */
export function diffDsrListing(
  t: string,
  json: string,
  elements: { counts: Readonly<Record<string, number>>; tunnels: ReadonlyMap<number, string> },
  tunnel: boolean,
): string[] {
  const counts = new Map<string, number>();
  let sent: string[];
  try {
    for (const o of (JSON.parse(json) as { nftables: Record<string, { name: string; elem?: unknown[] }>[] })
      .nftables) {
      const m = o.map ?? o.set;
      if (m && !m.name.startsWith('pin_')) counts.set(m.name, m.elem?.length ?? 0);
    }
    sent = tunnel ? tunnelTargets(json) : [];
  } catch {
    return [`table ${t}: its listing cannot be read`];
  }
  const want = new Map(Object.entries(elements.counts));
  const out: string[] = [];
  for (const name of MAPS) {
    const has = counts.get(name);
    if (has === undefined) out.push(`table ${t}: ${name} is missing`);
    else if (has !== (want.get(name) ?? 0))
      out.push(`table ${t}: ${name} holds ${has} elements, expected ${want.get(name) ?? 0}`);
  }
  if (!tunnel) return out;
  // The tunnel rules name their devices as the kernel resolves them now: a device deleted or
  // re-created since (another ifindex) no longer reads back as its name.
  const expected = [...elements.tunnels.keys()].sort((a, b) => a - b).map(tunnelDeviceName);
  if (sent.join() !== expected.join())
    out.push(
      `table ${t}: chain ${TUNNEL_CHAIN} sends to [${sent.join(', ')}], expected [${expected.join(', ')}]`,
    );
  return out;
}
