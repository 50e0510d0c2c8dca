/**
 * Leases: a name held by one holder until an expiry the store decides with its own clock, never the
 * holders' (their clocks may disagree). Layer-2 announcement uses them for who owns each VIP and for
 * which nodes are alive; PostgreSQL is the store that makes them work across hosts.
 */
import { NLBError } from '../../interfaces/errors.js';
import { NODE_NAME_PATTERN } from './store-schema.js';

/** One unexpired lease, as the store saw it when asked. */
export interface Lease {
  name: string;
  holder: string;
  /** Milliseconds the lease has left by the store's clock when it answered. */
  remainingMs: number;
  /** What the holder attached (e.g. the VIPs a node serves); absent when nothing. */
  data?: string;
}

/** What {@link LeaseStore.acquireLease} found: whether the caller holds the lease now, and who does. */
export interface LeaseGrant {
  acquired: boolean;
  /** The lease after the call; undefined only when it was taken and released again meanwhile. */
  lease?: Lease;
}

/** Leases kept by a store, decided atomically by it. Implemented by the memory and PostgreSQL stores. */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` for `ttlMs`, or renews it: succeeds when the lease is free, expired, or
   * already `holder`'s (then its expiry moves to the store's now + `ttlMs` and `data` is replaced).
   * One atomic step: of several holders racing for a free lease exactly one gets it.
   */
  acquireLease(name: string, holder: string, ttlMs: number, data?: string): Promise<LeaseGrant>;
  /** Gives `name` up when `holder` holds it; resolves with whether it did. */
  releaseLease(name: string, holder: string): Promise<boolean>;
  /** Every unexpired lease whose name starts with `prefix`, sorted by name. */
  listLeases(prefix: string): Promise<Lease[]>;
}

/** Lease names: plain text that a VIP (IPv6 included) and a node name fit in, e.g. `vip/fd00::1`. */
export const LEASE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** Shortest and longest lease accepted (ms). */
export const LEASE_TTL_RANGE = { min: 100, max: 3_600_000 } as const;
/** Longest `data` a lease carries. */
export const LEASE_DATA_MAX = 16_000;

const invalid = (message: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation: 'lease', message });

/** Throws INVALID_ARGUMENT for a name, holder, TTL or data a store must not write. */
export function checkLeaseArgs(name: string, holder: string, ttlMs?: number, data?: string): void {
  if (typeof name !== 'string' || !LEASE_NAME_PATTERN.test(name))
    throw invalid(`lease name '${String(name).slice(0, 80)}' must match ${LEASE_NAME_PATTERN.source}`);
  if (typeof holder !== 'string' || !NODE_NAME_PATTERN.test(holder))
    throw invalid(
      `lease holder '${String(holder).slice(0, 80)}' must be 1-63 letters, digits, '.', '_' or '-'`,
    );
  if (
    ttlMs !== undefined &&
    (!Number.isInteger(ttlMs) || ttlMs < LEASE_TTL_RANGE.min || ttlMs > LEASE_TTL_RANGE.max)
  )
    throw invalid(`lease TTL must be ${LEASE_TTL_RANGE.min}-${LEASE_TTL_RANGE.max} ms, not ${ttlMs}`);
  if (data !== undefined && (typeof data !== 'string' || data.length > LEASE_DATA_MAX))
    throw invalid(`lease data must be a string of at most ${LEASE_DATA_MAX} characters`);
}

/** Throws INVALID_ARGUMENT for a prefix that could not start a lease name. */
export function checkLeasePrefix(prefix: string): void {
  if (typeof prefix !== 'string' || (prefix !== '' && !LEASE_NAME_PATTERN.test(prefix)))
    throw invalid(`lease prefix '${String(prefix).slice(0, 80)}' must match ${LEASE_NAME_PATTERN.source}`);
}
