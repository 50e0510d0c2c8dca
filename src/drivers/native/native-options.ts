/** Options of the native driver: where state lives, where VIPs come from, how VMs are found. */

import type { CallOptions } from '../../interfaces/types.js';
import type { AnnounceConfig, Announcer } from '../../native/announce/index.js';
import type { Executor } from '../../native/executor/types.js';
import type { AllDownMode } from '../../native/health/select-backends.js';
import type { HealthSource } from '../../native/health/types.js';
import type { Dataplane } from '../../native/model.js';
import type { StateStore } from '../../native/store/types.js';

/** A VM's addresses. A VM needs an address of the VIP's family to join an NLB. */
export interface VMAddresses {
  ipv4?: string | undefined;
  ipv6?: string | undefined;
}

/** VM name -> addresses, or a function that looks one VM up (undefined: no such VM). */
export type VMInventory =
  | Readonly<Record<string, VMAddresses>>
  | ((vmName: string) => Promise<VMAddresses | undefined>);

/** Where listener addresses (VIPs) come from. */
export interface VipPoolOptions {
  /**
   * CIDRs (`10.99.0.0/24`, `fd00:99::/120`) or inclusive ranges (`192.168.0.85-192.168.0.90`), IPv4
   * and IPv6 mixed. A CIDR's network address (and IPv4 broadcast address) is never handed out.
   */
  ranges: string[];
}

/**
 * An agent the driver runs in its own process ("embedded mode"): one process is then driver, store
 * client and LB node at once (tests, the demo, single-host setups).
 */
export interface EmbeddedAgentOptions {
  /** Runs `nft` and `ip` for the agent (e.g. `netnsExecutor('nlbk-lb1')`). */
  executor: Executor;
  /**
   * Which data plane programs the node: `'nftables'` (the default) or `'ipvs'` (the Linux Virtual
   * Server in NAT mode through `ipvsadm`; it owns the virtual services in `vipPool.ranges`, has no SNAT
   * mode and applies a change line by line: see docs/native-dataplane.md#the-ipvs-data-plane), both
   * through `executor`. Or your own data plane, or a factory for it (preferred). With a
   * factory, the agent builds a fresh instance (whose first sync is a full, atomic rebuild: it adopts
   * only a table that reads back as desired) when it finds the kernel drifted; with an instance it must
   * destroy the table and sync again (not atomic).
   */
  dataplane?: Dataplane | (() => Dataplane) | 'nftables' | 'ipvs' | undefined;
  /**
   * Opt-in fast path for the default nftables data plane: an nftables flowtable on these devices, so
   * packets of established load-balanced flows skip routing and the forward/postrouting hooks. Helps
   * long-lived flows (keep-alive), not one-request connections; needs CONFIG_NF_FLOW_TABLE_INET; see
   * docs/native-dataplane.md#flowtable-opt-in-fast-path for what it bypasses. Only with the nftables data plane.
   */
  flowtable?: { devices: string[] } | undefined;
  /**
   * Direct server return for the default nftables data plane (issue 21): the devices client traffic
   * arrives on (`ingress`) and the device on the segment the backends share with the node (`egress`).
   * With it the driver offers `vmGroup.forwarding: 'dsr'`; without it, `nat` only. See
   * docs/native-forwarding.md. Only with the nftables data plane.
   *
   * `probe`: the older form of `agent.probe` (its device is `egress`).
   */
  dsr?: { ingress: string[]; egress: string; probe?: { address: string; netns?: string } } | undefined;
  /**
   * The agent's probe namespace (with `health: 'auto'`), from which dsr and tunnel backends are checked
   * through the VIP path, as the data plane forwards their clients' packets: `address` (free; for dsr
   * in the backends' subnet), `device` its macvlan sits on (default `dsr.egress`), `gateway` the next
   * hop of the encapsulated tunnel checks (default none: tunnel backends on the device's link), `netns`
   * (default `nlbkit-probe`). Without it, every dsr and tunnel backend is reported UNHEALTHY ("no VIP
   * path"): never checked at its own address.
   */
  probe?: { address: string; device?: string; gateway?: string; netns?: string } | undefined;
  /**
   * Tunnel forwarding for the default nftables data plane (issue 21): the devices client traffic
   * arrives on. With it the driver offers `vmGroup.forwarding: 'tunnel'` (each backend then gets an
   * ipip device `nlt…` on the node); without it, not. See docs/native-forwarding.md. Only with the
   * nftables data plane.
   */
  tunnel?: { ingress: string[] } | undefined;
  /** The node's name in the store. Default `embedded`. */
  node?: string | undefined;
  /** Interface the agent adds VIPs to. Default `nlbkit0` (a dummy interface it creates). */
  interface?: string | undefined;
  /** Seconds between periodic reconciles (reconcile, don't trust). Default 10. */
  intervalSeconds?: number | undefined;
  /**
   * Health checks. `'auto'`: the driver runs nlbkit's monitor where the data plane is — inside the
   * executor's network namespace (`createNetnsHealthSource`) when it is a `netnsExecutor`, else in this
   * process — seeded with the node name, and closes it in `close()`. A {@link HealthSource} is used as
   * given and stays the caller's to close (with a netnsExecutor, pass `createNetnsHealthSource`: a plain
   * `createHealthMonitor` checks from this process's namespace). Without it every VM is reported
   * UNKNOWN and every backend is rendered.
   */
  health?: HealthSource | 'auto' | undefined;
  /** What to render when every backend is unhealthy. Default `fail-open`. */
  allDown?: AllDownMode | undefined;
  /**
   * How the node announces its VIPs to the network (docs/native-ha.md). Default `{ mode: 'none' }`: the
   * VIPs sit on `interface` and someone routes them by hand. `{ mode: 'bgp', includeFile, socket }`:
   * a host route per serving VIP through BIRD 2 (`createBgpAnnouncer`'s options). `{ mode: 'l2',
   * interface: 'eth0', ... }`: one node per VIP holds it on that interface and announces it by
   * gratuitous ARP / unsolicited NA, ownership by leases in the store (PostgreSQL; the memory store in
   * one process). Or your own {@link Announcer}. Bad settings, or l2 on a store without leases, throw
   * when the driver is made; the driver's `close()` withdraws (bgp) or hands over (l2) before the
   * agent stops.
   */
  announce?: AnnounceConfig | Announcer | undefined;
}

/** Options of {@link createNativeDriver}. */
export interface NativeDriverOptions {
  /**
   * Where desired state lives: `createMemoryStore()`, `createFileStore(dir)` or `createPostgresStore()`.
   * The driver creates the store (`store.create()`) at its first mutating call, never on a read.
   */
  store: StateStore;
  /** The pool listener addresses are allocated from (lowest free) or must lie in when requested. */
  vipPool: VipPoolOptions;
  /**
   * Resolves VM names to addresses; a VM it does not know is NOT_FOUND. Addresses are resolved when the
   * NLB is written and stored with it, so agents never need the inventory.
   */
  vmInventory: VMInventory;
  /** jhash seed for SOURCE_HASH and MAGLEV, the same on every node. Default 0x6e6c626b ("nlbk"). */
  hashSeed?: number | undefined;
  /** Maglev lookup-table size, a prime (>= 100 x the largest VM group keeps imbalance <= 1%). Default 4093. */
  maglevTableSize?: number | undefined;
  /**
   * Masquerade traffic to backends (one-armed LB: the LB node is not the backends' gateway). The
   * backends then see the LB node's address, not the client's. Default false (plain DNAT keeps the
   * client address; the LB node must then be the backends' route back). Stored per NLB at creation.
   */
  snat?: boolean | undefined;
  /**
   * The forwarding modes (`vmGroup.forwarding`) the agents' data plane honours: `nat` (always), `dsr`
   * (the nftables data plane with dsr devices: `nlbkit agent --dsr-ingress ... --dsr-egress ...`; the
   * IPVS data plane) and `tunnel` (nftables with `--tunnel-ingress ...`; the IPVS data plane). Default:
   * what the embedded agent's data plane renders (nftables: nat, plus dsr with `agent.dsr` and tunnel
   * with `agent.tunnel`; IPVS: nat, dsr and tunnel; your own Dataplane instance: its
   * `forwardingModes`), and `['nat']` without an embedded agent, since the driver cannot see remote
   * agents' options.
   */
  forwardingModes?: ('nat' | 'dsr' | 'tunnel')[] | undefined;
  /**
   * The LB nodes whose agents must have applied a revision for it to count as converged (and whose
   * health reports count). Default: the embedded agent's node if any, else every live node of the store
   * (in step with it before the change, or reported within `LIVE_REPORT_WINDOW_MS`; docs/native.md).
   * A call's `wait` without this option waits for the embedded node and every live node.
   */
  nodes?: string[] | undefined;
  /**
   * `store-only`: mutations return once the desired state is persisted. `wait-for-agents`: they return
   * once every node in `nodes` has applied it (TIMEOUT after `convergenceTimeoutMs`; the state stays
   * persisted and agents keep trying). Default: `wait-for-agents` with an embedded agent, else `store-only`.
   */
  applyMode?: 'store-only' | 'wait-for-agents' | undefined;
  /** How long `wait-for-agents` and `waitForConvergence` wait, in ms. Default 30000. */
  convergenceTimeoutMs?: number | undefined;
  /**
   * How long a write keeps retrying, with jittered backoff, while other writer processes keep changing
   * the store under it, in ms; after that it fails with a retryable UNAVAILABLE. CONFLICT means only
   * that another writer changed the same NLB. Default 30000.
   */
  contentionTimeoutMs?: number | undefined;
  /** Run an agent in this process (embedded mode). */
  agent?: EmbeddedAgentOptions | undefined;
}

/**
 * Call options of the native driver: those of every driver, plus waiting for the LB nodes.
 */
export interface NativeCallOptions extends CallOptions {
  /**
   * After a change is stored, wait until every LB node has applied it (their node reports show the
   * store revision or a later one), telling `onProgress` "applied on node X" as each does (optional;
   * default: return once stored). Past `timeoutMs` (1 ms to a day; default the driver's
   * `convergenceTimeoutMs`, 30,000) the call rejects with TIMEOUT naming the nodes that have not
   * applied it; the change stays stored. Which nodes: `nodes` when set, else the embedded agent's and
   * every live node of the store (docs/native.md). A bad value is INVALID_ARGUMENT before anything.
   */
  wait?: { timeoutMs?: number | undefined } | undefined;
}
