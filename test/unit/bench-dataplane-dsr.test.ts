/**
 * The data-plane benchmark's dsr column and keep-alive baseline (bench/dataplane): the LB node's CPU
 * accounting, the dsr goals, the two keep-alive baselines, the case list and the selectors. The
 * benchmark itself needs root, nginx, HAProxy, wrk and ethtool and is run by hand (docs/performance.md).
 */
import { describe, expect, it } from 'vitest';
import { allCases, type Case, caseId, lbCpuCases } from '../../bench/dataplane/cases.js';
import { parseLinkCounters } from '../../bench/dataplane/dsr-path.js';
import { checkDsrGoals } from '../../bench/dataplane/goals.js';
import { taskCpuSeconds } from '../../bench/dataplane/lb-cpu.js';
import { parseBenchOptions } from '../../bench/dataplane/options.js';
import { baselineNote, goalLine } from '../../bench/dataplane/report.js';
import { spreadArgv } from '../../bench/dataplane/spread.js';
import { lbCosts, lbRatios, ratios, type Sample } from '../../bench/dataplane/stats.js';

const sample = (rep: number, c: Case, rps: number, lb?: number): Sample => ({
  rep,
  case: c,
  result: { rps, requests: rps * 2, p50: 1, p99: 2, errors: 0 },
  ...(lb === undefined ? {} : { lbUsPerRequest: lb }),
});

describe('taskCpuSeconds', () => {
  it('adds utime and stime (fields 14 and 15) in clock ticks, whatever the task name holds', () => {
    // A kernel thread's line: pid, (comm), state, then fields 4-13, utime 250, stime 1250, ...
    const line = '753 (napi/up0-258) S 2 0 0 0 -1 2129984 0 0 0 0 250 1250 0 0 20 0 1 0 3281 0 0';
    expect(taskCpuSeconds(line)).toBeCloseTo(15);
    const odd = '9 (a) b (c) R 1 9 9 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 1 0 0';
    expect(taskCpuSeconds(odd)).toBeCloseTo(0.1);
    expect(() => taskCpuSeconds('9 (x) R 1')).toThrow(/cannot read task stat/);
  });
});

describe('LB-node CPU per request', () => {
  const nat: Case = { mode: 'tcp-newconn', target: 'nlbkit', backends: 3 };
  const dsr: Case = { ...nat, target: 'dsr' };
  const direct: Case = { ...nat, target: 'direct' };
  const samples = [
    sample(0, direct, 1000, 30),
    sample(0, nat, 990, 40),
    sample(0, dsr, 1000, 16),
    sample(1, direct, 1000, 28),
    sample(1, nat, 990, 36),
    sample(1, dsr, 1000, 18),
  ];

  it('lists each target absolute (not over direct) and dsr/nlbkit per repetition', () => {
    const rows = lbCosts(samples, 2);
    expect(rows.map((r) => r.target)).toEqual(['direct', 'nlbkit', 'dsr']);
    expect(rows.find((r) => r.target === 'dsr')!.perRep).toEqual([16, 18]);
    const [ratio] = lbRatios(samples, 2);
    expect(ratio).toMatchObject({ mode: 'tcp-newconn', backends: 3, perRep: [0.4, 0.5] });
    expect(
      lbRatios(
        samples.filter((s) => s.case.target !== 'dsr'),
        2,
      ),
    ).toEqual([]);
  });

  it('checks dsr below NAT as a cost goal, and dsr/direct like nlbkit/direct', () => {
    const goals = checkDsrGoals(ratios(samples, 2), lbRatios(samples, 2));
    const cost = goals.find((g) => g.goal.includes('LB CPU'))!;
    expect(cost).toMatchObject({ met: true, below: true, target: 1, certainty: 'confident' });
    expect(goalLine(cost)).toMatch(/^met .*: 0\.45 \(goal < 1;/);
    const tput = goals.find((g) => g.goal.includes('dsr/direct'))!;
    expect(tput).toMatchObject({ met: true, target: 0.97 });
    // dsr/nlbkit in req/s is printed, not a goal.
    expect(goals.filter((g) => !g.below).map((g) => g.goal)).toEqual(['tcp-newconn x3 dsr/direct (median)']);

    const dearer = samples.map((s) => (s.case.target === 'dsr' ? { ...s, lbUsPerRequest: 50 } : s));
    const worse = checkDsrGoals([], lbRatios(dearer, 2))[0]!;
    expect(worse).toMatchObject({ met: false });
    expect(goalLine(worse)).toMatch(/^NOT met/);
  });
});

describe('the keep-alive x3 baselines', () => {
  const ka = (target: Case['target'], rps: number[]) =>
    rps.map((r, rep) => sample(rep, { mode: 'tcp-keepalive', target, backends: 3 }, r));

  it('gives nlbkit against the spread baseline and against the old pinned one, once', () => {
    const rows = ratios(
      [...ka('direct', [100, 100]), ...ka('direct-pinned', [125, 125]), ...ka('nlbkit', [98, 98])],
      2,
    );
    expect(rows.find((r) => r.name === 'nlbkit/direct')!.spread.median).toBeCloseTo(0.98);
    expect(rows.find((r) => r.name === 'nlbkit/direct-pinned')!.spread.median).toBeCloseTo(0.784);
    const note = baselineNote(rows)!;
    expect(note).toContain('direct-pinned = 0.78');
    expect(note).toContain('nlbkit/direct = 0.98');
    expect(baselineNote(ratios([...ka('direct', [100]), ...ka('nlbkit', [98])], 1))).toBeUndefined();
  });
});

describe('the cases and the selectors', () => {
  it('measures dsr for TCP only, and the pinned baseline for keep-alive x3 with the spread client', () => {
    const ids = allCases(parseBenchOptions(['--no-flowtable'])!).map(caseId);
    expect(ids).toContain('tcp-keepalive dsr x1');
    expect(ids).toContain('tcp-newconn dsr x3');
    expect(ids.filter((i) => i.startsWith('udp') && i.includes('dsr'))).toEqual([]);
    expect(ids.filter((i) => i.includes('direct-pinned'))).toEqual(['tcp-keepalive direct-pinned x3']);
    const wrk = allCases(parseBenchOptions(['--keepalive-client', 'wrk', '--no-flowtable'])!).map(caseId);
    expect(wrk.some((i) => i.includes('direct-pinned'))).toBe(false);
  });

  it('--quick selects the dsr and keep-alive check; explicit flags override it', () => {
    const q = parseBenchOptions(['--quick'])!;
    expect(q).toMatchObject({
      modes: ['tcp-keepalive', 'tcp-newconn'],
      targets: ['nlbkit', 'dsr'],
      newconnClient: 'spread',
      keepaliveClient: 'spread',
      reps: 6,
      churnOps: 0,
    });
    expect(allCases(q).some((c) => c.target === 'haproxy')).toBe(false);
    expect(parseBenchOptions(['--quick', '--reps', '20'])!.reps).toBe(20);
    expect(lbCpuCases(allCases(q)).map((c) => c.target)).not.toContain('direct-pinned');
  });

  it('--targets takes a subset and names what it does not know; direct is always there', () => {
    const only = parseBenchOptions(['--targets', 'dsr', '--modes', 'tcp-keepalive'])!;
    expect(only.targets).toEqual(['dsr']);
    expect(allCases(only).map((c) => c.target)).toEqual(['direct', 'dsr', 'direct', 'direct-pinned', 'dsr']);
    expect(() => parseBenchOptions(['--targets', 'dsr,lvs'])).toThrow(/--targets .*not: lvs/);
    expect(() => parseBenchOptions(['--keepalive-client', 'ab'])).toThrow(/--keepalive-client takes/);
  });
});

describe('spreadArgv', () => {
  const job = {
    targets: [
      { host: '198.18.1.11', port: 8091 },
      { host: '198.18.1.12', port: 8091 },
      { host: '198.18.1.13', port: 8091 },
    ],
    clients: 3,
    connections: 10,
    seconds: 2,
  };

  it('spreads every process over all targets from its own offset', () => {
    expect(spreadArgv('/p', job, 1)).toEqual([
      '/p',
      '2',
      '10',
      '1',
      '198.18.1.11:8091',
      '198.18.1.12:8091',
      '198.18.1.13:8091',
    ]);
  });

  it('keeps connections alive on request, and pins process i to target i for the old baseline', () => {
    expect(spreadArgv('/p', { ...job, keepAlive: true, pinned: true }, 4)).toEqual([
      '/p',
      '--keep-alive',
      '2',
      '10',
      '0',
      '198.18.1.12:8091',
    ]);
  });
});

describe('parseLinkCounters', () => {
  it("reads a link's packet counters from `ip -s -j link show`, and refuses output without them", () => {
    const json = JSON.stringify([
      {
        ifname: 'seg0',
        stats64: { rx: { bytes: 214721664, packets: 1219397 }, tx: { bytes: 1062, packets: 15 } },
      },
    ]);
    expect(parseLinkCounters(json)).toEqual({ rxPackets: 1219397, txPackets: 15 });
    expect(() => parseLinkCounters('[{"ifname":"seg0"}]')).toThrow(/no link counters/);
  });
});
