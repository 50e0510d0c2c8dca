import { describe, expect, it } from 'vitest';
import { selectBackends } from './select-backends.js';

describe('selectBackends', () => {
  it('keeps healthy and unknown backends, drops unhealthy ones, in input order', () => {
    const r = selectBackends([
      ['a', 'UNHEALTHY'],
      ['b', 'HEALTHY'],
      ['c', 'UNKNOWN'],
    ]);
    expect(r).toEqual({ selected: ['b', 'c'], allDown: false });
  });

  it('fail-open (the default) sends to every backend when all are unhealthy', () => {
    const states = new Map([
      ['a', 'UNHEALTHY' as const],
      ['b', 'UNHEALTHY' as const],
    ]);
    expect(selectBackends(states)).toEqual({ selected: ['a', 'b'], allDown: true });
    expect(selectBackends(states, 'fail-open')).toEqual({ selected: ['a', 'b'], allDown: true });
  });

  it('reject sends to none when all are unhealthy, but still filters normally otherwise', () => {
    expect(selectBackends([['a', 'UNHEALTHY']], 'reject')).toEqual({ selected: [], allDown: true });
    expect(
      selectBackends(
        [
          ['a', 'UNHEALTHY'],
          ['b', 'HEALTHY'],
        ],
        'reject',
      ),
    ).toEqual({ selected: ['b'], allDown: false });
  });

  it('an empty set is not "all down"', () => {
    expect(selectBackends([], 'fail-open')).toEqual({ selected: [], allDown: false });
  });
});
