import { describe, expect, it } from 'vitest';
import { applyOutcome, initialHealth, type Thresholds } from './state-machine.js';
import type { TargetHealth } from './types.js';

const at = new Date(0);
/** Feeds a sequence of results (1 = ok, 0 = fail) and returns every state seen and the change count. */
function run(seq: string, thresholds: Thresholds, start: TargetHealth = initialHealth()) {
  let h = start;
  let changes = 0;
  const states: string[] = [];
  for (const c of seq) {
    const r = applyOutcome(
      h,
      { ok: c === '1', reason: c === '1' ? undefined : 'ECONNREFUSED' },
      thresholds,
      at,
    );
    h = r.health;
    if (r.changed) changes++;
    states.push(h.state[0] as string);
  }
  return { h, changes, states: states.join('') };
}

describe('health state machine', () => {
  it('starts UNKNOWN by default, or in the chosen initial state', () => {
    expect(initialHealth()).toMatchObject({
      state: 'UNKNOWN',
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
    });
    expect(initialHealth('UNHEALTHY').state).toBe('UNHEALTHY');
    expect(initialHealth('HEALTHY').state).toBe('HEALTHY');
  });

  it('rises after exactly `rise` consecutive successes', () => {
    expect(run('111', { rise: 3, fall: 2 }).states).toBe('UUH');
    expect(run('1101', { rise: 2, fall: 2 }, initialHealth('UNHEALTHY')).states).toBe('UHHH');
  });

  it('falls after exactly `fall` consecutive failures, independent of rise', () => {
    const healthy = initialHealth('HEALTHY');
    expect(run('000', { rise: 1, fall: 3 }, healthy).states).toBe('HHU');
    expect(run('0010', { rise: 1, fall: 2 }, healthy).states).toBe('HUHH');
  });

  it('leaves UNKNOWN only by a full threshold of either kind', () => {
    expect(run('00', { rise: 2, fall: 3 }).states).toBe('UU'); // still UNKNOWN
    expect(run('000', { rise: 2, fall: 3 }).h.state).toBe('UNHEALTHY');
    expect(run('011', { rise: 2, fall: 3 }).h.state).toBe('HEALTHY');
  });

  it('a result resets the opposite streak and keeps the failure reason while down', () => {
    const r = run('0001', { rise: 2, fall: 3 }, initialHealth('HEALTHY'));
    expect(r.h).toMatchObject({ state: 'UNHEALTHY', consecutiveSuccesses: 1, consecutiveFailures: 0 });
    expect(r.h.reason).toBe('ECONNREFUSED');
    expect(run('00011', { rise: 2, fall: 3 }, initialHealth('HEALTHY')).h.reason).toBeUndefined();
  });

  it('an UNKNOWN target says how far it is from rising', () => {
    expect(run('1', { rise: 3, fall: 2 }).h.reason).toBe('1 of 3 checks passed');
    expect(run('0', { rise: 3, fall: 2 }).h.reason).toBe('ECONNREFUSED');
  });

  it('records lastChange only on a change and lastCheck on every result', () => {
    let h = initialHealth('HEALTHY');
    h = applyOutcome(h, { ok: false }, { rise: 1, fall: 2 }, new Date(1)).health;
    expect(h.lastChange).toBeUndefined();
    expect(h.lastCheck).toEqual(new Date(1));
    h = applyOutcome(h, { ok: false }, { rise: 1, fall: 2 }, new Date(2)).health;
    expect(h.lastChange).toEqual(new Date(2));
  });

  it('a target flapping every check never changes state when thresholds exceed 1', () => {
    const r = run('01'.repeat(50), { rise: 2, fall: 2 }, initialHealth('HEALTHY'));
    expect(r.changes).toBe(0);
  });

  it('flapping at half the interval (two results per interval) changes state at most once per threshold window', () => {
    // Pattern "0011" repeated: each half-interval flip gives two equal results in a row.
    const thresholds = { rise: 2, fall: 2 };
    const r = run('0011'.repeat(25), thresholds, initialHealth('HEALTHY'));
    // Every change needs >= 2 results since the previous one: at most 100 / 2 changes.
    const changeIdx: number[] = [];
    let prev = 'H';
    [...r.states].forEach((s, i) => {
      if (s !== prev) changeIdx.push(i);
      prev = s;
    });
    expect(changeIdx.length).toBe(r.changes);
    for (let i = 1; i < changeIdx.length; i++) {
      expect((changeIdx[i] as number) - (changeIdx[i - 1] as number)).toBeGreaterThanOrEqual(2);
    }
  });

  it('property: no state lasts fewer results than the threshold needed to leave it', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (results, rise, fall) => {
          let h = initialHealth('HEALTHY');
          let streakOk = 0;
          let streakFail = 0;
          for (const ok of results) {
            streakOk = ok ? streakOk + 1 : 0;
            streakFail = ok ? 0 : streakFail + 1;
            const r = applyOutcome(h, { ok }, { rise, fall }, at);
            if (r.changed && r.health.state === 'HEALTHY' && streakOk !== rise) return false;
            if (r.changed && r.health.state === 'UNHEALTHY' && streakFail !== fall) return false;
            h = r.health;
          }
          return true;
        },
      ),
    );
  });
});
