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
  /** Lease time to live (ms): how long a dead owner keeps a VIP before another node takes it. Default 4000. */
  leaseTtlMs?: number;
  /** How often (ms) the node renews its leases and looks for free VIPs. Default a quarter of the TTL. */
  renewEveryMs?: number;
  /**
   * An owner that could not renew drops the VIP this long (ms) before its lease could run out in the
   * store: its deadline is (time the renew was sent) + TTL - margin. Default a fifth of the TTL.
   */
  safetyMarginMs?: number;
  /**
   * The VIP address's lifetime in the kernel (whole seconds, refreshed on each renew): if the agent dies
   * (kill -9) or freezes, the kernel removes the VIP by itself. Default 1. The TTL must exceed
   * margin + lifetime + the kernel's slack (~1.25 s) by at least 100 ms.
   */
  addressLifetimeSeconds?: number;
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
  const ttlMs = int('leaseTtlMs', o.leaseTtlMs ?? 4000, 1000, 600_000);
  const renewMs = int('renewEveryMs', o.renewEveryMs ?? Math.round(ttlMs / 4), 50, Math.floor(ttlMs / 2));
  const marginMs = int(
    'safetyMarginMs',
    o.safetyMarginMs ?? Math.round(ttlMs / 5),
    50,
    Math.floor(ttlMs / 2),
  );
  const lifetimeS = int('addressLifetimeSeconds', o.addressLifetimeSeconds ?? 1, 1, 3600);
  const announceMs = int('announceEveryMs', o.announceEveryMs ?? 3000, 500, 3_600_000);
  const room = ttlMs - marginMs - lifetimeS * 1000 - KERNEL_LIFETIME_SLACK_MS;
  if (room < 100)
    throw invalid(
      `leaseTtlMs ${ttlMs} is too short: it must exceed safetyMarginMs + addressLifetimeSeconds*1000 + ${KERNEL_LIFETIME_SLACK_MS} by 100 ms or more (a dead agent's VIP must leave its kernel before the lease ends)`,
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
    rebalance: o.rebalance ?? true,
    clock: o.clock ?? monotonicClock,
    log: o.log ?? (() => undefined),
  };
}
