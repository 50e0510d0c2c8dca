/**
 * The announcement seam: how an agent tells the network where its VIPs live. The agent calls
 * `update()` after every successful apply with the VIPs its kernel now serves; an announcer turns that
 * into routes (BGP through BIRD) or into owning the VIP on a shared segment (layer 2: a lease, the
 * address on the interface, gratuitous ARP / unsolicited NA). `none` announces nothing (one node, or
 * routing done by hand).
 */

/** How an agent announces its VIPs. */
export type AnnounceMode = 'none' | 'l2' | 'bgp';

/** One VIP the node's kernel has been programmed for. */
export interface AnnounceTarget {
  /** Canonical address. */
  vip: string;
  family: 4 | 6;
  /**
   * True when at least one service on this VIP has a backend this node would send new flows to that is
   * not judged UNHEALTHY (UNKNOWN counts: not judged yet). A VIP that is not serving is withdrawn.
   */
  serving: boolean;
}

/** One BGP (or BFD) session of the node's speaker, as it reported it. */
export interface AnnounceSession {
  name: string;
  /** e.g. `Established`, `Active`, `Connect`, `Idle`, `Down`. */
  state: string;
  info?: string;
}

/** What an announcer announces now; written into the node report and shown by `nlbkit status --nodes`. */
export interface AnnounceState {
  mode: AnnounceMode;
  /** VIPs this node announces now (bgp: routes exported; l2: VIPs it owns and holds), sorted. */
  announced: string[];
  /** l2: VIP -> the node this node last saw holding its lease. */
  owners?: Record<string, string>;
  /** bgp: the speaker's sessions. */
  sessions?: AnnounceSession[];
  /** The last announcement failure, absent when the last update succeeded. */
  error?: string;
}

/** Announces one node's VIPs. Implementations: none, l2, bgp. */
export interface Announcer {
  readonly mode: AnnounceMode;
  /**
   * True when the announcer itself puts VIP addresses on interfaces (l2: only the owner may hold a VIP,
   * or it would answer ARP for it too); the agent then puts none on its own VIP interface.
   */
  readonly managesAddresses: boolean;
  /** Called after each successful apply; idempotent; resolves with what is announced now. */
  update(targets: AnnounceTarget[]): Promise<AnnounceState>;
  /** Calls `listener` when the announcer needs the agent to reconcile (lease won or lost, session change). */
  onChange(listener: () => void): () => void;
  /** Graceful stop: withdraw (bgp) or hand over (l2) everything, before the agent exits. */
  stop(): Promise<void>;
}

/** The announcer of `none`: nothing is announced; the agent keeps VIPs on its own interface. */
export function noAnnouncer(): Announcer {
  return {
    mode: 'none',
    managesAddresses: false,
    update: async () => ({ mode: 'none', announced: [] }),
    onChange: () => () => undefined,
    stop: async () => undefined,
  };
}
