/** Leases held in this process's memory, for one process (tests, single-host embedding). */
import { checkLeaseArgs, checkLeasePrefix, type Lease, type LeaseStore } from './lease-types.js';

interface Held {
  holder: string;
  expiresAt: number;
  data?: string;
}

/**
 * Creates an in-memory {@link LeaseStore}. `now` is the store's clock (monotonic ms; default
 * `performance.now()`), injectable so tests can let leases expire without waiting.
 *
 * @example
 * const leases = createMemoryLeases();
 * await leases.acquireLease('vip/10.0.0.1', 'lb1', 3000);
 */
export function createMemoryLeases(now: () => number = () => performance.now()): LeaseStore {
  const leases = new Map<string, Held>();
  const view = (name: string, h: Held, t: number): Lease => ({
    name,
    holder: h.holder,
    remainingMs: Math.max(0, Math.round(h.expiresAt - t)),
    ...(h.data !== undefined ? { data: h.data } : {}),
  });
  return {
    acquireLease: async (name, holder, ttlMs, data) => {
      checkLeaseArgs(name, holder, ttlMs, data);
      const t = now();
      const cur = leases.get(name);
      if (cur && cur.expiresAt > t && cur.holder !== holder)
        return { acquired: false, lease: view(name, cur, t) };
      const held: Held = { holder, expiresAt: t + ttlMs, ...(data !== undefined ? { data } : {}) };
      leases.set(name, held);
      return { acquired: true, lease: view(name, held, t) };
    },
    releaseLease: async (name, holder) => {
      checkLeaseArgs(name, holder);
      const cur = leases.get(name);
      if (!cur || cur.holder !== holder || cur.expiresAt <= now()) return false;
      leases.delete(name);
      return true;
    },
    listLeases: async (prefix) => {
      checkLeasePrefix(prefix);
      const t = now();
      return [...leases.entries()]
        .filter(([name, h]) => name.startsWith(prefix) && h.expiresAt > t)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, h]) => view(name, h, t));
    },
  };
}
