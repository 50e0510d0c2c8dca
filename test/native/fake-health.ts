/** A HealthSource whose verdicts the test sets by hand. */

import type { VMHealthState } from '../../src/interfaces/types.js';
import type { HealthSource, HealthTarget, TargetHealth } from '../../src/native/health/types.js';

/** A fake health monitor: `set` changes a verdict and fires onChange, like a real threshold crossing. */
export class FakeHealth implements HealthSource {
  targets: HealthTarget[] = [];
  readonly #states = new Map<string, TargetHealth>();
  readonly #listeners = new Set<(keys: string[]) => void>();
  update(targets: readonly HealthTarget[]): void {
    this.targets = [...targets];
  }
  get(key: string): TargetHealth | undefined {
    return this.targets.some((t) => t.key === key) ? this.#states.get(key) : undefined;
  }
  set(key: string, state: VMHealthState, reason?: string): void {
    const at = new Date('2026-01-01T00:00:00Z');
    this.#states.set(key, {
      state,
      reason,
      lastChange: at,
      lastCheck: at,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
    });
    for (const l of this.#listeners) l([key]);
  }
  onChange(listener: (keys: string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
