/**
 * A typed model of the part of nftables nlbkit uses: one table, maps keyed by a service (VIP, protocol,
 * port) or by a service and a slot number, and a closed set of rule shapes. Nothing here is free text:
 * the renderer (nft-render.ts) turns these objects into script text and checks every value on the way.
 */
import type { L4Proto } from '../model.js';

/** Address family of a map or rule. */
export type Family = 4 | 6;

/** `daddr . l4proto . dport` of a service: the key of the dispatch maps. */
export interface ServiceKey {
  vip: string;
  proto: L4Proto;
  port: number;
}

/** VIP, port and the slot a selector picked: the key of the backend maps (one map per protocol). */
export interface SlotKey {
  vip: string;
  port: number;
  slot: number;
}

/** Where a service's new flows go: a chain (by `goto`). */
export interface GotoVerdict {
  goto: string;
}

/** A backend endpoint: the DNAT target. */
export interface Endpoint {
  address: string;
  port: number;
}

/** `type <family addr> . inet_proto . inet_service : verdict` */
export interface DispatchMap {
  kind: 'dispatch';
  name: string;
  family: Family;
}

/**
 * `typeof <daddr> . th dport . numgen ... : <daddr> . th dport`. The protocol is not in the key: the
 * dispatch map already matched it, and each map serves one protocol (a shorter key parses ~25% faster).
 */
export interface BackendMap {
  kind: 'backends';
  name: string;
  family: Family;
}

/** Any map nlbkit declares. */
export type NftMap = DispatchMap | BackendMap;

/** Packet fields hashed by jhash. */
export type HashInput = 'saddr' | 'saddr-sport' | 'five-tuple';

/** How a backend-selection rule picks a slot. */
export type Selector =
  | { kind: 'numgen'; mod: number }
  | { kind: 'jhash'; input: HashInput; mod: number; seed: number };

/** The closed set of rule shapes nlbkit writes. */
export type NftRule =
  /** `<daddr> . meta l4proto . th dport vmap @map` */
  | { kind: 'dispatch'; family: Family; map: string }
  /** `meta l4proto P [meta mark set meta mark | M] dnat <fam> to <daddr> . th dport . <selector> map @map` */
  | { kind: 'select'; family: Family; proto: L4Proto; selector: Selector; map: string; setMark?: number }
  /** TCP gets a reset, anything else an ICMP(v6) port unreachable. */
  | { kind: 'reject' }
  /** `meta mark & M == M masquerade` */
  | { kind: 'masquerade-marked'; mark: number }
  /** `ct status dnat meta l4proto { tcp, udp } flow add @FT`: load-balanced flows take the fast path. */
  | { kind: 'offload'; flowtable: string };

/** A base chain's hook. */
export type NftHook =
  | {
      type: 'nat';
      hook: 'prerouting' | 'output' | 'postrouting';
      /** Keyword or number: nft 1.0.6 accepts `dstnat` only on prerouting, so output uses -100. */
      priority: 'dstnat' | 'srcnat' | number;
    }
  /** The flowtable's feeder: after the usual filter chains (priority 0), so their verdicts come first. */
  | { type: 'filter'; hook: 'forward'; priority: number };

/** `flowtable NAME { hook ingress priority filter; devices = { ... } }` */
export interface NftFlowtable {
  name: string;
  /** Device names, sorted. */
  devices: string[];
}

/** A chain: a base chain when `hook` is set, otherwise a regular chain reached by `goto`. */
export interface NftChain {
  name: string;
  hook?: NftHook;
  rules: NftRule[];
}

/** One element of a map: dispatch (service -> verdict) or backends (slot -> endpoint). */
export type NftElement =
  | { map: string; kind: 'dispatch'; family: Family; key: ServiceKey; value: GotoVerdict }
  | { map: string; kind: 'backends'; family: Family; key: SlotKey; value: Endpoint };

/** The whole `table inet <name>`. */
export interface NftTable {
  name: string;
  /** The table's comment (full rebuilds stamp the layout fingerprint, see tableComment). */
  comment?: string;
  maps: NftMap[];
  chains: NftChain[];
  /** Declared before the chains that feed them. */
  flowtables?: NftFlowtable[];
}
