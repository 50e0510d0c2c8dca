import { describe, expect, it } from 'vitest';
import { retryingOnce } from './retrying-once.js';

describe('retryingOnce', () => {
  it('shares one attempt between concurrent callers and keeps a success', async () => {
    let builds = 0;
    const get = retryingOnce(async () => ++builds);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    expect(await get()).toBe(1);
  });

  it('forgets a failed attempt, so the next call builds again', async () => {
    let builds = 0;
    const get = retryingOnce(async () => {
      builds += 1;
      if (builds === 1) throw new Error('no credentials yet');
      return builds;
    });
    await expect(get()).rejects.toThrow('no credentials yet');
    expect(await get()).toBe(2);
  });
});
