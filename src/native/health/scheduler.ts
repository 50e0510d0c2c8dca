/**
 * The check scheduler: one sorted schedule (a min-heap) and one timer for all targets, rather than one
 * setInterval per target drifting on its own.
 *
 * - No drift: a key's runs sit on a fixed grid, phase + k * interval. The next run is the previous
 *   *scheduled* time + interval, whatever the check's duration or the timer's lateness.
 * - Jitter: the phase is a hash of (seed, key) (see jitter.ts), so first checks are spread over the
 *   interval and stay at the same offsets across restarts.
 * - Bounded concurrency: due runs queue FIFO behind a semaphore of `concurrency` slots.
 * - Lateness = actual start - scheduled start (timer delay + queueing), reported with every run.
 * - Overload is shed, not accumulated: a key whose previous run is still queued or running skips its
 *   slot ('busy'), and slots already past by a whole interval when the timer fires are skipped
 *   ('behind'); both are counted.
 */
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import { firstRunAt } from './jitter.js';
import { MinHeap } from './min-heap.js';

/** One run handed to the scheduler's `run` function. */
export interface ScheduledRun {
  key: string;
  /** When the run was due (grid time), ms since the epoch. */
  scheduledAt: number;
  /** When it actually started (after any queueing). */
  startedAt: number;
  /** Fires when the key is removed or the scheduler closes (made on first use: most runs never ask). */
  readonly signal: AbortSignal;
}

/** Options of {@link CheckScheduler}. */
export interface SchedulerOptions {
  /** Runs one check; its promise settling frees the concurrency slot. Rejections are ignored. */
  run: (run: ScheduledRun) => Promise<void>;
  /** Most runs at once. */
  concurrency: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** Mixed into every key's phase, e.g. the node name, so LB nodes don't check a backend in lockstep. */
  seed?: string;
  /** Told about every skipped slot. */
  onSkip?: (key: string, reason: 'busy' | 'behind', slots: number) => void;
}

interface Entry {
  key: string;
  intervalMs: number;
  gen: number;
  busy: boolean;
  removed: boolean;
  /** Closed while a run was in flight: a signal made later is born aborted. */
  aborted?: boolean;
  controller?: AbortController;
}

/**
 * A run as handed to `run`. Its AbortController is made only when the run reads `signal` (an
 * AbortController per run costs about as much as a TCP check's own JavaScript), and aborted only if made.
 */
class Run implements ScheduledRun {
  controller: AbortController | undefined;

  constructor(
    readonly entry: Entry,
    readonly scheduledAt: number,
    readonly startedAt: number,
  ) {}

  get key(): string {
    return this.entry.key;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      const { entry } = this;
      if (entry.removed || entry.aborted)
        this.controller.abort(new Error(`${entry.key} is no longer checked`));
      else entry.controller = this.controller;
    }
    return this.controller.signal;
  }
}

interface Slot {
  at: number;
  key: string;
  gen: number;
}

interface Job {
  entry: Entry;
  scheduledAt: number;
}

/**
 * Runs keyed jobs on fixed per-key grids with bounded concurrency.
 *
 * @example
 * const s = new CheckScheduler({ concurrency: 64, run: async ({ key }) => check(key) });
 * s.schedule('web/vm1', 5000);
 */
export class CheckScheduler {
  readonly #opts: SchedulerOptions;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new MinHeap<Slot>();
  readonly #queue: Job[] = [];
  #queueHead = 0;
  readonly #running = new Set<Promise<void>>();
  #timer: TimerHandle | undefined;
  #armedAt: number | undefined;
  #gen = 0;
  #closed = false;

  constructor(opts: SchedulerOptions) {
    if (!(opts.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
  }

  /** Keys scheduled. */
  get size(): number {
    return this.#entries.size;
  }

  /** Runs started and not yet settled. */
  get running(): number {
    return this.#running.size;
  }

  /** Runs due and waiting for a slot. */
  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  /**
   * Adds a key, or changes its interval. A key already scheduled with the same interval keeps its
   * schedule untouched (the point of update() keeping unchanged targets).
   */
  schedule(key: string, intervalMs: number): void {
    if (this.#closed) throw new Error('the scheduler is closed');
    if (!(intervalMs > 0)) throw new RangeError(`interval of ${key} must be positive`);
    let entry = this.#entries.get(key);
    if (entry && entry.intervalMs === intervalMs) return;
    if (!entry) {
      entry = { key, intervalMs, gen: 0, busy: false, removed: false };
      this.#entries.set(key, entry);
    }
    entry.intervalMs = intervalMs;
    entry.gen = ++this.#gen; // older heap slots of this key become stale
    const at = firstRunAt(key, intervalMs, this.#clock.now(), this.#opts.seed);
    this.#heap.push({ at, key, gen: entry.gen });
    this.#arm();
  }

  /** Removes a key; a run in progress is aborted. */
  unschedule(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.removed = true;
    this.#entries.delete(key);
    entry.controller?.abort(new Error(`${key} is no longer checked`));
  }

  /** When the key runs next, or undefined when it is not scheduled. */
  nextRunAt(key: string): number | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    // The live slot is the only heap item with the entry's generation; scan is for tests/diagnostics.
    return this.#liveSlots().find((s) => s.key === key)?.at;
  }

  /** Stops the timer, drops queued runs, aborts running ones and waits for them to settle. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#heap.clear();
    for (const job of this.#queue.splice(0)) job.entry.busy = false;
    this.#queueHead = 0;
    for (const entry of this.#entries.values()) {
      entry.aborted = true;
      entry.controller?.abort(new Error('health monitor closed'));
    }
    await Promise.allSettled([...this.#running]);
  }

  #liveSlots(): Slot[] {
    const out: Slot[] = [];
    const copy = new MinHeap<Slot>();
    for (let s = this.#heap.pop(); s; s = this.#heap.pop()) {
      copy.push(s);
      if (this.#entries.get(s.key)?.gen === s.gen) out.push(s);
    }
    for (let s = copy.pop(); s; s = copy.pop()) this.#heap.push(s);
    return out;
  }

  #peekLive(): Slot | undefined {
    for (let top = this.#heap.peek(); top; top = this.#heap.peek()) {
      if (this.#entries.get(top.key)?.gen === top.gen) return top;
      this.#heap.pop(); // stale: removed key or changed interval
    }
    return undefined;
  }

  #arm(): void {
    if (this.#closed) return;
    const top = this.#peekLive();
    if (top === undefined || top.at === this.#armedAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#armedAt = top.at;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), top.at - this.#clock.now());
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = undefined;
    if (this.#closed) return;
    const now = this.#clock.now();
    for (let top = this.#peekLive(); top && top.at <= now; top = this.#peekLive()) {
      this.#heap.pop();
      const entry = this.#entries.get(top.key) as Entry;
      this.#dispatch(entry, top.at);
      // Stay on the grid; if a whole interval or more has already passed, skip those slots.
      let next = top.at + entry.intervalMs;
      if (next <= now) {
        const missed = Math.floor((now - top.at) / entry.intervalMs);
        next = top.at + (missed + 1) * entry.intervalMs;
        this.#opts.onSkip?.(entry.key, 'behind', missed);
      }
      this.#heap.push({ at: next, key: entry.key, gen: entry.gen });
    }
    this.#arm();
  }

  #dispatch(entry: Entry, scheduledAt: number): void {
    if (entry.busy) {
      this.#opts.onSkip?.(entry.key, 'busy', 1);
      return;
    }
    entry.busy = true;
    this.#queue.push({ entry, scheduledAt });
    this.#pump();
  }

  #pump(): void {
    while (this.#running.size < this.#opts.concurrency && this.#queueHead < this.#queue.length) {
      const job = this.#queue[this.#queueHead++] as Job;
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead); // compact without an O(n) shift per job
        this.#queueHead = 0;
      }
      if (job.entry.removed) continue;
      this.#start(job);
    }
  }

  #start({ entry, scheduledAt }: Job): void {
    const run = new Run(entry, scheduledAt, this.#clock.now());
    const settle = () => {
      this.#running.delete(p);
      entry.busy = false;
      if (run.controller && entry.controller === run.controller) entry.controller = undefined;
      if (!this.#closed) this.#pump();
    };
    let p: Promise<void>;
    try {
      p = this.#opts.run(run).then(settle, settle);
    } catch {
      p = Promise.resolve().then(settle);
    }
    this.#running.add(p);
  }
}
