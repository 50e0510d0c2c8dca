/**
 * Deterministic spreading of checks over their interval. Each key gets a fixed phase on the epoch
 * clock, so a restarted agent checks every target at the same offsets as before (no re-alignment, no
 * thundering herd after a restart), and 10,000 targets are spread evenly rather than firing together.
 */

/** FNV-1a, 32 bits: tiny, fast and well spread for short keys; not for security. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so keys differing only in their last character still land far apart.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key's phase in [0, intervalMs): its checks run at times t with t mod intervalMs = phase. */
export function phaseOf(key: string, intervalMs: number, seed = ''): number {
  return Math.floor((fnv1a32(`${seed}\u0000${key}`) / 2 ** 32) * intervalMs);
}

/** The first time at or after `now` on the key's grid (phase + k * intervalMs). */
export function firstRunAt(key: string, intervalMs: number, now: number, seed = ''): number {
  const phase = phaseOf(key, intervalMs, seed);
  const k = Math.ceil((now - phase) / intervalMs);
  return phase + k * intervalMs;
}
