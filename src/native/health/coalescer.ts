/**
 * Batches state changes into few notifications so the agent applies one nft transaction for many
 * targets. Checks are spread over the interval by jitter, so "100 targets went down at once" is seen
 * as 100 failures spread over up to one interval: a plain fixed window would split them. Instead a
 * batch closes after `quietMs` without a new change, or `maxDelayMs` after its first change, whichever
 * comes first (a trailing debounce with a cap, so a steady trickle of changes is still delivered).
 */
import type { VMHealthState } from '../../interfaces/types.js';
import type { Clock, TimerHandle } from './clock.js';

/** One target's state change. */
export interface HealthChange {
  key: string;
  from: VMHealthState;
  to: VMHealthState;
  /** When the deciding check finished. */
  at: Date;
  /** The deciding check's reason (failures: the error). */
  reason?: string;
}

/** Collects changes and hands them over in batches. */
export class ChangeCoalescer {
  readonly #pending = new Map<string, HealthChange>();
  #firstAt = 0;
  #timer: TimerHandle | undefined;

  constructor(
    readonly clock: Clock,
    readonly quietMs: number,
    readonly maxDelayMs: number,
    readonly deliver: (changes: HealthChange[]) => void,
  ) {}

  /** Adds a change; a key changing twice in one batch keeps its first `from` and last `to`. */
  add(change: HealthChange): void {
    const now = this.clock.now();
    if (this.#pending.size === 0) this.#firstAt = now;
    const prev = this.#pending.get(change.key);
    this.#pending.set(change.key, prev ? { ...change, from: prev.from } : change);
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    const due = Math.min(now + this.quietMs, this.#firstAt + this.maxDelayMs);
    this.#timer = this.clock.setTimeout(() => this.flush(), due - now);
  }

  /** Forgets a key's pending change (the key is no longer checked). */
  drop(key: string): void {
    this.#pending.delete(key);
  }

  /** Delivers the pending batch now; changes that went back to where they started are left out. */
  flush(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#pending.values()].filter((c) => c.from !== c.to);
    this.#pending.clear();
    if (batch.length) this.deliver(batch);
  }

  /** Drops the pending batch and its timer. */
  cancel(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }
}
