/**
 * Where a starting agent's health checks begin (issue 21): at the verdicts the cluster last measured,
 * not at UNKNOWN. A node that returns after a death would otherwise render backends the other nodes
 * have judged down (UNKNOWN still takes traffic) until its own checks reach `fall`: its Maglev table
 * would differ from theirs, and dsr/tunnel flows that ECMP moves to it would meet another backend.
 * Seeded, every node renders the same backends from its first sync; its own checks take over after.
 */
import type { VMHealthState } from '../../interfaces/types.js';
import type { NodeReport } from '../store/types.js';
import { healthKey } from './desired-state.js';

/** Verdicts measured longer ago than this are not used (default 5 minutes). */
export const HEALTH_SEED_MAX_AGE_MS = 5 * 60_000;

/**
 * The freshest measured verdict (HEALTHY or UNHEALTHY, with `lastCheck` no older than `maxAgeMs`)
 * for each backend, over every node's report, this node's own last one included. A verdict without
 * `lastCheck` is itself a seed, never measured, and is not passed on.
 */
export function healthSeed(
  reports: readonly NodeReport[],
  now: number = Date.now(),
  maxAgeMs: number = HEALTH_SEED_MAX_AGE_MS,
): Map<string, VMHealthState> {
  const best = new Map<string, { state: VMHealthState; at: number }>();
  for (const r of reports)
    for (const [nlb, vms] of Object.entries(r.health))
      for (const [vm, h] of Object.entries(vms)) {
        const at = h.lastCheck === undefined ? Number.NaN : Date.parse(h.lastCheck);
        if (h.state === 'UNKNOWN' || !(at >= now - maxAgeMs)) continue;
        const key = healthKey(nlb, vm);
        if (at > (best.get(key)?.at ?? Number.NEGATIVE_INFINITY)) best.set(key, { state: h.state, at });
      }
  return new Map([...best].map(([k, v]) => [k, v.state]));
}
