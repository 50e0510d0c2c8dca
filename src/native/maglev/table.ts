/**
 * Maglev lookup-table population (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, section 3.4), with integer weights.
 *
 * Every backend has a preference list, a permutation of the M slots: slot(j) = (offset + j·skip) mod M,
 * with offset = h1(id) mod M and skip = h2(id) mod (M-1) + 1. M is prime, so any skip visits every slot.
 * Backends take turns (see {@link buildTurnSchedule}); on its turn a backend claims the next slot of its
 * list that is still free. The fill stops when all M slots are owned.
 */
import { fmix32, murmur3 } from './hash.js';
import { isPrime } from './primes.js';
import { buildTurnSchedule } from './turn-schedule.js';

/** One backend as Maglev sees it. */
export interface MaglevBackend {
  /** Stable, unique key (the VM's nameId). Sorting and hashing use only this. */
  id: string;
  /** Integer 1-100, default 1. A backend of weight 2 owns about twice the slots of one of weight 1. */
  weight?: number;
}

/** Options of {@link buildMaglevTable}. */
export interface MaglevOptions {
  /** Unsigned 32-bit integer, default 0. All LB nodes of a service must use the same seed. */
  seed?: number;
}

/** A populated Maglev lookup table. Treat it as immutable. */
export interface MaglevTable {
  /** M, the number of slots (prime). */
  size: number;
  /** The backend ids, sorted by UTF-16 code unit order (locale-independent). */
  backendIds: string[];
  /** slot -> index into {@link MaglevTable.backendIds}; -1 everywhere when there are no backends. */
  slots: Int32Array;
}

/** Largest table size {@link buildMaglevTable} accepts (memory guard; nft maps this big are impractical). */
export const MAX_MAGLEV_TABLE_SIZE = 2 ** 24;

// Distinct, fixed seeds for the two hash functions h1 (offset) and h2 (skip). They are derived from the
// caller's seed so that changing it reshuffles both, and mixed so nearby seeds give unrelated hashes.
const OFFSET_SALT = 0x6f666673; // "offs"
const SKIP_SALT = 0x736b6970; // "skip"

function byId(a: MaglevBackend, b: MaglevBackend): number {
  // Code-unit comparison, never localeCompare: the order must not depend on a node's locale or ICU data.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function validate(backends: readonly MaglevBackend[], size: number, seed: number): void {
  if (!Number.isSafeInteger(size) || size > MAX_MAGLEV_TABLE_SIZE || !isPrime(size)) {
    throw new RangeError(`table size must be a prime <= ${MAX_MAGLEV_TABLE_SIZE}, got ${size}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an unsigned 32-bit integer, got ${seed}`);
  }
  if (backends.length > size) {
    throw new RangeError(`table size ${size} is smaller than the backend count ${backends.length}`);
  }
  for (const b of backends) {
    const w = b.weight ?? 1;
    if (!Number.isInteger(w) || w < 1 || w > 100) {
      throw new RangeError(`backend ${JSON.stringify(b.id)}: weight must be an integer 1-100, got ${w}`);
    }
  }
}

/**
 * Builds the Maglev lookup table for a backend set.
 *
 * Deterministic: the result depends only on the set of (id, weight) pairs, `size` and `seed` — not on
 * the order of `backends`, the host, or the runtime — so every LB node builds a bit-identical table.
 *
 * Balance: each complete round gives backend i exactly w_i slots (weights reduced by their gcd), so
 * |slots_i − M·w_i/W| < w_i. Unweighted: every backend owns ⌊M/N⌋ or ⌈M/N⌉ slots.
 *
 * @param backends - unique ids; weights integer 1-100 (default 1). May be empty.
 * @param size - M, a prime in [max(2, backends.length), {@link MAX_MAGLEV_TABLE_SIZE}].
 * @param opts - `seed` (default 0).
 * @returns the table; with no backends every slot is -1 (callers drop or reject such flows).
 * @throws RangeError on a non-prime or out-of-range size, a bad seed or weight, or a duplicate id.
 */
export function buildMaglevTable(
  backends: readonly MaglevBackend[],
  size: number,
  opts: MaglevOptions = {},
): MaglevTable {
  const seed = opts.seed ?? 0;
  validate(backends, size, seed);
  const sorted = [...backends].sort(byId);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) {
      throw new RangeError(`duplicate backend id ${JSON.stringify(sorted[i]!.id)}`);
    }
  }
  const n = sorted.length;
  const slots = new Int32Array(size).fill(-1);
  const backendIds = sorted.map((b) => b.id);
  if (n === 0) return { size, backendIds, slots };

  // Per backend: `pos` is the next slot of its preference list (starts at offset), `skip` the stride.
  // Walking the list incrementally avoids a modulo of a large product per step.
  const pos = new Int32Array(n);
  const skip = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = backendPermutation(backendIds[i]!, size, seed);
    pos[i] = p.offset;
    skip[i] = p.skip;
  }

  fill(slots, pos, skip, buildTurnSchedule(sorted.map((b) => b.weight ?? 1)));
  return { size, backendIds, slots };
}

/**
 * A backend's preference list parameters: its j-th preferred slot is (offset + j·skip) mod size.
 * offset = h1(id) mod size, skip = h2(id) mod (size − 1) + 1, with h1, h2 MurmurHash3 of the id's
 * UTF-8 bytes under two fixed seeds derived from `seed`.
 *
 * @param id - the backend id.
 * @param size - the table size (prime, not re-validated here).
 * @param seed - unsigned 32-bit seed, as in {@link MaglevOptions}.
 */
export function backendPermutation(id: string, size: number, seed = 0): { offset: number; skip: number } {
  return {
    offset: murmur3(id, fmix32(seed ^ OFFSET_SALT)) % size,
    skip: (murmur3(id, fmix32(seed ^ SKIP_SALT)) % (size - 1)) + 1,
  };
}

/** The paper's population loop, over the turn schedule instead of a plain 0..N-1 sweep. */
function fill(slots: Int32Array, pos: Int32Array, skip: Int32Array, schedule: Int32Array): void {
  const size = slots.length;
  const turns = schedule.length;
  // Probing reads one byte per slot instead of four: at M = 655,373 the occupancy map stays cache-sized.
  const taken = new Uint8Array(size);
  let filled = 0;
  for (;;) {
    for (let t = 0; t < turns; t++) {
      const i = schedule[t]!;
      const step = skip[i]!;
      let c = pos[i]!;
      // Skip slots already owned; terminates because the list is a permutation and a slot is free.
      while (taken[c] === 1) {
        c += step;
        if (c >= size) c -= size;
      }
      taken[c] = 1;
      slots[c] = i;
      c += step;
      pos[i] = c >= size ? c - size : c;
      if (++filled === size) return;
    }
  }
}

/**
 * The backend for a flow hash, as the data plane computes it: `backendIds[slots[hash mod M]]`
 * (nft: `jhash <fields> mod M seed S map { ... }`).
 *
 * @param table - a table from {@link buildMaglevTable}.
 * @param hash - the flow's hash, a non-negative safe integer (e.g. an unsigned 32-bit jhash).
 * @returns the backend id, or null when the table has no backends.
 * @throws RangeError when `hash` is negative or not a safe integer.
 */
export function maglevLookup(table: MaglevTable, hash: number): string | null {
  if (!Number.isSafeInteger(hash) || hash < 0) {
    throw new RangeError(`hash must be a non-negative safe integer, got ${hash}`);
  }
  const index = table.slots[hash % table.size]!;
  return index < 0 ? null : table.backendIds[index]!;
}
