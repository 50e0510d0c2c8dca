/**
 * The table declaration for a layout: the fixed part (dispatch maps, hook chains, the reject chain) and
 * one chain and map per group. Pure: objects in, objects out; nft-render.ts turns them into text.
 */
import { createHash } from 'node:crypto';
import {
  DISPATCH,
  FLOWTABLE,
  FORWARD_CHAIN,
  type Group,
  groupChain,
  groupMap,
  type Layout,
  type LayoutOptions,
  REJECT_CHAIN,
} from './nft-layout.js';
import type { NftChain, NftElement, NftMap, NftTable } from './nft-objects.js';

/** The map and chain of one group. */
export function groupObjects(g: Group, snatMark: number): { map: NftMap; chain: NftChain } {
  const map: NftMap = { kind: 'backends', name: groupMap(g.mapGroup), family: g.family };
  const rule = {
    kind: 'select',
    family: g.family,
    proto: g.proto,
    selector: g.selector,
    map: map.name,
  } as const;
  const chain: NftChain = {
    name: groupChain(g.name),
    rules: [g.snat ? { ...rule, setMark: snatMark } : rule],
  };
  return { map, chain };
}

/** The chain that hands load-balanced flows to the flowtable. */
function forwardChain(): NftChain {
  return {
    name: FORWARD_CHAIN,
    hook: { type: 'filter', hook: 'forward', priority: 10 },
    rules: [{ kind: 'offload', flowtable: FLOWTABLE }],
  };
}

/** The table declaration for a set of groups (sorted by name so the text is stable). */
export function tableFor(groups: Iterable<Group>, opts: LayoutOptions): NftTable {
  const sorted = [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const objs = sorted.map((g) => groupObjects(g, opts.snatMark));
  const dispatch = [
    { kind: 'dispatch', family: 4, map: DISPATCH[4] },
    { kind: 'dispatch', family: 6, map: DISPATCH[6] },
  ] as const;
  // Per-service round-robin chains share their map: declare each map once.
  const maps = new Map(objs.map((o) => [o.map.name, o.map]));
  const ft = opts.flowtable?.length ? opts.flowtable : undefined;
  return {
    ...(ft ? { flowtables: [{ name: FLOWTABLE, devices: ft }] } : {}),
    name: opts.tableName,
    maps: [
      { kind: 'dispatch', name: DISPATCH[4], family: 4 },
      { kind: 'dispatch', name: DISPATCH[6], family: 6 },
      ...maps.values(),
    ],
    chains: [
      {
        name: 'prerouting',
        hook: { type: 'nat', hook: 'prerouting', priority: 'dstnat' },
        rules: [...dispatch],
      },
      // Flows the LB node opens itself (health checks excluded: they target backends, not VIPs).
      { name: 'output', hook: { type: 'nat', hook: 'output', priority: -100 }, rules: [...dispatch] },
      {
        name: 'postrouting',
        hook: { type: 'nat', hook: 'postrouting', priority: 'srcnat' },
        rules: [{ kind: 'masquerade-marked', mark: opts.snatMark }],
      },
      ...(ft ? [forwardChain()] : []),
      { name: REJECT_CHAIN, rules: [{ kind: 'reject' }] },
      ...objs.map((o) => o.chain),
    ],
  };
}

/** Every element of a layout. */
export function allElements(layout: Layout): NftElement[] {
  const out: NftElement[] = [];
  for (const s of layout.services.values()) for (const el of s.elements) out.push(el);
  return out;
}

const COMMENT_PREFIX = 'nlbkit:';

/**
 * The comment a full rebuild stamps on the table: `nlbkit:` and the first 16 hex digits of the SHA-256
 * of the layout's signature (LAYOUT_VERSION, table name, SNAT mark, round-robin mode, hash seed, Maglev
 * table size: everything only a full rebuild can change). A new data-plane instance adopts a table only
 * when this matches (nft-dataplane.ts).
 */
export function tableComment(layout: Pick<Layout, 'signature'>): string {
  return COMMENT_PREFIX + createHash('sha256').update(layout.signature).digest('hex').slice(0, 16);
}

/**
 * The nlbkit comment of a table in `nft list table` text output (`-t` is enough), or undefined when the
 * table carries none. nft 1.0.6 prints it on the line after the table header; `nft -j` omits it.
 */
export function readTableComment(listing: string): string | undefined {
  const m = /^table [a-z0-9]+ [A-Za-z0-9_]+ \{[^\n]*\n\tcomment "(nlbkit:[0-9a-f]{16})"$/m.exec(listing);
  return m?.[1];
}
