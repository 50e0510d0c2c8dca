/**
 * The goals of issue 7, checked against the medians of the per-repetition ratios:
 * nlbkit/direct >= 0.97 for the same backend set; nlbkit/HAProxy (three backends) >= 1.5 with
 * keep-alive and >= 2.5 with a new connection per request; no failed connection during changes.
 *
 * Each ratio goal also carries the median's 90% confidence interval (a median above or below the goal
 * by less than the interval's half-width is not evidence either way), and each HAProxy goal carries the
 * ceiling of this machine: direct/HAProxy, the score of a load balancer that cost nothing at all.
 *
 * Issue 21's dsr goals: dsr/direct >= 0.97 like nlbkit's, and the LB node's CPU per request below NAT's
 * (dsr's replies do not cross the LB node): the median per-repetition ratio dsr/nlbkit < 1.
 */
import type { Interval, RatioRow } from './stats.js';

/** One goal and whether the run met it. */
export interface GoalResult {
  goal: string;
  measured: number;
  target: number;
  met: boolean;
  /** The median's 90% confidence interval (ratio goals only). */
  ci?: Interval;
  /**
   * 'confident': the whole interval is on the same side of the goal as the median; 'within noise':
   * the interval straddles the goal. Ratio goals only.
   */
  certainty?: 'confident' | 'within noise';
  /** direct/HAProxy median in the same mode (HAProxy goals only): the most any load balancer could show. */
  ceiling?: number;
  /** The goal is `measured < target` (a cost), not `measured >= target`. */
  below?: true;
}

const DIRECT_GOAL = 0.97;
const HAPROXY_GOAL = { 'tcp-keepalive': 1.5, 'tcp-newconn': 2.5 } as const;

function ratioGoal(r: RatioRow, goal: string, target: number, ceiling?: number): GoalResult {
  const met = r.spread.median >= target;
  const sure = met ? r.ci.low >= target : r.ci.high < target;
  return {
    goal,
    measured: r.spread.median,
    target,
    met,
    ci: r.ci,
    certainty: sure ? 'confident' : 'within noise',
    ...(ceiling === undefined ? {} : { ceiling }),
  };
}

/** Issue 21: dsr/direct (as nlbkit's goal) and the LB node's CPU per request, dsr below NAT. */
export function checkDsrGoals(rows: RatioRow[], lbRows: Omit<RatioRow, 'num' | 'den'>[]): GoalResult[] {
  const out = checkGoals(rows, undefined, 'dsr');
  for (const r of lbRows) {
    const met = r.spread.median < 1;
    const sure = met ? r.ci.high < 1 : r.ci.low >= 1;
    out.push({
      goal: `${r.mode} x${r.backends} ${r.name} per request (median)`,
      measured: r.spread.median,
      target: 1,
      met,
      ci: r.ci,
      certainty: sure ? 'confident' : 'within noise',
      below: true,
    });
  }
  return out;
}

/** Checks the ratio goals (for `num`, normally `nlbkit`) and the churn goal. */
export function checkGoals(rows: RatioRow[], churnErrors: number | undefined, num = 'nlbkit'): GoalResult[] {
  const out: GoalResult[] = [];
  for (const r of rows) {
    if (r.num !== num) continue;
    const name = `${r.mode} x${r.backends} ${r.name} (median)`;
    if (r.den === 'direct') {
      out.push(ratioGoal(r, name, DIRECT_GOAL));
    } else if (r.den === 'haproxy' && r.backends === 3 && r.mode !== 'udp') {
      const ceiling = rows.find(
        (c) => c.num === 'direct' && c.den === 'haproxy' && c.mode === r.mode && c.backends === r.backends,
      )?.spread.median;
      out.push(ratioGoal(r, name, HAPROXY_GOAL[r.mode], ceiling));
    }
  }
  if (churnErrors !== undefined) {
    out.push({
      goal: 'failed connections during add/remove',
      measured: churnErrors,
      target: 0,
      met: churnErrors === 0,
    });
  }
  return out;
}
