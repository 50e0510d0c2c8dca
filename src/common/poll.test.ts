/** pollUntil's progress: "waiting" when a wait begins, "still waiting" every 10 s of it (fake clock). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollUntil, STILL_WAITING_EVERY_MS } from './poll.js';

afterEach(() => vi.useRealTimers());

describe('pollUntil progress', () => {
  it('tells the step when the wait begins and every 10 s while it goes on', async () => {
    vi.useFakeTimers();
    const told: Array<[string, string | undefined]> = [];
    const progress = (step: string, detail?: string) => told.push([step, detail]);
    let polls = 0;
    const delays = { minDelayMs: 1000, maxDelayMs: 1000, maxWaitMs: 60_000 };
    const done = pollUntil(
      'x',
      'thing to settle',
      delays,
      { operation: 'createNLB', progress },
      async () => (++polls > 25 ? 'ok' : undefined),
      'wait-settled',
    );
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(done).resolves.toBe('ok');
    expect(told).toEqual([
      ['wait-settled', 'waiting for thing to settle'],
      ['wait-settled', 'still waiting for thing to settle (10 s)'],
      ['wait-settled', 'still waiting for thing to settle (20 s)'],
    ]);
    expect(STILL_WAITING_EVERY_MS).toBe(10_000);
  });

  it('tells nothing without a step, even to a caller that listens', async () => {
    const told: string[] = [];
    const ctx = { operation: 'createNLB', progress: (step: string) => told.push(step) };
    const delays = { minDelayMs: 1, maxDelayMs: 1, maxWaitMs: 1000 };
    await pollUntil('x', 'thing', delays, ctx, async () => 'ok');
    expect(told).toEqual([]);
  });
});
