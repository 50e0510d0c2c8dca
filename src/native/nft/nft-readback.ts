/**
 * Reads what the kernel holds (`nft -j list table`) and compares it with a layout. nlbkit owns the
 * table: everything in it that nlbkit did not render is a difference (drift), as is anything missing.
 * Compared: every map's elements, every chain with its hook, policy and rules (by count and by the
 * stamp each rule carries, see ruleStamp), flowtables, and the absence of anything else (other chains,
 * maps, sets, stateful objects, table flags). Addresses are compared in canonical form.
 */
import { parseAddress } from '../../interfaces/schemas.js';
import { IPV4_CANONICAL } from '../dataplane/dataplane-values.js';
import type { Layout, LayoutOptions } from './nft-layout.js';
import type { NftHook } from './nft-objects.js';
import { renderElementKey, renderElementValue, renderRule, ruleStamp } from './nft-render.js';
import { allElements, tableFor } from './nft-table.js';

/**
 * What the read-back holds: elements as `key : value` text per map, the rule count per chain, the hook
 * of each base chain, the sorted device list per flowtable, and what nlbkit never writes.
 */
export interface KernelTable {
  maps: Map<string, Set<string>>;
  chains: Map<string, number>;
  flowtables: Map<string, string[]>;
  /** The comment of each rule ('' for none), in order, by chain name. */
  stamps: Map<string, string[]>;
  /** Base chains: `type nat hook prerouting priority -100 policy accept`, by chain name. */
  hooks: Map<string, string>;
  /** Sets (nlbkit declares none), with their element counts. */
  sets: Map<string, number>;
  /** Any other object in the table (counter, quota, ct helper...), as `counter NAME`. */
  others: string[];
  /** The table has flags (nlbkit sets none; `dormant` switches the whole table off). */
  flagged: boolean;
}

type Json = unknown;

function part(v: Json): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    // Fast paths (a listing holds ~3 strings per element, 10^5 elements at 10,000 LBs): a canonical
    // dotted quad is its own canonical form, and a string with neither '.' nor ':' is no address.
    if (IPV4_CANONICAL.test(v) || !/[.:]/.test(v)) return v;
    return parseAddress(v)?.address ?? v;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, Json>;
    if (Array.isArray(o.concat)) return o.concat.map(part).join(' . ');
    const g = o.goto as { target?: string } | undefined;
    if (g?.target) return `goto ${g.target}`;
    const j = o.jump as { target?: string } | undefined;
    if (j?.target) return `jump ${j.target}`;
    if (o.elem && typeof o.elem === 'object') return part((o.elem as Record<string, Json>).val);
  }
  return JSON.stringify(v);
}

/** Top-level objects of a table listing that parseKernelTable reads itself; anything else is foreign. */
const KNOWN = new Set(['metainfo', 'table', 'chain', 'rule', 'map', 'set', 'flowtable']);

/** `type T hook H priority P policy X` of a base chain as nft -j lists it (priority as a number). */
const hookText = (type: unknown, hook: unknown, prio: unknown, policy: unknown) =>
  `type ${type} hook ${hook} priority ${prio} policy ${policy}`;

/** Parses `nft -j list table inet NAME` output. */
export function parseKernelTable(json: string): KernelTable {
  const doc = JSON.parse(json) as { nftables?: Record<string, Json>[] };
  const maps = new Map<string, Set<string>>();
  const chains = new Map<string, number>();
  const flowtables = new Map<string, string[]>();
  const hooks = new Map<string, string>();
  const stamps = new Map<string, string[]>();
  const sets = new Map<string, number>();
  const others: string[] = [];
  let flagged = false;
  for (const item of doc.nftables ?? []) {
    const table = item.table as { flags?: unknown } | undefined;
    // nft 1.0.6 prints a wrong value for table flags in JSON; that there are any is what counts.
    if (table && table.flags !== undefined && !(Array.isArray(table.flags) && table.flags.length === 0))
      flagged = true;
    const ft = item.flowtable as { name: string; dev?: string | string[] } | undefined;
    if (ft) {
      // nft lists one device as a string, several as an array.
      const dev = ft.dev === undefined ? [] : Array.isArray(ft.dev) ? ft.dev : [ft.dev];
      flowtables.set(ft.name, [...dev].sort());
    }
    const map = item.map as { name: string; elem?: Json[] } | undefined;
    if (map) {
      const set = new Set<string>();
      for (const e of map.elem ?? []) {
        if (Array.isArray(e)) set.add(`${part(e[0])} : ${part(e[1])}`);
        else set.add(part(e));
      }
      maps.set(map.name, set);
    }
    const set = item.set as { name: string; elem?: Json[] } | undefined;
    if (set) sets.set(set.name, set.elem?.length ?? 0);
    const chain = item.chain as (Record<string, Json> & { name: string }) | undefined;
    if (chain) {
      chains.set(chain.name, chains.get(chain.name) ?? 0);
      if (chain.hook !== undefined)
        hooks.set(chain.name, hookText(chain.type, chain.hook, chain.prio, chain.policy));
    }
    const rule = item.rule as { chain: string; comment?: unknown } | undefined;
    if (rule) {
      chains.set(rule.chain, (chains.get(rule.chain) ?? 0) + 1);
      const list = stamps.get(rule.chain) ?? [];
      list.push(typeof rule.comment === 'string' ? rule.comment : '');
      stamps.set(rule.chain, list);
    }
    for (const [kind, body] of Object.entries(item)) {
      if (!KNOWN.has(kind))
        others.push(`${kind} ${(body as { name?: unknown } | null)?.name ?? '(unnamed)'}`);
    }
  }
  return { maps, chains, flowtables, stamps, hooks, sets, others, flagged };
}

/** The hook line nft -j would list for a chain nlbkit declares (keywords as the numbers inet uses). */
function expectedHook(h: NftHook | undefined): string | undefined {
  if (!h) return undefined;
  const prio = h.priority === 'dstnat' ? -100 : h.priority === 'srcnat' ? 100 : h.priority;
  return hookText(h.type, h.hook, prio, 'accept');
}

/** A name or element read from the kernel, made safe for a log line: printable, at most 200 characters. */
const printable = (text: string) => {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
};

/**
 * Lists every difference between the kernel and `layout` (empty: in sync), at most `limit` of them.
 * Anything the table holds that the layout does not declare is one: nlbkit owns the table, and a chain,
 * rule, map, set, element, flowtable or flag added by hand could send, drop or rewrite traffic.
 */
export function diffKernel(kernel: KernelTable, layout: Layout, opts: LayoutOptions, limit = 50): string[] {
  const out: string[] = [];
  const table = tableFor(layout.groups.values(), opts);
  if (kernel.flagged) out.push('table: has flags (dormant?), expected none');
  const wantChains = new Set<string>();
  for (const c of table.chains) {
    wantChains.add(c.name);
    const want = c.rules.flatMap(renderRule);
    const have = kernel.chains.get(c.name);
    if (have === undefined) {
      out.push(`chain ${c.name} is missing`);
      continue;
    }
    if (have !== want.length) out.push(`chain ${c.name} has ${have} rules, expected ${want.length}`);
    else {
      // Same count: each rule must still carry the stamp of the body nlbkit wrote there.
      const stamps = kernel.stamps.get(c.name) ?? [];
      const i = want.findIndex((body, k) => stamps[k] !== ruleStamp(body));
      if (i >= 0) out.push(`chain ${c.name}: rule ${i + 1} is not the one nlbkit wrote`);
    }
    const hook = kernel.hooks.get(c.name);
    const wantHook = expectedHook(c.hook);
    if (hook !== wantHook)
      out.push(`chain ${c.name}: ${hook ?? 'no hook'}, expected ${wantHook ?? 'no hook'}`);
  }
  for (const [name, rules] of kernel.chains) {
    if (wantChains.has(name)) continue;
    const hook = kernel.hooks.get(name);
    out.push(`chain ${name}: unexpected${hook ? `, ${hook}` : ''}, ${rules} rule${rules === 1 ? '' : 's'}`);
  }
  const wantFt = new Map((table.flowtables ?? []).map((f) => [f.name, f.devices.join(',')]));
  for (const [name, devices] of wantFt) {
    const have = kernel.flowtables.get(name);
    if (!have) out.push(`flowtable ${name} is missing`);
    else if (have.join(',') !== devices)
      out.push(`flowtable ${name} has devices ${have.join(',')}, expected ${devices}`);
  }
  for (const name of kernel.flowtables.keys()) {
    if (!wantFt.has(name)) out.push(`flowtable ${name}: unexpected`);
  }
  const expected = new Map<string, Set<string>>(table.maps.map((m) => [m.name, new Set<string>()]));
  for (const el of allElements(layout)) {
    expected.get(el.map)?.add(`${renderElementKey(el)} : ${renderElementValue(el)}`);
  }
  for (const [name, want] of expected) {
    const have = kernel.maps.get(name);
    if (!have) {
      out.push(`map ${name} is missing`);
      continue;
    }
    for (const e of want) if (!have.has(e)) out.push(`map ${name}: missing element ${e}`);
    for (const e of have) if (!want.has(e)) out.push(`map ${name}: unexpected element ${e}`);
  }
  for (const [name, have] of kernel.maps) {
    if (!expected.has(name)) out.push(`map ${name}: unexpected, holds ${have.size} elements`);
  }
  for (const [name, size] of kernel.sets) out.push(`set ${name}: unexpected, holds ${size} elements`);
  for (const other of kernel.others) out.push(`${other}: unexpected`);
  const shown = out.length > limit ? out.slice(0, limit) : out;
  if (out.length > limit) shown.push(`... and ${out.length - limit} more differences`);
  return shown.map(printable);
}
