/**
 * The order in which backends take turns during one round of the Maglev fill, for integer weights.
 *
 * Plain Maglev gives each backend one turn per round. With weights, a backend of weight w takes w turns
 * per round, so after every complete round each backend owns exactly w slots more. Only the last,
 * partial round (the table fills up mid-round) can bias the shares, so the turns are interleaved in
 * proportion to the weights (Webster/Sainte-Laguë order: backend i's j-th turn comes at time
 * (j + 1/2) / w_i). Any prefix of the round then serves backends roughly in proportion to their weights.
 */

/** Most backends a schedule can hold (the backend index is packed into 20 bits below). */
export const MAX_BACKENDS = 1 << 20;

const INDEX_BITS = 2 ** 20;
/** Scale for turn times: distinct times (2j+1)/(2w), w <= 100, differ by >= 1/40000, i.e. >= 3 after scaling. */
const TIME_SCALE = 2 ** 17;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/**
 * Builds one round's turn order.
 *
 * Weights are first divided by their greatest common divisor, so the table depends only on the weight
 * ratios ({2, 4} behaves as {1, 2}) and equal weights give exactly plain Maglev's order 0, 1, ..., N-1.
 *
 * @param weights - positive integers (at most 100 each), indexed like the sorted backends.
 * @returns backend indices, Σ(w_i / g) long; ties in turn time go to the lower index.
 */
export function buildTurnSchedule(weights: readonly number[]): Int32Array {
  const n = weights.length;
  if (n > MAX_BACKENDS) throw new RangeError(`at most ${MAX_BACKENDS} backends, got ${n}`);
  let g = 0;
  for (const w of weights) {
    // The key packing below relies on these bounds.
    if (!Number.isInteger(w) || w < 1 || w > 100)
      throw new RangeError(`weights must be integers 1-100, got ${w}`);
    g = gcd(w, g);
  }
  let total = 0;
  for (const w of weights) total += w / g;

  const schedule = new Int32Array(total);
  if (total === n) {
    // All (reduced) weights are 1: one turn each, in index order — the paper's algorithm unchanged.
    for (let i = 0; i < n; i++) schedule[i] = i;
    return schedule;
  }

  // Each turn becomes one exact integer key: scaled turn time in the high bits, backend index in the
  // low 20 bits. A plain numeric sort of a Float64Array then orders by time, ties by index, with no
  // comparator calls and no per-turn objects. Keys stay below 2^37, far inside the exact-integer range.
  const keys = new Float64Array(total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]! / g;
    for (let j = 0; j < w; j++) {
      // floor((2j+1)/(2w) · 2^17), computed from exact integers, so equal times give equal keys.
      const time = Math.floor(((2 * j + 1) * (TIME_SCALE / 2)) / w);
      keys[k++] = time * INDEX_BITS + i;
    }
  }
  keys.sort();
  for (let t = 0; t < total; t++) schedule[t] = keys[t]! % INDEX_BITS;
  return schedule;
}
