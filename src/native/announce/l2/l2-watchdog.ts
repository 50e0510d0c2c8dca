/**
 * The layer-2 watchdog's core: the one place that puts a held VIP's address on the interface and takes
 * it off again. Each hold carries a deadline on the host's monotonic clock; the address goes at that
 * deadline unless a later hold extends it, and every address goes when closeAll() is called (the
 * program calls it when the agent's pipe closes: the agent died). Because the address commands run
 * here and one at a time per VIP, a refresh the agent asked for just before it died can never land
 * after the removal that follows its death.
 */
import { NLBError } from '../../../interfaces/errors.js';
import type { Executor } from '../../executor/types.js';
import { KeyedQueue } from './keyed-queue.js';
import { dropArgv, holdArgv } from './l2-commands.js';

/** Milliseconds on the host's monotonic clock (CLOCK_MONOTONIC): the same in every process on the host. */
export const hostMonotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * A hold is refused unless its deadline is at least this far (ms) ahead: time to place the address and
 * still take it off by the deadline (an `ip` command takes 5-45 ms on a loaded 2-core host).
 */
export const WATCHDOG_MIN_LEAD_MS = 50;

/** What `ip addr del` says when the address is not there (absent already is fine). */
export const ABSENT_ADDRESS = /cannot assign|not found|no such/i;

/** Timers of the watchdog; the real ones run on {@link hostMonotonicMs}. */
export interface WatchdogTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const hostTimers: WatchdogTimers = {
  now: hostMonotonicMs,
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const failure = (message: string) =>
  new NLBError({ code: 'PROVIDER_ERROR', driver: 'native', operation: 'announce', message });

/** Holds VIP addresses on one interface until their deadlines. */
export class L2Watchdog {
  readonly #executor: Executor;
  readonly #iface: string;
  readonly #lifetimeS: number;
  readonly #timers: WatchdogTimers;
  readonly #onExpired: (vip: string, error?: string) => void;
  readonly #queue = new KeyedQueue();
  /** VIP -> its deadline timer: every VIP whose address may be on the interface. */
  readonly #held = new Map<string, unknown>();
  #closed = false;

  constructor(
    executor: Executor,
    iface: string,
    lifetimeS: number,
    onExpired: (vip: string, error?: string) => void,
    timers: WatchdogTimers = hostTimers,
  ) {
    this.#executor = executor;
    this.#iface = iface;
    this.#lifetimeS = lifetimeS;
    this.#onExpired = onExpired;
    this.#timers = timers;
  }

  /**
   * Places (or refreshes) the VIP's address and removes it at `deadline` (host monotonic ms) unless
   * a later hold moves the deadline.
   *
   * @throws NLBError INVALID_ARGUMENT for a bad VIP; PROVIDER_ERROR when the deadline is too near or
   *   has passed, when closed, or when `ip` fails (nothing is placed then).
   */
  async hold(vip: string, deadline: number): Promise<void> {
    const argv = holdArgv(vip, this.#iface, this.#lifetimeS);
    dropArgv(vip, this.#iface);
    if (this.#closed) throw failure('the watchdog is closing');
    if (!Number.isFinite(deadline) || deadline - this.#timers.now() < WATCHDOG_MIN_LEAD_MS)
      throw failure(`deadline for ${vip} is too near or past: not placing it`);
    const old = this.#held.get(vip);
    if (old !== undefined) this.#timers.clearTimeout(old);
    this.#held.set(
      vip,
      this.#timers.setTimeout(() => {
        this.#held.delete(vip);
        void this.#remove(vip).then(
          () => this.#onExpired(vip),
          (e: Error) => this.#onExpired(vip, e.message),
        );
      }, deadline - this.#timers.now()),
    );
    await this.#queue.run(vip, async () => {
      // Queued behind a removal that took long: the deadline may have gone by meanwhile.
      if (this.#timers.now() >= deadline || !this.#held.has(vip))
        throw failure(`deadline for ${vip} passed before it could be placed`);
      const r = await this.#executor.run(argv, { timeoutMs: 5000 });
      if (r.code !== 0)
        throw failure(`cannot hold ${vip} on ${this.#iface}: ${r.stderr.trim().slice(0, 300)}`);
    });
  }

  /** Removes the VIP's address now (absent already is fine) and forgets its deadline. */
  async drop(vip: string): Promise<void> {
    dropArgv(vip, this.#iface);
    const timer = this.#held.get(vip);
    if (timer !== undefined) this.#timers.clearTimeout(timer);
    this.#held.delete(vip);
    await this.#remove(vip);
  }

  /**
   * Removes every address it holds, after any change still running; refuses holds from then on.
   * Rejects with the first removal that failed (after trying them all).
   */
  async closeAll(): Promise<void> {
    this.#closed = true;
    const vips = [...this.#held.keys()];
    for (const timer of this.#held.values()) this.#timers.clearTimeout(timer);
    this.#held.clear();
    const removed = await Promise.allSettled(vips.map((vip) => this.#remove(vip)));
    await this.#queue.settle();
    const failed = removed.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  #remove(vip: string): Promise<void> {
    const argv = dropArgv(vip, this.#iface);
    return this.#queue.run(vip, async () => {
      const r = await this.#executor.run(argv, { timeoutMs: 5000 });
      if (r.code !== 0 && !ABSENT_ADDRESS.test(r.stderr))
        throw failure(`cannot remove ${vip} from ${this.#iface}: ${r.stderr.trim().slice(0, 300)}`);
    });
  }
}
