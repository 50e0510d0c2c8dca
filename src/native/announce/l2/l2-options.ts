/** Options of the layer-2 announcer, their defaults, and the checks that run before anything does. */
import { NLBError } from '../../../interfaces/errors.js';
import { INTERFACE_PATTERN } from '../../agent/vip-addresses.js';
import type { Executor } from '../../executor/types.js';
import { type Clock, systemClock } from '../../health/clock.js';
import type { LeaseStore } from '../../store/lease-types.js';
import { NODE_NAME_PATTERN } from '../../store/store-schema.js';
import type { StateStore } from '../../store/types.js';

/**
 * How late (ms) the kernel may remove an address after its lifetime ends: it checks lifetimes at most
 * once a second (measured here: 1.0-1.4 s for a 1 s lifetime).
 */
export const KERNEL_LIFETIME_SLACK_MS = 1250;

/** Options of {@link createL2Announcer}. */
export interface L2AnnouncerOptions {
  /** Where leases live: `store.leases` of the PostgreSQL store across hosts (memory store in one process). */
  leases: LeaseStore;
  /** This node's name (the lease holder), as given to the agent. */
  node: string;
  /** Runs `ip`, `arping` and `na6` on the node (the agent's executor). */
  executor: Executor;
  /** The interface on the shared segment where the owner holds its VIPs and announces them, e.g. `eth0`. */
  interface: string;
  /**
   * Lease time to live (ms): how long a dead owner keeps a VIP before another node takes it. Default
   * 1000 with the watchdog, 4000 without. Minimum 500 with the watchdog; without, it must exceed
   * margin + address lifetime + the kernel's slack (~1.25 s) by at least 100 ms.
   */
  leaseTtlMs?: number;
  /**
   * How often (ms) the node renews its leases and looks for free VIPs. Default a quarter of the TTL.
   * At most (TTL - margin) / 2 with the watchdog (two renewals before a VIP's deadline), TTL / 2 without.
   */
  renewEveryMs?: number;
  /**
   * An owner that could not renew drops the VIP this long (ms) before its lease could run out in the
   * store: its deadline is (time the renew was sent) + TTL - margin. Default 30% of the TTL with the
   * watchdog (300 ms at the default TTL; at least 100: a late timer plus one `ip addr del`), a fifth
   * without (at least 50); at most half the TTL.
   */
  safetyMarginMs?: number;
  /**
   * The VIP address's lifetime in the kernel (whole seconds, refreshed on each renew). Without the
   * watchdog it is what removes a killed or frozen agent's VIP (default 1); with it, only the last
   * backstop should agent and watchdog die at once (default and minimum: (TTL - margin) rounded up to
   * whole seconds, so the address never lapses while the lease is held).
   */
  addressLifetimeSeconds?: number;
  /**
   * Guard held VIPs with a watchdog process (l2-watchdog-main.ts): it places and removes the
   * addresses, removes each at its deadline unless renewed, and all of them the moment this process
   * dies; the agent restarts it if it dies (dropping the VIPs first). This is what allows a ~1 s TTL.
   * Default true when the executor runs on this host (a netns executor, or a local one: `where` is
   * `local`); another executor (ssh) cannot have one (INVALID_ARGUMENT if asked) and falls back to the
   * address lifetime. `{ program }` runs another watchdog program (tests).
   */
  watchdog?: boolean | { program?: string };
  /** Gratuitous ARP / unsolicited NA repeat (ms) for held VIPs (switches forget). Default 3000. */
  announceEveryMs?: number;
  /**
   * Hand a VIP back to its preferred node (rendezvous hash) when that node serves it again. Default true:
   * VIPs spread over the live nodes; each hand-back is a gap of about one renew interval for that VIP.
   */
  rebalance?: boolean;
  /** Monotonic time and timers; default `performance.now()` and Node's timers. */
  clock?: Clock;
  /** Where the announcer says what it did. Default: nowhere. */
  log?: (line: string) => void;
}

/** What a user sets for layer 2 (the driver's `agent.announce`, the CLI's `--l2-*` flags). */
export type L2AnnounceSettings = Omit<L2AnnouncerOptions, 'leases' | 'node' | 'executor' | 'clock' | 'log'>;

/** The store's leases; INVALID_ARGUMENT for a store without them (the file store). */
export function requireLeases(store: StateStore): LeaseStore {
  if (!store.leases)
    throw invalid(
      `layer-2 announcement needs a store with leases: the ${store.description} store has none (use PostgreSQL)`,
    );
  return store.leases;
}

/** The options after defaults and checks. */
export interface L2Config {
  leases: LeaseStore;
  node: string;
  executor: Executor;
  iface: string;
  ttlMs: number;
  renewMs: number;
  marginMs: number;
  lifetimeS: number;
  announceMs: number;
  /** The watchdog to run, if any: the namespace its commands go to, and a program instead of the bundled one. */
  watchdog: { netns?: string; program?: string } | undefined;
  rebalance: boolean;
  clock: Clock;
  log: (line: string) => void;
}

/** The real monotonic clock (a wall clock may jump; deadlines must not). */
export const monotonicClock: Clock = { ...systemClock, now: () => performance.now() };

const invalid = (message: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation: 'announce', message });

const int = (name: string, value: number, min: number, max: number): number => {
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalid(`${name} must be an integer ${min}-${max}, not ${String(value).slice(0, 40)}`);
  return value;
};

/** Applies defaults and checks every option; throws INVALID_ARGUMENT before anything runs. */
export function resolveL2Options(o: L2AnnouncerOptions): L2Config {
  if (!o || typeof o !== 'object') throw invalid('options are required');
  if (!o.leases) throw invalid('layer-2 announcement needs a store with leases (PostgreSQL across hosts)');
  if (typeof o.node !== 'string' || !NODE_NAME_PATTERN.test(o.node))
    throw invalid(`node '${String(o.node).slice(0, 80)}' must be 1-63 letters, digits, '.', '_' or '-'`);
  if (typeof o.interface !== 'string' || !INTERFACE_PATTERN.test(o.interface))
    throw invalid(`interface '${String(o.interface).slice(0, 80)}' is not a valid interface name`);
  if (o.interface === 'lo')
    throw invalid('interface lo is not on a shared segment: name the uplink, e.g. eth0');
  const watchdog = resolveWatchdog(o);
  const ttlMs = int('leaseTtlMs', o.leaseTtlMs ?? (watchdog ? 1000 : 4000), watchdog ? 500 : 1000, 600_000);
  const marginMs = int(
    'safetyMarginMs',
    o.safetyMarginMs ?? Math.round(ttlMs * (watchdog ? 0.3 : 0.2)),
    watchdog ? 100 : 50,
    Math.floor(ttlMs / 2),
  );
  const renewMax = Math.floor(watchdog ? (ttlMs - marginMs) / 2 : ttlMs / 2);
  const renewMs = int(
    'renewEveryMs',
    o.renewEveryMs ?? Math.min(renewMax, Math.round(ttlMs / 4)),
    50,
    renewMax,
  );
  const heldS = Math.ceil((ttlMs - marginMs) / 1000);
  const lifetimeS = int(
    'addressLifetimeSeconds',
    o.addressLifetimeSeconds ?? (watchdog ? heldS : 1),
    watchdog ? heldS : 1,
    3600,
  );
  const announceMs = int('announceEveryMs', o.announceEveryMs ?? 3000, 500, 3_600_000);
  const room = ttlMs - marginMs - lifetimeS * 1000 - KERNEL_LIFETIME_SLACK_MS;
  if (!watchdog && room < 100)
    throw invalid(
      `leaseTtlMs ${ttlMs} is too short without the watchdog: it must exceed safetyMarginMs + addressLifetimeSeconds*1000 + ${KERNEL_LIFETIME_SLACK_MS} by 100 ms or more (a dead agent's VIP must leave its kernel before the lease ends)`,
    );
  if (o.rebalance !== undefined && typeof o.rebalance !== 'boolean')
    throw invalid('rebalance must be a boolean');
  return {
    leases: o.leases,
    node: o.node,
    executor: o.executor,
    iface: o.interface,
    ttlMs,
    renewMs,
    marginMs,
    lifetimeS,
    announceMs,
    watchdog,
    rebalance: o.rebalance ?? true,
    clock: o.clock ?? monotonicClock,
    log: o.log ?? (() => undefined),
  };
}

/** The watchdog the options ask for (none for an executor that does not run on this host). */
function resolveWatchdog(o: L2AnnouncerOptions): L2Config['watchdog'] {
  const netns = o.executor?.netns;
  const here = netns !== undefined || o.executor?.where === 'local';
  const w = o.watchdog ?? here;
  if (w === false) return undefined;
  if (
    w !== true &&
    (typeof w !== 'object' || w === null || (w.program !== undefined && typeof w.program !== 'string'))
  )
    throw invalid('watchdog must be a boolean or { program }');
  if (!here)
    throw invalid(
      `the l2 watchdog runs on this host: it needs a local or netns executor, not ${String(o.executor?.where).slice(0, 60)} (set watchdog: false)`,
    );
  return {
    ...(netns !== undefined ? { netns } : {}),
    ...(typeof w === 'object' && w.program !== undefined ? { program: w.program } : {}),
  };
}
