/**
 * What every NLB occupies, indexed so that choosing a VIP costs the same with 10 NLBs as with 10,000:
 * a clash is one lookup, and the lowest free address is searched from a cursor below which every
 * address is known to be taken (a freed address moves the cursor back to it).
 */
import type { VipPool } from './vip-pool.js';

/** What one existing NLB occupies. */
export interface VipUse {
  name: string;
  vip: string;
  protocol: 'TCP' | 'UDP';
  port: number;
}

const listenerKey = (vip: string, protocol: string, port: number) => `${vip} ${protocol} ${port}`;
const familyOf = (vip: string): 4 | 6 => (vip.includes(':') ? 6 : 4);

/** The uses of every NLB (see the module comment). Mutable: the driver keeps one up to date. */
export class VipUseIndex {
  readonly #pool: VipPool;
  readonly #byName = new Map<string, VipUse>();
  /** Listener -> the NLBs on it (one, unless a store was edited by hand). */
  readonly #byListener = new Map<string, Set<string>>();
  /** How many NLBs use each VIP. */
  readonly #vipCount = new Map<string, number>();
  /** Per family: every address of a lower rank is taken. */
  readonly #cursor = new Map<4 | 6, bigint>();

  constructor(pool: VipPool, uses: Iterable<VipUse> = []) {
    this.#pool = pool;
    for (const use of uses) this.set(use);
  }

  /** Records (or replaces) the use of NLB `use.name`. */
  set(use: VipUse): void {
    this.remove(use.name);
    this.#byName.set(use.name, { ...use });
    const key = listenerKey(use.vip, use.protocol, use.port);
    const holders = this.#byListener.get(key) ?? new Set<string>();
    holders.add(use.name);
    this.#byListener.set(key, holders);
    this.#vipCount.set(use.vip, (this.#vipCount.get(use.vip) ?? 0) + 1);
  }

  /** Forgets NLB `name`'s use; a VIP nobody uses any more is free again. */
  remove(name: string): void {
    const old = this.#byName.get(name);
    if (!old) return;
    this.#byName.delete(name);
    const key = listenerKey(old.vip, old.protocol, old.port);
    const holders = this.#byListener.get(key);
    holders?.delete(name);
    if (holders?.size === 0) this.#byListener.delete(key);
    const left = (this.#vipCount.get(old.vip) ?? 1) - 1;
    if (left > 0) {
      this.#vipCount.set(old.vip, left);
      return;
    }
    this.#vipCount.delete(old.vip);
    const rank = this.#pool.rank(old.vip);
    const family = familyOf(old.vip);
    const cursor = this.#cursor.get(family);
    if (rank !== undefined && cursor !== undefined && rank < cursor) this.#cursor.set(family, rank);
  }

  /** The NLB other than `except` listening on `vip`, `protocol`, `port`, if any. */
  holder(vip: string, protocol: string, port: number, except: string): string | undefined {
    for (const name of this.#byListener.get(listenerKey(vip, protocol, port)) ?? [])
      if (name !== except) return name;
    return undefined;
  }

  /** The lowest address of `family` that no NLB but `except` uses; undefined when none is free. */
  lowestFree(family: 4 | 6, except: string): string | undefined {
    const own = this.#byName.get(except)?.vip;
    const takenByOthers = (ip: string) => {
      const n = this.#vipCount.get(ip) ?? 0;
      return n - (ip === own ? 1 : 0) > 0;
    };
    // Addresses below the cursor are all taken, except perhaps the one `except` uses alone.
    const found = this.#pool.firstFree(
      family,
      (ip) => (this.#vipCount.get(ip) ?? 0) > 0,
      this.#cursor.get(family),
    );
    if (found) this.#cursor.set(family, found.rank);
    if (own !== undefined && familyOf(own) === family && !takenByOthers(own)) {
      const ownRank = this.#pool.rank(own);
      if (ownRank !== undefined && (!found || ownRank < found.rank)) return own;
    }
    return found?.ip;
  }
}
