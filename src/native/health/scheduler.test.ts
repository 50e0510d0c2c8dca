import { describe, expect, it } from 'vitest';
import { createFakeClock, type FakeClock } from '../../../test/native/fake-clock.js';
import { phaseOf } from './jitter.js';
import { CheckScheduler, type ScheduledRun } from './scheduler.js';

/** A scheduler whose runs take `durationMs` of fake time; records every run and the peak concurrency. */
function setup(clock: FakeClock, opts: { concurrency: number; durationMs: number; seed?: string }) {
  const runs: ScheduledRun[] = [];
  const skips: Array<{ key: string; reason: string; slots: number }> = [];
  let running = 0;
  let peak = 0;
  const aborted: string[] = [];
  const s = new CheckScheduler({
    clock,
    concurrency: opts.concurrency,
    seed: opts.seed,
    onSkip: (key, reason, slots) => skips.push({ key, reason, slots }),
    run: (r) => {
      runs.push(r);
      running++;
      peak = Math.max(peak, running);
      return new Promise<void>((resolve) => {
        const t = clock.setTimeout(() => {
          running--;
          resolve();
        }, opts.durationMs);
        r.signal.addEventListener('abort', () => {
          clock.clearTimeout(t);
          aborted.push(r.key);
          running--;
          resolve();
        });
      });
    },
  });
  return { s, runs, skips, aborted, peak: () => peak };
}

describe('CheckScheduler', () => {
  it('does not drift: slow checks still start on the grid, interval apart, never late', async () => {
    const clock = createFakeClock(1_000_000);
    const { s, runs } = setup(clock, { concurrency: 10, durationMs: 700 });
    s.schedule('web/vm1', 1000);
    await clock.advance(10_500);
    const phase = phaseOf('web/vm1', 1000);
    expect(runs.length).toBeGreaterThanOrEqual(10);
    runs.forEach((r, i) => {
      expect(r.startedAt - r.scheduledAt).toBe(0);
      expect(r.scheduledAt % 1000).toBe(phase);
      if (i > 0) expect(r.scheduledAt - (runs[i - 1] as ScheduledRun).scheduledAt).toBe(1000);
    });
  });

  it('bounds concurrency, queues the rest and reports their lateness', async () => {
    const clock = createFakeClock(0);
    const { s, runs, peak } = setup(clock, { concurrency: 4, durationMs: 50 });
    for (let i = 0; i < 40; i++) s.schedule(`k${i}`, 1000);
    await clock.advance(3000);
    expect(peak()).toBe(4);
    expect(runs.length).toBe(120); // 40 keys x 3 intervals: the work (40 x 50 ms / 4 = 0.5 s) fits
    const lateness = runs.map((r) => r.startedAt - r.scheduledAt);
    expect(Math.min(...lateness)).toBe(0);
    expect(lateness.every((l) => l >= 0 && l < 1000)).toBe(true);
  });

  it('sheds overload: a key still running skips its slot instead of piling up', async () => {
    const clock = createFakeClock(0);
    const { s, runs, skips, peak } = setup(clock, { concurrency: 2, durationMs: 900 });
    for (let i = 0; i < 6; i++) s.schedule(`k${i}`, 1000); // 6 x 0.9 s of work per second, 2 slots
    await clock.advance(10_000);
    expect(peak()).toBe(2);
    expect(skips.some((k) => k.reason === 'busy')).toBe(true);
    expect(s.queued).toBeLessThanOrEqual(6); // never more than one queued run per key
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(10_000 / 900) * 2 + 2);
  });

  it('skips slots a blocked event loop missed, staying on the grid', async () => {
    const clock = createFakeClock(0);
    const { s, runs, skips } = setup(clock, { concurrency: 1, durationMs: 1 });
    s.schedule('a', 1000);
    await clock.advance(1000);
    const first = runs.length;
    clock.jump(3500); // the loop was blocked for 3.5 intervals
    await clock.advance(0);
    expect(runs.length).toBe(first + 1); // one late run, not three or four
    // The overdue slot was phase + 1000; every further whole interval before now (4500) is skipped.
    const missed = Math.floor((4500 - (phaseOf('a', 1000) + 1000)) / 1000);
    expect(missed).toBeGreaterThanOrEqual(2);
    expect(skips).toEqual([{ key: 'a', reason: 'behind', slots: missed }]);
    const last = runs.at(-1) as ScheduledRun;
    expect(last.startedAt - last.scheduledAt).toBeGreaterThan(2000); // lateness is visible
    expect(s.nextRunAt('a')! % 1000).toBe(phaseOf('a', 1000));
    expect(s.nextRunAt('a')!).toBeGreaterThan(clock.now());
  });

  it('spreads first runs over the interval by key', async () => {
    const clock = createFakeClock(0);
    const { s, runs } = setup(clock, { concurrency: 1000, durationMs: 1 });
    for (let i = 0; i < 1000; i++) s.schedule(`lb/vm${i}`, 1000);
    await clock.advance(999);
    expect(runs.length).toBe(1000);
    const buckets = new Array(10).fill(0);
    for (const r of runs) buckets[Math.floor(r.scheduledAt / 100)]++;
    for (const n of buckets) expect(n).toBeGreaterThan(60); // 100 expected per tenth; none starved
    expect(new Set(runs.map((r) => r.scheduledAt)).size).toBeGreaterThan(500); // not in lockstep
  });

  it('re-scheduling an unchanged key keeps its schedule; a new interval or removal changes it', async () => {
    const clock = createFakeClock(0);
    const { s, runs, aborted } = setup(clock, { concurrency: 10, durationMs: 500 });
    s.schedule('a', 1000);
    s.schedule('b', 1000);
    await clock.advance(1234);
    const nextA = s.nextRunAt('a');
    s.schedule('a', 1000);
    expect(s.nextRunAt('a')).toBe(nextA);
    s.schedule('b', 5000);
    expect((s.nextRunAt('b') as number) % 5000).toBe(phaseOf('b', 5000));
    const aRuns = () => runs.filter((r) => r.key === 'a').length;
    await clock.advance(nextA! - clock.now() + 100); // 'a' is mid-run now
    const before = aRuns();
    s.unschedule('a');
    expect(aborted).toContain('a');
    await clock.advance(5000);
    expect(aRuns()).toBe(before);
    expect(s.nextRunAt('a')).toBeUndefined();
  });

  it('close() aborts running checks, stops the timer and waits', async () => {
    const clock = createFakeClock(0);
    const { s, runs, aborted } = setup(clock, { concurrency: 10, durationMs: 10_000 });
    s.schedule('a', 1000);
    await clock.advance(1000);
    expect(runs.length).toBe(1);
    await s.close();
    expect(aborted).toEqual(['a']);
    expect(s.running).toBe(0);
    await clock.advance(5000);
    expect(runs.length).toBe(1);
  });

  it('the seed changes phases, so different nodes do not check in lockstep', () => {
    const clock = createFakeClock(0);
    const a = setup(clock, { concurrency: 1, durationMs: 1, seed: 'node-a' }).s;
    const b = setup(clock, { concurrency: 1, durationMs: 1, seed: 'node-b' }).s;
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    for (const k of keys) {
      a.schedule(k, 1000);
      b.schedule(k, 1000);
    }
    expect(keys.map((k) => a.nextRunAt(k))).not.toEqual(keys.map((k) => b.nextRunAt(k)));
  });
});
