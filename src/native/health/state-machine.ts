/**
 * The per-target health state machine: pure functions, no timers.
 *
 * - HEALTHY -> UNHEALTHY after `fall` consecutive failures; UNHEALTHY -> HEALTHY after `rise`
 *   consecutive successes. Any opposite result resets the streak, so a target flapping faster than its
 *   thresholds never changes state, and no state lasts less than one threshold's worth of checks.
 * - UNKNOWN (the default initial state) leaves by the same rule: `rise` successes to HEALTHY, `fall`
 *   failures to UNHEALTHY. UNKNOWN is usable for traffic (see select-backends), so an agent restart does
 *   not empty every backend set while the first verdicts come in; a new backend that must not get
 *   traffic before it is proven starts with `initial: 'UNHEALTHY'` instead.
 */
import type { VMHealthState } from '../../interfaces/types.js';
import type { TargetHealth } from './types.js';

/** Consecutive results needed to change state. Both at least 1. */
export interface Thresholds {
  rise: number;
  fall: number;
}

/** One check's outcome. */
export interface CheckOutcome {
  ok: boolean;
  /** Why it failed (or what it saw), kept as the target's reason. */
  reason?: string;
}

/** The health of a target no check has judged yet. */
export function initialHealth(initial: VMHealthState = 'UNKNOWN'): TargetHealth {
  return {
    state: initial,
    reason: initial === 'UNKNOWN' ? 'not checked yet' : `initial state ${initial.toLowerCase()}`,
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
  };
}

/**
 * Folds one check result into a target's health; returns the new health (a new object) and whether the
 * state changed.
 *
 * @example
 * let h = initialHealth();
 * ({ health: h } = applyOutcome(h, { ok: true }, { rise: 2, fall: 3 }, new Date()));
 */
export function applyOutcome(
  health: TargetHealth,
  outcome: CheckOutcome,
  thresholds: Thresholds,
  at: Date,
): { health: TargetHealth; changed: boolean } {
  const consecutiveSuccesses = outcome.ok ? health.consecutiveSuccesses + 1 : 0;
  const consecutiveFailures = outcome.ok ? 0 : health.consecutiveFailures + 1;
  let state = health.state;
  if (outcome.ok && state !== 'HEALTHY' && consecutiveSuccesses >= Math.max(1, thresholds.rise)) {
    state = 'HEALTHY';
  } else if (!outcome.ok && state !== 'UNHEALTHY' && consecutiveFailures >= Math.max(1, thresholds.fall)) {
    state = 'UNHEALTHY';
  }
  const changed = state !== health.state;
  const next: TargetHealth = {
    state,
    consecutiveSuccesses,
    consecutiveFailures,
    lastCheck: at,
  };
  // Keep the failure that put a target down visible while it recovers; a healthy target needs none;
  // an unknown one says how far it is from its first verdict.
  let reason: string | undefined;
  if (!outcome.ok) reason = outcome.reason;
  else if (state === 'UNHEALTHY') reason = health.reason;
  else if (state === 'UNKNOWN') reason = `${consecutiveSuccesses} of ${thresholds.rise} checks passed`;
  if (reason !== undefined) next.reason = reason;
  const lastChange = changed ? at : health.lastChange;
  if (lastChange !== undefined) next.lastChange = lastChange;
  return { health: next, changed };
}
