/**
 * The data-plane benchmark's arithmetic (bench/dataplane): the median's bootstrap interval, the CPU cost
 * per request over the direct path, the goal verdicts with their ceiling, and the flags. The benchmark
 * itself needs root, nginx, HAProxy and wrk and is run by hand (docs/performance.md).
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../bench/dataplane/cases.js';
import { busySeconds, usPerRequest } from '../../bench/dataplane/cpu.js';
import { checkGoals } from '../../bench/dataplane/goals.js';
import { parseBenchOptions } from '../../bench/dataplane/options.js';
import { goalLine } from '../../bench/dataplane/report.js';
import { costs, medianInterval, ratios, type Sample } from '../../bench/dataplane/stats.js';

const sample = (rep: number, c: Case, rps: number, cpu?: number): Sample => ({
  rep,
  case: c,
  result: { rps, requests: rps * 2, p50: 1, p99: 2, errors: 0 },
  ...(cpu === undefined ? {} : { cpuUsPerRequest: cpu }),
});

describe('medianInterval', () => {
  it('is a point for identical values and is reproducible', () => {
    expect(medianInterval([0.98, 0.98, 0.98])).toEqual({ low: 0.98, high: 0.98 });
    const v = [0.91, 1.02, 0.97, 0.88, 1.1, 0.95, 0.99, 1.04];
    expect(medianInterval(v)).toEqual(medianInterval([...v].reverse()));
  });

  it('lies within the values, holds the median, and narrows with more samples', () => {
    const few = [0.9, 1.1, 0.95, 1.05, 1.0];
    const ci = medianInterval(few);
    expect(ci.low).toBeGreaterThanOrEqual(0.9);
    expect(ci.high).toBeLessThanOrEqual(1.1);
    expect(ci.low).toBeLessThanOrEqual(1.0);
    expect(ci.high).toBeGreaterThanOrEqual(1.0);
    const many = Array.from({ length: 20 }, () => few).flat();
    const narrow = medianInterval(many);
    expect(narrow.high - narrow.low).toBeLessThan(ci.high - ci.low);
  });
});

describe('ratios and costs', () => {
  const n1: Case = { mode: 'tcp-newconn', target: 'nlbkit', backends: 3 };
  const d1: Case = { ...n1, target: 'direct' };
  const h1: Case = { ...n1, target: 'haproxy' };
  const samples = [
    sample(0, d1, 1000, 180),
    sample(0, n1, 980, 184),
    sample(0, h1, 500, 340),
    sample(1, d1, 1100, 170),
    sample(1, n1, 1045, 175),
    sample(1, h1, 600, 330),
  ];

  it('takes ratios within a repetition, including the direct/haproxy ceiling', () => {
    const rows = ratios(samples, 2);
    const nd = rows.find((r) => r.name === 'nlbkit/direct')!;
    expect(nd.perRep).toEqual([0.98, 0.95]);
    const ceiling = rows.find((r) => r.name === 'direct/haproxy')!;
    expect(ceiling.perRep).toEqual([2, 1100 / 600]);
  });

  it('reports the CPU each load balancer adds per request over the direct path', () => {
    const rows = costs(samples, 2);
    expect(rows.find((r) => r.target === 'nlbkit')!.perRep).toEqual([4, 5]);
    expect(rows.find((r) => r.target === 'haproxy')!.perRep).toEqual([160, 160]);
    expect(costs([sample(0, d1, 1), sample(0, n1, 1)], 1)).toEqual([]);
  });
});

describe('checkGoals', () => {
  const c = (target: Case['target'], rps: number[]) =>
    rps.map((r, rep) => sample(rep, { mode: 'tcp-newconn', target, backends: 3 }, r));

  it('says a median under the goal with an interval across it is within noise', () => {
    const rows = ratios([...c('direct', [100, 100, 100, 100]), ...c('nlbkit', [90, 95, 96, 104])], 4);
    const g = checkGoals(rows, undefined).find((x) => x.goal.includes('nlbkit/direct'))!;
    expect(g.met).toBe(false);
    expect(g.certainty).toBe('within noise');
    expect(goalLine(g)).toMatch(/^NOT met .*within noise/);
  });

  it('names the ceiling when even the direct path cannot reach the HAProxy goal', () => {
    const rows = ratios(
      [...c('direct', [180, 180, 180]), ...c('nlbkit', [170, 172, 168]), ...c('haproxy', [100, 100, 100])],
      3,
    );
    const g = checkGoals(rows, 0).find((x) => x.goal.includes('nlbkit/haproxy'))!;
    expect(g).toMatchObject({ met: false, certainty: 'confident', ceiling: 1.8, target: 2.5 });
    expect(goalLine(g)).toContain('direct/haproxy = 1.80');
    expect(checkGoals(rows, 3).at(-1)).toMatchObject({ met: false, measured: 3 });
  });
});

describe('cpu accounting', () => {
  it('sums user, nice, system, irq and softirq ticks (not idle, iowait or steal)', () => {
    const stat = 'cpu  100 20 300 5000 40 6 7 800 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n';
    expect(busySeconds(stat)).toBeCloseTo((100 + 20 + 300 + 6 + 7) / 100);
    expect(() => busySeconds('intr 1 2 3\n')).toThrow(/no "cpu " line/);
    expect(usPerRequest(10, 12, 10_000)).toBeCloseTo(200);
    expect(usPerRequest(10, 12, 0)).toBeNaN();
  });
});

describe('parseBenchOptions --modes', () => {
  it('keeps schedule order and rejects unknown modes', () => {
    expect(parseBenchOptions(['--modes', 'udp,tcp-newconn'])!.modes).toEqual(['tcp-newconn', 'udp']);
    expect(parseBenchOptions([])!.modes).toEqual(['tcp-keepalive', 'tcp-newconn', 'udp']);
    expect(() => parseBenchOptions(['--modes', 'tcp,udp'])).toThrow(/--modes .*not: tcp/);
  });
});

describe('parseBenchOptions --newconn-client', () => {
  it('defaults to wrk, takes spread, and rejects anything else', () => {
    expect(parseBenchOptions([])!.newconnClient).toBe('wrk');
    expect(parseBenchOptions(['--newconn-client', 'spread'])!.newconnClient).toBe('spread');
    expect(() => parseBenchOptions(['--newconn-client', 'ab'])).toThrow(
      /--newconn-client takes wrk or spread \(not: ab\)/,
    );
  });
});
