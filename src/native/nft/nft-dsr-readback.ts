/**
 * The read-back of the dsr/tunnel table (`table netdev <name>`): each map's listing compared with what
 * was rendered, by element count (the chains follow from the stamp) and, with tunnel services, the
 * devices the `tun` rules resolve to now. The small maps are read on every verify; the slot maps
 * (one element per Maglev slot per service, 524,288 for eight 65,536-slot services) on a slower
 * schedule ({@link slotReadbackDue}). Not the element-by-element read-back of the inet table: see
 * docs/native-forwarding.md. Pure: listings in, differences out.
 */
import { TUNNEL_CHAIN, tunnelDeviceName, tunnelTargets } from './nft-tunnel.js';

/** One map or set of the table, and the nft keyword that lists it (`nft -j list <kind> ...`). */
export interface DsrMap {
  name: string;
  kind: 'map' | 'set';
}

/** The small maps (dispatch, backend hops, live marks): read back on every verify. */
export const DSR_SMALL_MAPS: readonly DsrMap[] = [
  { name: 'dsr4', kind: 'map' },
  { name: 'hop4', kind: 'map' },
  { name: 'live4', kind: 'set' },
];

/** The slot maps (one element per Maglev slot per service): read back when due. */
export const DSR_SLOT_MAPS: readonly DsrMap[] = [
  { name: 'slot_tcp', kind: 'map' },
  { name: 'slot_udp', kind: 'map' },
];

/** What verify read: each listing as nft printed it, or undefined where nft found no such object. */
export interface DsrListings {
  /** By map name: `nft -j list map|set netdev <table> <name>`. Only the maps read are compared. */
  maps: ReadonlyMap<string, string | undefined>;
  /** `nft -j list chain netdev <table> tun` (compared only when the table has the tunnel chains). */
  tun?: string | undefined;
}

/** The number of elements in `json`, the listing of the map or set `name`; throws if unreadable. */
export function countElements(json: string, name: string): number {
  const doc = JSON.parse(json) as { nftables?: Record<string, { name?: string; elem?: unknown[] }>[] };
  if (!Array.isArray(doc.nftables)) throw new Error('no nftables array');
  for (const o of doc.nftables) {
    const m = o.map ?? o.set;
    if (m?.name === name) return Array.isArray(m.elem) ? m.elem.length : 0;
  }
  // nft 1.0.6 prints truncated JSON (exit 0) for a table made dormant by hand: no map in it.
  throw new Error(`no ${name} in the listing`);
}

/** The comment of the map or set `name` in its listing `json` (dsr4 carries the table's stamp). */
export function listedComment(json: string, name: string): string | undefined {
  try {
    const doc = JSON.parse(json) as { nftables?: Record<string, { name?: string; comment?: unknown }>[] };
    for (const o of doc.nftables ?? []) {
      const m = o.map ?? o.set;
      if (m?.name === name) return typeof m.comment === 'string' ? m.comment : undefined;
    }
  } catch {
    // unreadable: no stamp
  }
  return undefined;
}

/**
 * Differences of the maps in `listings` (and, with `tunnel`, of the chain tun) from `elements`
 * (renderDsrElements' result). `t` names the table in the messages.
 */
export function diffDsrListings(
  t: string,
  listings: DsrListings,
  elements: { counts: Readonly<Record<string, number>>; tunnels: ReadonlyMap<number, string> },
  tunnel: boolean,
): string[] {
  const out: string[] = [];
  for (const [name, json] of listings.maps) {
    if (json === undefined) {
      out.push(`table ${t}: ${name} is missing`);
      continue;
    }
    let has: number;
    try {
      has = countElements(json, name);
    } catch {
      out.push(`table ${t}: the listing of ${name} cannot be read`);
      continue;
    }
    const want = elements.counts[name] ?? 0;
    if (has !== want) out.push(`table ${t}: ${name} holds ${has} elements, expected ${want}`);
  }
  if (!tunnel) return out;
  if (listings.tun === undefined) {
    out.push(`table ${t}: chain ${TUNNEL_CHAIN} is missing`);
    return out;
  }
  let sent: string[];
  try {
    sent = tunnelTargets(listings.tun);
  } catch {
    out.push(`table ${t}: the listing of chain ${TUNNEL_CHAIN} cannot be read`);
    return out;
  }
  // The tunnel rules name their devices as the kernel resolves them now: a device deleted or
  // re-created since (another ifindex) no longer reads back as its name.
  const expected = [...elements.tunnels.keys()].sort((a, b) => a - b).map(tunnelDeviceName);
  if (sent.join() !== expected.join())
    out.push(
      `table ${t}: chain ${TUNNEL_CHAIN} sends to [${sent.join(', ')}], expected [${expected.join(', ')}]`,
    );
  return out;
}

/**
 * Whether verify reads the slot maps back now: when none has been read back clean since the last
 * full or failed sync (`lastRead` undefined), or the last clean read-back is `intervalS` seconds old
 * or older (`lastRead` and `now` in milliseconds of one clock). An interval of 0: every time.
 */
export function slotReadbackDue(lastRead: number | undefined, now: number, intervalS: number): boolean {
  return lastRead === undefined || now - lastRead >= intervalS * 1000;
}
