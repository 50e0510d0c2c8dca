/**
 * Primality and table-size choice for Maglev. The table size M must be prime so that every skip in
 * [1, M-1] is coprime with M, which makes each backend's preference list a full permutation of the slots.
 */

/** Smallest table size {@link chooseTableSize} will return by default (IPVS `mh`'s smallest size). */
export const DEFAULT_MIN_TABLE_SIZE = 251;
/** Default cap of {@link chooseTableSize} (Katran's size; prime; 65,537 map elements). */
export const DEFAULT_MAX_TABLE_SIZE = 65537;
/** Largest cap {@link chooseTableSize} accepts (the paper's large table; prime). */
export const MAX_TABLE_SIZE = 655373;

/**
 * Whether `n` is prime. Deterministic trial division by 2, 3 and 6k±1 up to √n: O(√n), which is
 * microseconds for table sizes.
 *
 * @param n - any number; non-integers, values below 2 and non-safe integers are not prime.
 */
export function isPrime(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0 || n % 3 === 0) return false;
  for (let d = 5; d * d <= n; d += 6) {
    if (n % d === 0 || n % (d + 2) === 0) return false;
  }
  return true;
}

function nextPrimeAtLeast(n: number): number {
  let p = Math.max(2, n);
  while (!isPrime(p)) p++;
  return p;
}

function prevPrimeAtMost(n: number): number {
  let p = n;
  while (p >= 2 && !isPrime(p)) p--;
  return p;
}

/** Options of {@link chooseTableSize}. */
export interface TableSizeOptions {
  /** Floor on the result; default {@link DEFAULT_MIN_TABLE_SIZE}. */
  min?: number;
  /** Cap on the result, at most {@link MAX_TABLE_SIZE}; default {@link DEFAULT_MAX_TABLE_SIZE}. */
  max?: number;
}

/**
 * Chooses a prime Maglev table size for `n` backends: the smallest prime >= max(100·n, min), or, when
 * that exceeds `max`, the largest prime <= max.
 *
 * Why 100·n: with M >= 100·N every backend owns ⌊M/N⌋ or ⌈M/N⌉ slots, so one slot of difference is at
 * most 1% of a backend's share (the paper's recommendation). When capped (n > ~655 with the default cap),
 * the relative imbalance grows to up to N/M (e.g. 1.5% at N = 1,000, M = 65,537); raise `max` to keep
 * it under 1% at the price of a larger map for the kernel to hold and rewrite.
 *
 * @param n - number of backends (non-negative integer).
 * @param opts - bounds; both must be integers with 2 <= min <= max <= {@link MAX_TABLE_SIZE}.
 * @returns a prime in [min, max].
 * @throws RangeError on invalid `n` or bounds, or when no prime lies in [min, max].
 */
export function chooseTableSize(n: number, opts: TableSizeOptions = {}): number {
  const min = opts.min ?? DEFAULT_MIN_TABLE_SIZE;
  const max = opts.max ?? DEFAULT_MAX_TABLE_SIZE;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`backend count must be a non-negative integer, got ${n}`);
  if (
    !Number.isSafeInteger(min) ||
    !Number.isSafeInteger(max) ||
    min < 2 ||
    min > max ||
    max > MAX_TABLE_SIZE
  ) {
    throw new RangeError(`need integers 2 <= min <= max <= ${MAX_TABLE_SIZE}, got min=${min} max=${max}`);
  }
  const wanted = nextPrimeAtLeast(Math.max(100 * n, min));
  if (wanted <= max) return wanted;
  const capped = prevPrimeAtMost(max);
  if (capped < min) throw new RangeError(`no prime in [${min}, ${max}]`);
  return capped;
}
