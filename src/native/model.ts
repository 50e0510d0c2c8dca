/**
 * The desired data-plane state of one LB node: what the kernel must hold, nothing more. The agent
 * derives it from the store (NLBs, VM addresses, health) and hands it to a {@link Dataplane}.
 * Every string here has passed the interface schemas (names, canonical addresses) before it got here.
 */
import type { Algorithm, HashFields } from '../interfaces/types.js';

/** Transport protocol, as nft spells it. */
export type L4Proto = 'tcp' | 'udp';

/** One backend a service may send new flows to. */
export interface BackendSpec {
  /** The VM's nameId: stable key for sorting (Maglev, round-robin order) and for diffs. */
  id: string;
  /** Canonical address, same family as the service's VIP. */
  address: string;
  port: number;
  /** 1-100. */
  weight: number;
}

/** One load-balanced service (an NLB's listener) on this node. */
export interface ServiceSpec {
  /** The NLB's nameId (safe charset: letters, digits, '-'). */
  id: string;
  vip: string;
  family: 4 | 6;
  protocol: L4Proto;
  port: number;
  algorithm: Algorithm;
  hashFields: HashFields;
  /** The backends to render: already filtered by health. Empty: new flows are rejected. */
  backends: BackendSpec[];
  /** Masquerade traffic to the backends (one-armed LB); the client address is then lost. */
  snat: boolean;
  /**
   * How packets reach the backends (issue 21): 'nat' (absent: the same) rewrites the destination;
   * 'dsr' forwards the packet unchanged to the backend's MAC; 'tunnel' sends it IPIP-encapsulated to
   * the backend's address (nft and IPVS: docs/native-forwarding.md).
   */
  forwarding?: 'nat' | 'dsr' | 'tunnel';
  /**
   * Removed backends whose drain time is over (issue 20): their established flows must end (IPVS
   * deletes the real server; the agent deletes their conntrack entries). Absent: none.
   */
  drained?: { address: string; port: number; until: number }[];
}

/** Everything the kernel of one node must hold for nlbkit. */
export interface NodeDataplaneState {
  services: ServiceSpec[];
  /** Seed for jhash: the same on every node so every node hashes a flow the same way. */
  hashSeed: number;
  /** Maglev lookup-table size (prime). */
  maglevTableSize: number;
}

/** What one sync did. */
export interface SyncResult {
  /** 'full': the table was rebuilt; 'incremental': only differing elements changed; 'none': nothing differed. */
  mode: 'full' | 'incremental' | 'none';
  /** Statements sent to the kernel in the one transaction (0 for 'none'). */
  statements: number;
}

/**
 * Programs one node's kernel. Implementations: nftables (`createNftDataplane`, the default) and IPVS
 * (`createIpvsDataplane`). IPVS has no transactions: its sync applies line by line, in an order that
 * keeps every service serving, and a sync after a failed one completes it (docs/native-ipvs.md).
 */
export interface Dataplane {
  /**
   * Makes the kernel hold exactly `state` in one atomic transaction: a full rebuild on the first call
   * (unless the kernel already holds exactly `state`, written by an earlier instance: then nothing
   * runs) and after any failed apply, only the differing elements otherwise. On failure the kernel
   * keeps what it had and the error is an NLBError.
   */
  sync(state: NodeDataplaneState): Promise<SyncResult>;
  /** Reads back what the kernel holds and lists every difference from `state` (empty: in sync). */
  verify(state: NodeDataplaneState): Promise<string[]>;
  /** Removes everything nlbkit put in the kernel. */
  destroy(): Promise<void>;
  /** The forwarding modes this data plane renders (absent: 'nat' only); others make sync fail. */
  readonly forwardingModes?: readonly ('nat' | 'dsr' | 'tunnel')[];
}
