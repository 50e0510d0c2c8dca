/**
 * Direct server return on nftables (issue 21): `table netdev <name>`, hooked at the ingress of the
 * devices client traffic arrives on. A packet to a dsr service never reaches the IP stack (so no
 * conntrack state exists that another LB node lacks): the backend is chosen from the packet with the
 * service's Maglev table (same seed and size on every node) and the packet is forwarded unchanged
 * with `fwd ip to <backend> device <egress>`, which resolves the backend's MAC through the kernel's
 * neighbour table. A per-node pin map remembers each flow's first choice (the Katran way), so a
 * backend added or removed moves no flow this node already carries. Tunnel services share the table,
 * its maps and its choice, and differ only in the last step (nft-tunnel.ts). Why this shape, and its
 * limits: docs/native-forwarding.md. Pure: state in, script text out; every value goes through dataplane-values.ts.
 */

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
import type { ServiceSpec } from '../model.js';
import type { MaglevFn } from './nft-layout.js';
import { renderTunnelChain, TUNNEL_CHAIN, type TunnelDevices } from './nft-tunnel.js';

/** Where dsr traffic enters (the client side) and leaves (the backends' shared segment). */
export interface DsrDevices {
  /** Devices client traffic to dsr VIPs arrives on (1-16), sorted without repeats. */
  ingress: string[];
  /** The device on the segment the backends share with this node. */
  egress: string;
}

/** One service's Maglev slots as its slot map holds them: keys `<prefix> <slot>`, a backend mark each. */
export interface DsrSlots {
  map: 'slot_tcp' | 'slot_udp';
  /** `vip . port .` */
  prefix: string;
  /** Never written after rendering: a later rendering may share it. */
  marks: Uint32Array;
  /** What the marks follow from (backends with their weights and addresses, table size, seed). */
  sig: string;
}

/** The small maps and the chain tun, rendered; replaced whole by every change. */
export interface DsrSmallMaps {
  tableName: string;
  hop: string[];
  live: string[];
  dispatch: string[];
  /** The chain tun's statements (none without tunnel chains). */
  tun: string[];
}

/** Every element of the dsr/tunnel table: as one replacement (`text`) and as parts a delta compares. */
export interface DsrElements {
  /** The whole replacement: flush the maps (not the pins) and add every element (rendered on first use). */
  readonly text: string;
  statements: number;
  /** Elements per map (dsr4, hop4, live4, slot_tcp, slot_udp): what the read-back compares. */
  counts: Record<string, number>;
  /** The tunnel backends (mark -> address), whose ipip devices must exist before `text` is applied. */
  tunnels: Map<number, string>;
  small: DsrSmallMaps;
  /** Each dispatched service's slots, by `vip . proto . port`. */
  slots: Map<string, DsrSlots>;
}

/**
 * Version of the shapes below; part of the table's stamp (a change rebuilds the table). 2: dsr4
 * carries the stamp too, so verify reads it without listing the table (which loads every slot).
 */
export const DSR_LAYOUT_VERSION = 2;
/** Seconds a flow's pin lives without packets; each forwarded packet renews it. */
export const DSR_PIN_TIMEOUT_S = 300;
/** Most pinned flows per protocol; beyond it new flows follow the Maglev table unpinned. */
export const DSR_PIN_SIZE = 262_144;

const PROTOS = ['tcp', 'udp'] as const;
const HASHES = [
  { tag: 'ip', expr: 'ip saddr' },
  // SOURCE_IP_PORT and FIVE_TUPLE: within one service daddr, dport and protocol are constant, and
  // nft 1.0.6 aborts (register assertion) on a longer hash input next to this map key.
  { tag: 'ipport', expr: 'ip saddr . th sport' },
] as const;
const FLOW = 'ip saddr . th sport . ip daddr . th dport';

/** The devices of `dsr` options, checked (safe names, 1-16 ingress devices) and sorted. */
export function dsrDevices(raw: unknown): DsrDevices {
  const r = raw as Partial<DsrDevices> | undefined;
  if (!r || !Array.isArray(r.ingress) || r.ingress.length === 0 || r.ingress.length > 16)
    throw renderError('dsr.ingress must list 1-16 device names');
  for (const d of r.ingress) device(d as string);
  device(r.egress as string);
  return { ingress: [...new Set(r.ingress as string[])].sort(), egress: r.egress as string };
}

/** The packet mark that stands for a backend: its IPv4 address as a number (stable, never 0). */
export function backendMark(address: string): number {
  const parts = addr(address, 4).split('.').map(Number);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

const hashTag = (s: ServiceSpec) => (s.hashFields === 'SOURCE_IP' ? 'ip' : 'ipport');
/** The service chains: `d_*` forward unchanged (dsr), `t_*` into the backend's tunnel (tunnel). */
const chainName = (p: string, tag: string, tunnel = false) => `${tunnel ? 't' : 'd'}_${p}_${tag}`;

/** Everything only a rebuild of the table can change: its stamp is derived from this. */
export function dsrSignature(
  tableName: string,
  devices: DsrDevices | undefined,
  state: { hashSeed: number; maglevTableSize: number },
  tunnel?: TunnelDevices,
): string {
  // Without tunnel devices the signature (and so the stamp of a dsr table) is what it was before them.
  const base = [DSR_LAYOUT_VERSION, tableName, devices, state.hashSeed, state.maglevTableSize];
  return JSON.stringify(tunnel ? [...base, tunnel] : base);
}

/** The rules of a service chain; `fwd` is the last step (dsr: fwd to the MAC; tunnel: goto tun). */
function chainRules(
  p: 'tcp' | 'udp',
  hash: string,
  state: { hashSeed: number; maglevTableSize: number },
  fwd: string,
) {
  const pin = `pin_${p}`;
  const m = uint(state.maglevTableSize, 1, 0xffffff, 'Maglev table size');
  return [
    // A pinned flow whose backend is still live keeps it (and renews its pin).
    `meta mark set ${FLOW} map @${pin}`,
    `meta mark @live4 update @${pin} { ${FLOW} : meta mark } ${fwd}`,
    // Otherwise the Maglev table decides, identically on every node; `add` leaves a stale pin (its
    // backend gone) unrenewed, so it expires, while its packets follow the table.
    `meta mark set ip daddr . th dport . jhash ${hash} mod ${m} seed ${hex32(state.hashSeed, 'hash seed')} map @slot_${p}`,
    `add @${pin} { ${FLOW} : meta mark }`,
    fwd,
    // Never let a dsr packet reach the IP stack, which holds the VIP and would reset the flow.
    'drop',
  ];
}

/**
 * The rebuild of the dsr table (create if absent, delete, declare), stamped with `stamp`. Pins are
 * lost with the old table: that happens on a first sync, after a failure and when a setting changes.
 */
export function renderDsrSkeleton(
  tableName: string,
  devices: DsrDevices | undefined,
  state: { hashSeed: number; maglevTableSize: number },
  stamp: string,
  tunnel?: TunnelDevices,
): string {
  const t = `netdev ${ident(tableName)}`;
  const all = [...new Set([...(devices?.ingress ?? []), ...(tunnel?.ingress ?? [])])].sort();
  if (all.length === 0) throw renderError('a dsr or tunnel table needs ingress devices');
  const ingress = all.map(device).join(', ');
  let body = `\tcomment ${comment(stamp)}\n`;
  body += `\tmap dsr4 { type ipv4_addr . inet_proto . inet_service : verdict; comment ${comment(stamp)}; }\n`;
  body += '\tmap hop4 { typeof meta mark : ip daddr; }\n';
  body += '\tset live4 { typeof meta mark; }\n';
  for (const p of PROTOS) {
    body += `\tmap pin_${p} { typeof ${FLOW} : meta mark; size ${DSR_PIN_SIZE}; flags dynamic,timeout; timeout ${DSR_PIN_TIMEOUT_S}s; }\n`;
    body += `\tmap slot_${p} { typeof ip daddr . th dport . numgen inc mod 1 : meta mark; }\n`;
  }
  body += `\tchain ingress {\n\t\ttype filter hook ingress devices = { ${ingress} } priority -500; policy accept;\n`;
  body += '\t\tip daddr . meta l4proto . th dport vmap @dsr4\n\t}\n';
  const finals: [boolean, string][] = [];
  if (devices) finals.push([false, `fwd ip to meta mark map @hop4 device ${device(devices.egress)}`]);
  // The chain tun is filled with the elements (one rule per tunnel backend); until then it drops.
  if (tunnel) {
    finals.push([true, `goto ${TUNNEL_CHAIN}`]);
    body += `\tchain ${TUNNEL_CHAIN} {\n\t\tdrop\n\t}\n`;
  }
  for (const [isTunnel, fwd] of finals)
    for (const p of PROTOS)
      for (const h of HASHES) {
        const rules = chainRules(p, h.expr, state, fwd).map((r) => `\t\t${r}\n`);
        body += `\tchain ${chainName(p, h.tag, isTunnel)} {\n${rules.join('')}\t}\n`;
      }
  return `table ${t}\ndelete table ${t}\ntable ${t} {\n${body}}\n`;
}

/** The backend mark of each of a service's Maglev slots (`sorted`: its backends by id). */
function slotMarks(
  id: string,
  sorted: readonly { id: string; weight: number; address: string }[],
  state: { hashSeed: number; maglevTableSize: number },
  maglev: MaglevFn,
): Uint32Array {
  let table: ArrayLike<number>;
  try {
    table = maglev(
      sorted.map((b) => ({ id: b.id, weight: b.weight })),
      state.maglevTableSize,
      state.hashSeed,
    );
  } catch (e) {
    throw renderError(`service ${id}: ${(e as Error).message}`);
  }
  const marks = new Uint32Array(table.length);
  for (let slot = 0; slot < table.length; slot++) {
    const b = sorted[table[slot]!];
    if (!b) throw renderError(`service ${id}: slot ${slot} has no backend`);
    marks[slot] = backendMark(b.address);
  }
  return marks;
}

/**
 * The elements of every dsr and tunnel service, as one replacement: flush the dispatch, backend and
 * slot maps (and with `tunnel`, the chain tun) and add them again (atomic within the transaction; the
 * pin maps are kept). O(elements) per change. `tunnels`: the tunnel backends (mark -> address), whose
 * ipip devices must exist before this text is applied. `previous`: an earlier rendering whose
 * unchanged services' slots are reused.
 */
export function renderDsrElements(
  tableName: string,
  services: readonly ServiceSpec[],
  state: { hashSeed: number; maglevTableSize: number },
  maglev: MaglevFn,
  tunnel = false,
  previous?: DsrElements,
): DsrElements {
  const t = `netdev ${ident(tableName)}`;
  const dispatch: string[] = [];
  const hops = new Map<number, string>();
  const tunnels = new Map<number, string>();
  const slotCount = { tcp: 0, udp: 0 };
  const tables = new Map<string, DsrSlots>();
  for (const s of services) {
    const mode = s.forwarding === 'tunnel' ? 'tunnel' : 'dsr';
    if (mode === 'tunnel' && !tunnel) throw renderError(`service ${s.id}: this table has no tunnel chains`);
    if (s.family !== 4) throw renderError(`service ${s.id}: ${mode} forwarding serves IPv4 only`);
    if (s.algorithm !== 'MAGLEV') throw renderError(`service ${s.id}: ${mode} forwarding needs MAGLEV`);
    const p = proto(s.protocol);
    const key = `${addr(s.vip, 4)} . ${p} . ${port(s.port)}`;
    if (s.backends.length === 0) continue; // not dispatched: the packet goes on to the IP stack
    const sorted = [...s.backends].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const b of sorted) {
      if (b.port !== s.port)
        throw renderError(`service ${s.id}: ${mode} backends must listen on the service port ${s.port}`);
      const mark = backendMark(b.address);
      const known = hops.get(mark);
      if (known !== undefined && known !== b.address) throw renderError(`backend mark clash at ${b.address}`);
      hops.set(mark, b.address);
      if (mode === 'tunnel') tunnels.set(mark, b.address);
    }
    dispatch.push(`${key} : goto ${chainName(p, hashTag(s), mode === 'tunnel')}`);
    const sig = JSON.stringify([
      state.maglevTableSize,
      state.hashSeed,
      sorted.map((b) => [b.id, b.weight, b.address]),
    ]);
    // An unchanged service keeps its marks: no Maglev table built again (~40 ms at 65,537 slots).
    const before = previous?.slots.get(key);
    const marks = before?.sig === sig ? before.marks : slotMarks(s.id, sorted, state, maglev);
    slotCount[p] += marks.length;
    tables.set(key, { map: `slot_${p}`, prefix: `${s.vip} . ${s.port} .`, marks, sig });
  }
  const hop = [...hops].map(([m, a]) => `${hex32(m, 'mark')} : ${a}`);
  const live = [...hops.keys()].map((m) => hex32(m, 'mark'));
  const small = { tableName, hop, live, dispatch, tun: tunnel ? renderTunnelChain(tableName, tunnels) : [] };
  // The whole text is only needed for a first or repairing sync: a change sends renderDsrDelta's.
  let text: string | undefined;
  const render = () => {
    const items = { slot_tcp: [] as string[], slot_udp: [] as string[] };
    for (const { map, prefix, marks } of tables.values())
      for (let slot = 0; slot < marks.length; slot++)
        items[map].push(`${prefix} ${slot} : ${hex32(marks[slot]!, 'mark')}`);
    const slotText = ['slot_tcp', 'slot_udp'].map((m) => `flush map ${t} ${m}\n`).join('');
    return renderSmallMaps(
      small,
      slotText + addElements(t, 'slot_tcp', items.slot_tcp) + addElements(t, 'slot_udp', items.slot_udp),
    ).text;
  };
  return {
    get text() {
      text ??= render();
      return text;
    },
    statements:
      5 +
      small.hop.length +
      small.live.length +
      small.tun.length +
      small.dispatch.length +
      slotCount.tcp +
      slotCount.udp,
    counts: {
      dsr4: dispatch.length,
      hop4: hop.length,
      live4: live.length,
      slot_tcp: slotCount.tcp,
      slot_udp: slotCount.udp,
    },
    tunnels,
    small,
    slots: tables,
  };
}

/** Whether two renderings hold the same elements (cheaper than comparing their texts). */
export function sameDsrElements(a: DsrElements, b: DsrElements): boolean {
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  if (!same(a.small.hop, b.small.hop) || !same(a.small.live, b.small.live)) return false;
  if (!same(a.small.dispatch, b.small.dispatch) || !same(a.small.tun, b.small.tun)) return false;
  if (a.slots.size !== b.slots.size) return false;
  for (const [key, x] of a.slots) {
    const y = b.slots.get(key);
    if (y?.marks === x.marks) continue; // reused: the service did not change
    if (!y || y.marks.length !== x.marks.length || !x.marks.every((m, i) => m === y.marks[i])) return false;
  }
  return true;
}

/** `add element` of `items` to `name` as one statement ('' when there are none). */
const addElements = (t: string, name: string, items: readonly string[]) =>
  items.length ? `add element ${t} ${name} { ${items.join(', ')} }\n` : '';

/**
 * The small maps (dispatch, hops, live marks) and the chain tun replaced whole around `slotText`: the
 * hops and live marks first, so the slots added may name them; the chain tun before the dispatch
 * that leads to it. One statement per line.
 */
function renderSmallMaps(m: DsrSmallMaps, slotText: string): { text: string; statements: number } {
  const t = `netdev ${ident(m.tableName)}`;
  let text = `flush map ${t} dsr4\nflush map ${t} hop4\nflush set ${t} live4\n`;
  text += addElements(t, 'hop4', m.hop) + addElements(t, 'live4', m.live) + slotText;
  for (const line of m.tun) text += `${line}\n`;
  text += addElements(t, 'dsr4', m.dispatch);
  return { text, statements: 3 + m.hop.length + m.live.length + m.tun.length + m.dispatch.length };
}

/**
 * The change from `old` to `now` (two renderings for one table under one stamp) as one transaction:
 * the small maps and the chain tun replaced whole, as {@link renderDsrElements} does, but of the slot
 * maps only the slots whose backend changed are deleted and added again, and only the services that
 * came or went are added or deleted whole. One backend added to one of K services of M slots costs
 * ~M/N slot statements, not the K x M of the whole replacement. Pins are kept either way.
 */
export function renderDsrDelta(old: DsrElements, now: DsrElements): { text: string; statements: number } {
  const t = `netdev ${ident(now.small.tableName)}`;
  const dels: Record<string, string[]> = { slot_tcp: [], slot_udp: [] };
  const adds: Record<string, string[]> = { slot_tcp: [], slot_udp: [] };
  for (const [key, was] of old.slots) {
    const is = now.slots.get(key);
    if (is?.marks === was.marks) continue; // reused: the service did not change
    for (let slot = 0; slot < was.marks.length; slot++)
      if (is?.marks.length !== was.marks.length || is.marks[slot] !== was.marks[slot])
        dels[was.map]!.push(`${was.prefix} ${slot}`);
  }
  for (const [key, is] of now.slots) {
    const was = old.slots.get(key);
    if (was?.marks === is.marks) continue;
    for (let slot = 0; slot < is.marks.length; slot++)
      if (was?.marks.length !== is.marks.length || was.marks[slot] !== is.marks[slot])
        adds[is.map]!.push(`${is.prefix} ${slot} : ${hex32(is.marks[slot]!, 'mark')}`);
  }
  const deleted = (name: string) =>
    dels[name]!.length ? `delete element ${t} ${name} { ${dels[name]!.join(', ')} }\n` : '';
  const slotText = ['slot_tcp', 'slot_udp'].map((m) => deleted(m) + addElements(t, m, adds[m]!)).join('');
  const { text, statements } = renderSmallMaps(now.small, slotText);
  const changed = [...Object.values(dels), ...Object.values(adds)].reduce((n, l) => n + l.length, 0);
  return { text, statements: statements + changed };
}
