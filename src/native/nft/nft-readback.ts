/**
 * Reads what the kernel holds (`nft -j list table`) and compares it with a layout: every map's elements,
 * and every chain nlbkit expects with its rule count. Addresses are compared in canonical form.
 */
import { parseAddress } from '../../interfaces/schemas.js';
import type { Layout, LayoutOptions } from './nft-layout.js';
import { renderElementKey, renderElementValue, renderRule } from './nft-render.js';
import { allElements, tableFor } from './nft-table.js';

/**
 * What the read-back holds: elements as `key : value` text per map, the rule count per chain, and the
 * sorted device list per flowtable.
 */
export interface KernelTable {
  maps: Map<string, Set<string>>;
  chains: Map<string, number>;
  flowtables: Map<string, string[]>;
}

type Json = unknown;

function part(v: Json): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return parseAddress(v)?.address ?? v;
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

/** Parses `nft -j list table inet NAME` output. */
export function parseKernelTable(json: string): KernelTable {
  const doc = JSON.parse(json) as { nftables?: Record<string, Json>[] };
  const maps = new Map<string, Set<string>>();
  const chains = new Map<string, number>();
  const flowtables = new Map<string, string[]>();
  for (const item of doc.nftables ?? []) {
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
    const chain = item.chain as { name: string } | undefined;
    if (chain) chains.set(chain.name, chains.get(chain.name) ?? 0);
    const rule = item.rule as { chain: string } | undefined;
    if (rule) chains.set(rule.chain, (chains.get(rule.chain) ?? 0) + 1);
  }
  return { maps, chains, flowtables };
}

/**
 * Lists every difference between the kernel and `layout` (empty: in sync). Maps or chains of groups
 * no service uses any more are tolerated when empty: incremental syncs leave them until the next rebuild.
 */
export function diffKernel(kernel: KernelTable, layout: Layout, opts: LayoutOptions, limit = 50): string[] {
  const out: string[] = [];
  const table = tableFor(layout.groups.values(), opts);
  for (const c of table.chains) {
    const want = c.rules.reduce((n, r) => n + renderRule(r).length, 0);
    const have = kernel.chains.get(c.name);
    if (have === undefined) out.push(`chain ${c.name} is missing`);
    else if (have !== want) out.push(`chain ${c.name} has ${have} rules, expected ${want}`);
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
    if (!expected.has(name) && have.size > 0)
      out.push(`map ${name}: unexpected, holds ${have.size} elements`);
  }
  return out.length > limit
    ? [...out.slice(0, limit), `... and ${out.length - limit} more differences`]
    : out;
}
