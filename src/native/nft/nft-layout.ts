/**
 * Turns a node's desired state into nft objects. The layout (why: docs/native-dataplane.md):
 *
 * - `svc4`/`svc6`: one verdict map keyed by `daddr . l4proto . dport`, looked up once per new flow from
 *   the prerouting and output NAT chains; each element does `goto` a *group* chain.
 * - A group is every service that shares a selector: (family, protocol, algorithm, hash fields, slot
 *   count, SNAT). Its chain holds ONE rule, `dnat to daddr . dport . <selector> map @m_<group>`, and its map
 *   holds the slots of all its services. So the number of chains depends on how many distinct shapes
 *   exist (a handful), not on the number of load balancers.
 * - Empty services `goto reject`; SNAT services set a packet-mark bit that postrouting masquerades.
 */
import { NLB_NAME_PATTERN } from '../../interfaces/schemas.js';
import { addr, ident, port, proto, renderError, uint } from '../dataplane/dataplane-values.js';
import { buildMaglevTable } from '../maglev/table.js';
import { buildTurnSchedule } from '../maglev/turn-schedule.js';
import type { BackendSpec, L4Proto, NodeDataplaneState, ServiceSpec } from '../model.js';
import type { Family, HashInput, NftElement, Selector } from './nft-objects.js';

/** Computes a Maglev table: slot -> index into the backends sorted by id (-1: none). */
export type MaglevFn = (
  backends: { id: string; weight: number }[],
  size: number,
  seed: number,
) => ArrayLike<number>;

/** The Maglev population of src/native/maglev. */
export const defaultMaglev: MaglevFn = (backends, size, seed) =>
  buildMaglevTable(backends, size, { seed }).slots;

/** Settings that shape the whole table; a change to any of them forces a full rebuild. */
export interface LayoutOptions {
  tableName: string;
  /** Packet-mark bit set on new flows of SNAT services; postrouting masquerades flows carrying it. */
  snatMark: number;
  maglev: MaglevFn;
  /**
   * 'shared' (default): round-robin services of one shape share one rule, hence one numgen counter.
   * 'per-service': each round-robin service gets its own chain and rule (its own counter: strict
   * alternation per LB) while its slots stay in the shared map; costs one chain per such service.
   */
  roundRobin?: 'shared' | 'per-service';
  /**
   * Devices of an nftables flowtable (sorted, validated): established load-balanced flows are forwarded
   * from these devices' ingress, skipping the forward path. Absent or empty: no flowtable.
   */
  flowtable?: string[];
}

/** One group: the chain and map shared by services with the same selector. */
export interface Group {
  /** Names the chain, `c_<name>`. */
  name: string;
  /** Names the map, `m_<mapGroup>`: the name itself, except for per-service round-robin chains. */
  mapGroup: string;
  family: Family;
  proto: L4Proto;
  selector: Selector;
  snat: boolean;
}

/** What one service contributes: its dispatch element and its slot elements. */
export interface ServiceLayout {
  /** The group its dispatch element jumps to; undefined when it has no backends (goto reject). */
  group?: Group;
  elements: NftElement[];
  /** A private copy of the spec it was built from, to tell unchanged services without re-rendering. */
  spec: ServiceSpec;
  /** `vip|proto|port`, kept so an unchanged service reuses the string (and its cached hash). */
  listenKey: string;
}

/** The whole desired table, plus what each service contributes to it. */
export interface Layout {
  /** Everything that, when different, needs a full rebuild. */
  signature: string;
  groups: Map<string, Group>;
  services: Map<string, ServiceLayout>;
  /** Ids of the services laid out afresh (not reused from `previous`): the only ones that can differ. */
  fresh: string[];
}

/**
 * Version of the rule shapes this code writes. Bump it whenever the text of any rule, chain, map type or
 * hook changes: it is part of the signature, hence of the table's fingerprint comment, so a new agent
 * does not adopt a table written by an older one (it rebuilds it). 2: every rule carries its stamp.
 */
export const LAYOUT_VERSION = 2;

/** Name of the flowtable and of the chain that feeds it (when the node has one). */
export const FLOWTABLE = 'ft';
export const FORWARD_CHAIN = 'forward';

/** Name of the chain empty services jump to. */
export const REJECT_CHAIN = 'reject_new';
/** The dispatch verdict maps, per family. */
export const DISPATCH = { 4: 'svc4', 6: 'svc6' } as const;
const HASH_INPUT: Record<ServiceSpec['hashFields'], { input: HashInput; tag: string }> = {
  SOURCE_IP: { input: 'saddr', tag: 'ip' },
  SOURCE_IP_PORT: { input: 'saddr-sport', tag: 'ipport' },
  FIVE_TUPLE: { input: 'five-tuple', tag: '5t' },
};

/** Chain name of a group (maps are `m_<group>`). */
export const groupChain = (g: string) => `c_${g}`;
/** Map name of a group. */
export const groupMap = (g: string) => `m_${g}`;

const byId = (a: BackendSpec, b: BackendSpec) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function checkService(s: ServiceSpec): void {
  if (typeof s.id !== 'string' || !NLB_NAME_PATTERN.test(s.id)) {
    throw renderError(`service id ${JSON.stringify(s.id)} is not an NLB name`);
  }
  if (s.family !== 4 && s.family !== 6) throw renderError(`service ${s.id}: family must be 4 or 6`);
  addr(s.vip, s.family);
  proto(s.protocol);
  port(s.port);
  if (!HASH_INPUT[s.hashFields]) throw renderError(`service ${s.id}: unknown hashFields`);
  const seen = new Set<string>();
  for (const b of s.backends) {
    if (seen.has(b.id)) throw renderError(`service ${s.id}: duplicate backend id ${JSON.stringify(b.id)}`);
    seen.add(b.id);
    addr(b.address, s.family);
    port(b.port);
    uint(b.weight, 1, 100, `service ${s.id}: backend weight`);
  }
}

/** The selector, group name and slot -> backend-index table of a service with backends. */
function shape(s: ServiceSpec, sorted: BackendSpec[], state: NodeDataplaneState, opts: LayoutOptions) {
  const fam = s.family;
  const snat = s.snat ? '_snat' : '';
  const weights = sorted.map((b) => b.weight);
  if (s.algorithm === 'MAGLEV') {
    const m = state.maglevTableSize;
    let slots: ArrayLike<number>;
    try {
      slots = opts.maglev(
        sorted.map((b) => ({ id: b.id, weight: b.weight })),
        m,
        state.hashSeed,
      );
    } catch (e) {
      throw renderError(`service ${s.id}: ${(e as Error).message}`);
    }
    if (slots.length !== m)
      throw renderError(`service ${s.id}: Maglev table has ${slots.length} slots, not ${m}`);
    const h = HASH_INPUT[s.hashFields];
    const selector: Selector = { kind: 'jhash', input: h.input, mod: m, seed: state.hashSeed };
    const group = `mg${fam}${s.protocol}_${h.tag}_m${m}${snat}`;
    return { group, mapGroup: group, selector, slots };
  }
  // Round robin and source hash: one slot per weight unit (weights divided by their gcd), interleaved
  // so that consecutive round-robin picks alternate between backends instead of bunching.
  const slots = buildTurnSchedule(weights);
  const w = slots.length;
  if (s.algorithm === 'ROUND_ROBIN') {
    const shared = `rr${fam}${s.protocol}_w${w}${snat}`;
    // NLB names hold letters, digits and '-' only, so '-' -> '_' keeps chain names distinct.
    const own = opts.roundRobin === 'per-service' ? `${shared}_${s.id.replace(/-/g, '_')}` : shared;
    return { group: own, mapGroup: shared, selector: { kind: 'numgen', mod: w } as Selector, slots };
  }
  if (s.algorithm !== 'SOURCE_HASH') throw renderError(`service ${s.id}: unknown algorithm`);
  const h = HASH_INPUT[s.hashFields];
  const selector: Selector = { kind: 'jhash', input: h.input, mod: w, seed: state.hashSeed };
  const group = `sh${fam}${s.protocol}_${h.tag}_w${w}${snat}`;
  return { group, mapGroup: group, selector, slots };
}

/** The backends in id order (the same array when already sorted: the common case costs no allocation). */
function sortedBackends(list: BackendSpec[]): BackendSpec[] {
  for (let i = 1; i < list.length; i++) {
    if (byId(list[i - 1]!, list[i]!) > 0) return [...list].sort(byId);
  }
  return list;
}

/**
 * True when `s` would lay out exactly like `old` (a private copy of an earlier spec). Field by field and
 * allocation-free: it runs for every service on every sync and is most of an incremental sync's cost.
 */
function sameSpec(old: ServiceSpec, s: ServiceSpec): boolean {
  if (
    old.vip !== s.vip ||
    old.family !== s.family ||
    old.protocol !== s.protocol ||
    old.port !== s.port ||
    old.algorithm !== s.algorithm ||
    old.hashFields !== s.hashFields ||
    old.snat !== s.snat ||
    old.backends.length !== s.backends.length
  ) {
    return false;
  }
  const list = sortedBackends(s.backends);
  for (let i = 0; i < list.length; i++) {
    const a = old.backends[i]!;
    const b = list[i]!;
    if (a.id !== b.id || a.address !== b.address || a.port !== b.port || a.weight !== b.weight) return false;
  }
  return true;
}

const listenKey = (s: ServiceSpec) => `${s.vip}|${s.protocol}|${s.port}`;

/** A private copy, backends sorted by id, that later changes to the caller's objects cannot reach. */
function copySpec(s: ServiceSpec): ServiceSpec {
  return { ...s, backends: sortedBackends(s.backends).map((b) => ({ ...b })) };
}

function layoutService(spec: ServiceSpec, state: NodeDataplaneState, opts: LayoutOptions): ServiceLayout {
  checkService(spec);
  const s = copySpec(spec);
  const key = { vip: s.vip, proto: s.protocol, port: s.port };
  if (s.backends.length === 0) {
    const elements: NftElement[] = [
      { map: DISPATCH[s.family], kind: 'dispatch', family: s.family, key, value: { goto: REJECT_CHAIN } },
    ];
    return { elements, spec: s, listenKey: listenKey(s) };
  }
  const sorted = s.backends;
  const { group: name, mapGroup, selector, slots } = shape(s, sorted, state, opts);
  const group: Group = {
    name: ident(name),
    mapGroup: ident(mapGroup),
    family: s.family,
    proto: s.protocol,
    selector,
    snat: s.snat,
  };
  const elements: NftElement[] = [
    { map: DISPATCH[s.family], kind: 'dispatch', family: s.family, key, value: { goto: groupChain(name) } },
  ];
  const map = groupMap(mapGroup);
  for (let slot = 0; slot < slots.length; slot++) {
    const b = sorted[slots[slot]!];
    if (!b) throw renderError(`service ${s.id}: slot ${slot} has no backend`);
    elements.push({
      map,
      kind: 'backends',
      family: s.family,
      key: { vip: s.vip, port: s.port, slot },
      value: { address: b.address, port: b.port },
    });
  }
  return { group, elements, spec: s, listenKey: listenKey(s) };
}

/**
 * Lays out a node's state. Throws an INVALID_ARGUMENT NLBError (before anything runs) on an unsafe or
 * inconsistent value: a bad id or address, a family mismatch, two services on one VIP:protocol:port.
 *
 * @param previous - a layout built with the same signature: services whose fingerprint did not change
 *   reuse its (already validated) elements, so a sync among 10,000 LBs lays out only what changed.
 */
export function buildLayout(state: NodeDataplaneState, opts: LayoutOptions, previous?: Layout): Layout {
  uint(state.hashSeed, 0, 0xffffffff, 'hashSeed');
  const signature = JSON.stringify([
    LAYOUT_VERSION,
    opts.tableName,
    opts.snatMark,
    opts.roundRobin ?? 'shared',
    state.hashSeed,
    state.maglevTableSize,
    // Only when set, so tables written without a flowtable keep their fingerprint (and are adopted).
    ...(opts.flowtable?.length ? [opts.flowtable] : []),
  ]);
  const groups = new Map<string, Group>();
  const services = new Map<string, ServiceLayout>();
  const keys = new Set<string>();
  const reuse = previous?.signature === signature ? previous.services : undefined;
  const fresh: string[] = [];
  for (const s of state.services) {
    if (services.has(s.id)) throw renderError(`duplicate service id ${JSON.stringify(s.id)}`);
    const old = reuse?.get(s.id);
    let sl = old;
    if (!sl || !sameSpec(sl.spec, s)) {
      sl = layoutService(s, state, opts);
      fresh.push(s.id);
    }
    if (keys.has(sl.listenKey)) throw renderError(`two services listen on ${s.vip} ${s.protocol} ${s.port}`);
    keys.add(sl.listenKey);
    if (sl.group && !groups.has(sl.group.name)) groups.set(sl.group.name, sl.group);
    services.set(s.id, sl);
  }
  return { signature, groups, services, fresh };
}
