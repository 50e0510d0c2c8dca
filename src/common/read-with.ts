/**
 * Provider data read together with an NLBInfo, kept beside that very object. The guarded handler
 * hands the NLBInfo its `find` built to `health` moments later, under the NLB's lock, so health
 * polling can reuse what the read already fetched instead of asking the cloud a second time.
 */
import type { NLBInfo } from '../interfaces/types.js';

/** A side table keyed by NLBInfo objects (weakly: it never keeps one alive). */
export interface ReadWith<T> {
  /** Records `value` as read with `nlb`; returns `nlb`. */
  keep(nlb: NLBInfo, value: T): NLBInfo;
  /** What was read with `nlb`, or undefined when it was not built by that read. */
  of(nlb: NLBInfo): T | undefined;
}

/**
 * Creates a side table for one kind of provider data.
 *
 * @example
 * const lbRead = readWith<LoadBalancer>();
 * return lbRead.keep(toNLBInfo(lb), lb); // in the read
 * const lb = lbRead.of(current) ?? (await api.getLb(name)); // in health
 */
export function readWith<T>(): ReadWith<T> {
  const table = new WeakMap<NLBInfo, T>();
  return {
    keep(nlb, value) {
      table.set(nlb, value);
      return nlb;
    },
    of: (nlb) => table.get(nlb),
  };
}
