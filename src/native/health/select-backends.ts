/**
 * Which backends get new flows, given their health. The agent renders what this returns.
 *
 * A backend is usable when HEALTHY or UNKNOWN (not judged yet: an agent restart must not drop traffic).
 * When none is usable:
 * - `fail-open` (default): send to all of them, as AWS NLB (all targets unhealthy -> route to all) and
 *   Envoy's panic mode do. A health check that fails everywhere at once is more often the checker's or
 *   the network's fault than every backend's, and "maybe served" beats "surely dropped".
 * - `reject`: send to none, so new flows are refused (an empty map): for users who prefer a fast,
 *   visible failure over traffic to backends that may really be down.
 */
import type { VMHealthState } from '../../interfaces/types.js';

/** What to do when every backend is unhealthy. */
export type AllDownMode = 'fail-open' | 'reject';

/** The backends to render, and whether the all-down rule decided it. */
export interface BackendSelection<K> {
  selected: K[];
  /** True when no backend was usable (then `selected` is all of them in fail-open, none in reject). */
  allDown: boolean;
}

/**
 * Picks the backends that should receive new flows. Input order is kept.
 *
 * @example
 * selectBackends([['a', 'UNHEALTHY'], ['b', 'HEALTHY']]); // { selected: ['b'], allDown: false }
 * selectBackends([['a', 'UNHEALTHY']], 'reject'); // { selected: [], allDown: true }
 */
export function selectBackends<K>(
  states: Iterable<readonly [K, VMHealthState]>,
  mode: AllDownMode = 'fail-open',
): BackendSelection<K> {
  const all: K[] = [];
  const usable: K[] = [];
  for (const [key, state] of states) {
    all.push(key);
    if (state !== 'UNHEALTHY') usable.push(key);
  }
  if (usable.length > 0 || all.length === 0) return { selected: usable, allDown: false };
  return { selected: mode === 'fail-open' ? all : [], allDown: true };
}
