/**
 * Renders the typed nft objects (nft-objects.ts) to script text for `nft -f -`. This is the one place
 * where text is produced, and every value goes through dataplane-values.ts on its way out.
 */
import { createHash } from 'node:crypto';
import {
  addr,
  comment,
  device,
  hex32,
  ident,
  port,
  proto,
  renderError,
  uint,
} from '../dataplane/dataplane-values.js';
import type {
  Family,
  HashInput,
  NftChain,
  NftElement,
  NftFlowtable,
  NftMap,
  NftRule,
  NftTable,
  Selector,
} from './nft-objects.js';

const L3 = { 4: 'ip', 6: 'ip6' } as const;
const ADDR_TYPE = { 4: 'ipv4_addr', 6: 'ipv6_addr' } as const;

/** The hashed fields. IPv6 five-tuple: see hashFieldsExpr. */
function hashFieldsExpr(input: HashInput, family: Family): string {
  const l3 = L3[family];
  if (input === 'saddr') return `${l3} saddr`;
  // nft 1.0.6 runs out of registers (assertion in netlink_linearize.c) for any IPv6 hash input longer
  // than saddr . sport next to the 4-part map key. Within one service daddr, dport and protocol are
  // constant, so hashing saddr . sport spreads that service's flows exactly as well.
  if (input === 'saddr-sport' || family === 6) return `${l3} saddr . th sport`;
  return `${l3} saddr . th sport . ${l3} daddr . th dport . meta l4proto`;
}

function selectorExpr(sel: Selector, family: Family): string {
  const mod = uint(sel.mod, 1, 0xffffff, 'selector modulus');
  if (sel.kind === 'numgen') return `numgen inc mod ${mod}`;
  // Always an explicit seed: without one the kernel draws a random seed per rule load.
  return `jhash ${hashFieldsExpr(sel.input, family)} mod ${mod} seed ${hex32(sel.seed, 'hash seed')}`;
}

const serviceKeyExpr = (family: Family) => `${L3[family]} daddr . meta l4proto . th dport`;

/** The kernel rule bodies one rule object becomes (reject is two), without their stamps. */
export function renderRule(rule: NftRule): string[] {
  return renderRuleText(rule).split('\n');
}

/**
 * The comment nlbkit writes on each rule: `nlbkit:` and 12 hex digits of the SHA-256 of the rule's
 * body. nft lists rules in its own normalised form (which differs between nft versions) but keeps
 * comments verbatim, so verify() tells a rule replaced by hand by its comment.
 */
export function ruleStamp(body: string): string {
  return `nlbkit:${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
}

/** The rule lines one rule object becomes, each with its stamp. */
function stampedRule(rule: NftRule): string[] {
  return renderRule(rule).map((body) => `${body} comment ${comment(ruleStamp(body))}`);
}

function renderRuleText(rule: NftRule): string {
  switch (rule.kind) {
    case 'dispatch':
      return `${serviceKeyExpr(rule.family)} vmap @${ident(rule.map)}`;
    case 'select': {
      const mark =
        rule.setMark === undefined ? '' : `meta mark set meta mark | ${hex32(rule.setMark, 'mark')} `;
      const l3 = L3[rule.family];
      // nft maps ports only after a protocol match; the group serves one protocol, so this is exact.
      return `meta l4proto ${proto(rule.proto)} ${mark}dnat ${l3} to ${l3} daddr . th dport . ${selectorExpr(rule.selector, rule.family)} map @${ident(rule.map)}`;
    }
    case 'reject':
      return 'meta l4proto tcp reject with tcp reset\nreject';
    case 'masquerade-marked': {
      const m = hex32(rule.mark, 'mark');
      if (rule.mark === 0) throw renderError('the SNAT mark must not be 0');
      return `meta mark & ${m} == ${m} masquerade`;
    }
    case 'offload':
      return `ct status dnat meta l4proto { tcp, udp } flow add @${ident(rule.flowtable)}`;
    default:
      throw renderError(`unknown rule kind ${(rule as { kind: unknown }).kind}`);
  }
}

/** The map's type line. */
function mapTypeExpr(map: NftMap): string {
  if (map.kind === 'dispatch') return `type ${ADDR_TYPE[map.family]} . inet_proto . inet_service : verdict`;
  const l3 = L3[map.family];
  // `typeof` with numgen gives the slot a 32-bit integer type, which `type` cannot name in a
  // concatenation. jhash rules look up the same maps: nft 1.0.6 segfaults when it lists a map declared
  // with `typeof ... jhash`, so every backend map is declared with numgen.
  return `typeof ${l3} daddr . th dport . numgen inc mod 1 : ${l3} daddr . th dport`;
}

/** `key : value` of one element. */
export function renderElement(el: NftElement): string {
  return `${renderElementKey(el)} : ${renderElementValue(el)}`;
}

/** The key of one element (what `delete element` names). */
export function renderElementKey(el: NftElement): string {
  if (el.kind === 'dispatch') {
    const k = el.key;
    return `${addr(k.vip, el.family)} . ${proto(k.proto)} . ${port(k.port)}`;
  }
  const k = el.key;
  return `${addr(k.vip, el.family)} . ${port(k.port)} . ${uint(k.slot, 0, 0xffffff, 'slot')}`;
}

/** The value of one element. */
export function renderElementValue(el: NftElement): string {
  if (el.kind === 'dispatch') return `goto ${ident(el.value.goto)}`;
  return `${addr(el.value.address, el.family)} . ${port(el.value.port)}`;
}

function hookLine(chain: NftChain): string {
  const h = chain.hook;
  if (!h) return '';
  const prio = typeof h.priority === 'number' ? String(Math.trunc(h.priority)) : h.priority;
  return `\t\ttype ${h.type} hook ${h.hook} priority ${prio}; policy accept;\n`;
}

/** A chain with its rules, as a block inside `table { }`. */
function renderChainBlock(chain: NftChain): string {
  const rules = chain.rules.flatMap((r) => stampedRule(r).map((line) => `\t\t${line}\n`)).join('');
  return `\tchain ${ident(chain.name)} {\n${hookLine(chain)}${rules}\t}\n`;
}

/** A flowtable declaration: software fast path at the ingress of `devices`. */
function renderFlowtableBlock(ft: NftFlowtable): string {
  if (ft.devices.length === 0) throw renderError(`flowtable ${ft.name} needs at least one device`);
  const devices = ft.devices.map(device).join(', ');
  return `	flowtable ${ident(ft.name)} {
		hook ingress priority filter
		devices = { ${devices} }
	}
`;
}

/** A map declaration, with its elements when there are any. */
function renderMapBlock(map: NftMap, elements: readonly NftElement[]): string {
  const els = elements.length ? `\t\telements = { ${elements.map(renderElement).join(',\n\t\t\t')} }\n` : '';
  return `\tmap ${ident(map.name)} {\n\t\t${mapTypeExpr(map)}\n${els}\t}\n`;
}

/** Groups elements by map name, checking each names a declared map of the right kind and family. */
export function elementsByMap(table: NftTable, elements: readonly NftElement[]): Map<string, NftElement[]> {
  const maps = new Map(table.maps.map((m) => [m.name, m]));
  const out = new Map<string, NftElement[]>();
  for (const el of elements) {
    const m = maps.get(el.map);
    if (!m || m.kind !== el.kind || m.family !== el.family) {
      throw renderError(`element for undeclared or mismatched map ${JSON.stringify(el.map)}`);
    }
    const list = out.get(el.map) ?? [];
    list.push(el);
    out.set(el.map, list);
  }
  return out;
}

/**
 * The full-rebuild transaction: create the table if absent, delete it, and declare it again with its
 * comment and every map, element and chain. nft applies the three as one atomic batch.
 */
export function renderFullTransaction(table: NftTable, elements: readonly NftElement[]): string {
  const t = `inet ${ident(table.name)}`;
  const byMap = elementsByMap(table, elements);
  const maps = table.maps.map((m) => renderMapBlock(m, byMap.get(m.name) ?? [])).join('');
  const flowtables = (table.flowtables ?? []).map(renderFlowtableBlock).join('');
  const chains = table.chains.map(renderChainBlock).join('');
  const note = table.comment === undefined ? '' : `\tcomment ${comment(table.comment)}\n`;
  return `table ${t}\ndelete table ${t}\ntable ${t} {\n${note}${maps}${flowtables}${chains}}\n`;
}

/** Statements that add one map (and nothing else) to an existing table. */
export function renderAddMap(tableName: string, map: NftMap): string {
  return `add map inet ${ident(tableName)} ${ident(map.name)} { ${mapTypeExpr(map)}; }\n`;
}

/** Statements that add one regular chain and its rules to an existing table. */
export function renderAddChain(tableName: string, chain: NftChain): string {
  if (chain.hook) throw renderError('incremental changes never add base chains');
  const t = `inet ${ident(tableName)}`;
  const name = ident(chain.name);
  const rules = chain.rules.flatMap((r) => stampedRule(r).map((line) => `add rule ${t} ${name} ${line}\n`));
  return `add chain ${t} ${name}\n${rules.join('')}`;
}

/** Statements that delete regular chains, then maps, of an existing table (their users gone first). */
export function renderDeleteObjects(
  tableName: string,
  chains: readonly string[],
  maps: readonly string[],
): string {
  const t = `inet ${ident(tableName)}`;
  return [
    ...chains.map((c) => `delete chain ${t} ${ident(c)}\n`),
    ...maps.map((m) => `delete map ${t} ${ident(m)}\n`),
  ].join('');
}

/** `delete element` statements (one per map) for the given elements. */
export function renderDeleteElements(tableName: string, elements: readonly NftElement[]): string {
  return perMap(tableName, elements, 'delete', renderElementKey);
}

/** `add element` statements (one per map) for the given elements. */
export function renderAddElements(tableName: string, elements: readonly NftElement[]): string {
  return perMap(tableName, elements, 'add', renderElement);
}

function perMap(
  tableName: string,
  elements: readonly NftElement[],
  verb: 'add' | 'delete',
  one: (el: NftElement) => string,
): string {
  const t = `inet ${ident(tableName)}`;
  const byMap = new Map<string, string[]>();
  for (const el of elements) {
    const list = byMap.get(el.map) ?? [];
    list.push(one(el));
    byMap.set(el.map, list);
  }
  let out = '';
  for (const [map, items] of byMap) out += `${verb} element ${t} ${ident(map)} { ${items.join(', ')} }\n`;
  return out;
}
