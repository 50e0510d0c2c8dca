/**
 * A small, fast, non-cryptographic 32-bit hash (MurmurHash3, x86 32-bit variant) used to derive each
 * backend's Maglev offset and skip. It is fixed here, not taken from the platform, so that every LB
 * node computes the same permutation for the same backend id: the table must be bit-identical everywhere.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const encoder = new TextEncoder();

/** MurmurHash3's finaliser: forces every input bit to affect every output bit. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes one 32-bit block the way MurmurHash3 does before folding it into the state. */
function mixBlock(block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/**
 * MurmurHash3 (x86, 32-bit) of a byte string.
 *
 * @param bytes - the input.
 * @param seed - any 32-bit unsigned integer; different seeds give independent-looking hashes.
 * @returns an unsigned 32-bit integer.
 */
export function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  let h = seed | 0;
  const len = bytes.length;
  const tail = len & ~3;
  for (let i = 0; i < tail; i += 4) {
    const block = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= mixBlock(block);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  // The 1-3 trailing bytes, little-endian, like the reference implementation's fall-through switch.
  const rest = len & 3;
  if (rest > 0) {
    let block = bytes[tail]!;
    if (rest > 1) block |= bytes[tail + 1]! << 8;
    if (rest > 2) block |= bytes[tail + 2]! << 16;
    h ^= mixBlock(block);
  }
  // The length is folded in as a 32-bit value, as in the reference implementation.
  return fmix32(h ^ len);
}

/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-8 bytes, so the result does not depend on how the
 * runtime stores strings.
 *
 * @param text - the input string.
 * @param seed - any 32-bit unsigned integer.
 * @returns an unsigned 32-bit integer.
 */
export function murmur3(text: string, seed: number): number {
  return murmur3Bytes(encoder.encode(text), seed);
}
