import type { Clock, TimerHandle } from '../../src/native/health/clock.js';
import { MinHeap } from '../../src/native/health/min-heap.js';

interface FakeTimer {
  seq: number;
  at: number;
  fn: () => void;
}

/** A manual clock for tests: time moves only when {@link FakeClock.advance} is called. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in time order and letting promises settle between them. */
  advance(ms: number): Promise<void>;
  /** Moves time forward without firing timers, as a blocked event loop would; they fire late on the next advance. */
  jump(ms: number): void;
  /** Timers not yet fired. */
  pending(): number;
}

/**
 * Creates a {@link FakeClock} starting at `start` ms since the epoch.
 *
 * @example
 * const clock = createFakeClock(0);
 * clock.setTimeout(() => console.log('fired'), 10);
 * await clock.advance(10); // prints "fired"
 */
export function createFakeClock(start = 0): FakeClock {
  let now = start;
  let nextId = 1;
  // A heap keeps 10,000-target tests fast; cancelled timers are dropped lazily when they surface.
  const heap = new MinHeap<FakeTimer>();
  const live = new Set<number>();
  // Let promise chains (checks resolving, schedulers re-arming) run before the next timer fires.
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const seq = nextId++;
      heap.push({ seq, at: now + Math.max(0, ms), fn });
      live.add(seq);
      return seq;
    },
    clearTimeout(handle: TimerHandle) {
      live.delete(handle as number);
    },
    pending: () => live.size,
    jump(ms: number) {
      now += ms;
    },
    async advance(ms: number) {
      const end = now + ms;
      await settle();
      for (;;) {
        let next = heap.peek();
        while (next && !live.has(next.seq)) {
          heap.pop();
          next = heap.peek();
        }
        if (!next || next.at > end) break;
        heap.pop();
        live.delete(next.seq);
        now = Math.max(now, next.at); // an overdue timer fires at the current time, late
        next.fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}
