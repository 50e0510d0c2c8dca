import type { Clock, TimerHandle } from './clock.js';

interface FakeTimer {
  id: number;
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
  const timers = new Map<number, FakeTimer>();
  // Let promise chains (checks resolving, schedulers re-arming) run before the next timer fires.
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const id = nextId++;
      timers.set(id, { id, at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle: TimerHandle) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    jump(ms: number) {
      now += ms;
    },
    async advance(ms: number) {
      const end = now + ms;
      await settle();
      for (;;) {
        let next: FakeTimer | undefined;
        for (const t of timers.values()) {
          if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
        }
        if (!next) break;
        timers.delete(next.id);
        now = Math.max(now, next.at); // an overdue timer fires at the current time, late
        next.fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}
