/**
 * Decides what one sync sends to nft: the whole table (full) or only the elements of the services that
 * differ from what the kernel holds (incremental), as one script for one `nft -f -` transaction.
 */
import type { Layout, LayoutOptions } from './nft-layout.js';
import { groupChain, groupMap } from './nft-layout.js';
import type { NftElement } from './nft-objects.js';
import {
  renderAddChain,
  renderAddElements,
  renderAddMap,
  renderDeleteElements,
  renderDeleteObjects,
  renderElementKey,
  renderElementValue,
  renderFullTransaction,
  renderRule,
} from './nft-render.js';
import { allElements, groupObjects, tableComment, tableFor } from './nft-table.js';

/** One transaction to send, or nothing. */
export interface Plan {
  mode: 'full' | 'incremental' | 'none';
  /** Script for `nft -f -` ('' for 'none'). */
  text: string;
  /** Objects, rules and elements the script creates or deletes. */
  statements: number;
  /** Groups whose chain and map exist once this plan is applied. */
  groups: Set<string>;
}

/** The full rebuild of `layout`, its table stamped with {@link tableComment}. */
export function planFull(layout: Layout, opts: LayoutOptions): Plan {
  // Stamped with the layout fingerprint, so that a later instance can tell it may adopt this table.
  const table = { ...tableFor(layout.groups.values(), opts), comment: tableComment(layout) };
  const elements = allElements(layout);
  const rules = table.chains.reduce((n, c) => n + c.rules.reduce((k, r) => k + renderRule(r).length, 0), 0);
  return {
    mode: 'full',
    text: renderFullTransaction(table, elements),
    statements: 2 + table.maps.length + table.chains.length + rules + elements.length,
    groups: new Set(layout.groups.keys()),
  };
}

const elementId = (el: NftElement) => `${el.map}|${renderElementKey(el)}`;

const sameKey = (a: NftElement, b: NftElement): boolean =>
  a.map === b.map &&
  a.kind === b.kind &&
  a.key.vip === b.key.vip &&
  a.key.port === b.key.port &&
  (a.kind === 'dispatch'
    ? a.key.proto === (b as typeof a).key.proto
    : a.key.slot === (b as Extract<NftElement, { kind: 'backends' }>).key.slot);

const sameValue = (a: NftElement, b: NftElement): boolean =>
  a.kind === 'dispatch'
    ? a.value.goto === (b as typeof a).value.goto
    : a.value.address === (b as typeof a).value.address && a.value.port === (b as typeof a).value.port;

/**
 * The common change (same VIP, port and slots; other backends in some slots) without rendering a key:
 * when old and new elements line up one to one with equal keys, only differing values are deleted and
 * re-added. A Maglev service has M elements, so this keeps a one-backend change O(M) comparisons
 * instead of 2M rendered strings. Returns false (nothing pushed) when they do not line up.
 */
function diffAligned(
  old: readonly NftElement[],
  now: readonly NftElement[],
  dels: NftElement[],
  adds: NftElement[],
) {
  if (old.length !== now.length) return false;
  for (let i = 0; i < old.length; i++) if (!sameKey(old[i]!, now[i]!)) return false;
  for (let i = 0; i < old.length; i++) {
    if (sameValue(old[i]!, now[i]!)) continue;
    dels.push(old[i]!);
    adds.push(now[i]!);
  }
  return true;
}

/**
 * The chains and maps of groups `prev` laid out that `next` no longer uses, taken out of `groups` (the
 * kernel's groups). A group the kernel holds but `prev` does not know (left by an older version) is
 * kept: its map's name is not known here.
 */
function unusedGroups(prev: Layout, next: Layout, groups: Set<string>): { chains: string[]; maps: string[] } {
  const usedMaps = new Set([...next.groups.values()].map((g) => groupMap(g.mapGroup)));
  const chains: string[] = [];
  const maps = new Set<string>();
  for (const g of prev.groups.values()) {
    if (next.groups.has(g.name) || !groups.has(g.name)) continue;
    chains.push(groupChain(g.name));
    if (!usedMaps.has(groupMap(g.mapGroup))) maps.add(groupMap(g.mapGroup));
    groups.delete(g.name);
  }
  return { chains, maps: [...maps] };
}

/**
 * Only what differs between `prev` (what the kernel holds) and `next`: services buildLayout reused
 * unchanged are skipped without rendering; for the others, elements whose key disappeared or whose
 * value changed are deleted and new or changed ones added, all deletes before all adds so that a key
 * moving between services in one sync works. Groups never seen by the kernel get their map and chain
 * first. Groups no service uses any more are deleted after the elements that pointed at them: the
 * chain, then its map unless a remaining group shares it.
 */
export function planIncremental(
  prev: Layout,
  kernelGroups: ReadonlySet<string>,
  next: Layout,
  opts: LayoutOptions,
): Plan {
  const before = new Map<string, { el: NftElement; value: string }>();
  const after = new Map<string, { el: NftElement; value: string }>();
  const collect = (into: typeof before, els: readonly NftElement[] | undefined) => {
    for (const el of els ?? []) into.set(elementId(el), { el, value: renderElementValue(el) });
  };
  // Only services laid out afresh can differ: a reused one is the very object `prev` holds. (When
  // `next` was not built from `prev`, every service is fresh and the element diff below decides.)
  const dels: NftElement[] = [];
  const adds: NftElement[] = [];
  let carried = next.services.size - next.fresh.length;
  for (const id of next.fresh) {
    const s = next.services.get(id)!;
    const old = prev.services.get(id);
    if (old) carried++;
    if (old === s) continue;
    if (old && diffAligned(old.elements, s.elements, dels, adds)) continue;
    collect(before, old?.elements);
    collect(after, s.elements);
  }
  // Some services of `prev` are gone only if fewer than all of them were carried over.
  if (carried < prev.services.size) {
    for (const [id, old] of prev.services) if (!next.services.has(id)) collect(before, old.elements);
  }

  for (const [k, b] of before) if (after.get(k)?.value !== b.value) dels.push(b.el);
  for (const [k, a] of after) if (before.get(k)?.value !== a.value) adds.push(a.el);

  const groups = new Set(kernelGroups);
  let text = '';
  let statements = 0;
  for (const g of next.groups.values()) {
    if (groups.has(g.name)) continue;
    const { map, chain } = groupObjects(g, opts.snatMark);
    // `add map` of a map that exists (shared by per-service round-robin chains) is a no-op in nft.
    text += renderAddMap(opts.tableName, map) + renderAddChain(opts.tableName, chain);
    statements += 2 + chain.rules.length;
    groups.add(g.name);
  }
  const unused = unusedGroups(prev, next, groups);
  text +=
    renderDeleteElements(opts.tableName, dels) +
    renderDeleteObjects(opts.tableName, unused.chains, unused.maps) +
    renderAddElements(opts.tableName, adds);
  statements += dels.length + unused.chains.length + unused.maps.length + adds.length;
  return { mode: statements === 0 ? 'none' : 'incremental', text, statements, groups };
}
