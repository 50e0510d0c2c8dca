/**
 * The goals of issue 7, checked against the medians of the per-repetition ratios:
 * nlbkit/direct >= 0.97 for the same backend set; nlbkit/HAProxy (three backends) >= 1.5 with
 * keep-alive and >= 2.5 with a new connection per request; no failed connection during changes.
 */
import type { RatioRow } from './stats.js';

/** One goal and whether the run met it. */
export interface GoalResult {
  goal: string;
  measured: number;
  target: number;
  met: boolean;
}

const DIRECT_GOAL = 0.97;
const HAPROXY_GOAL = { 'tcp-keepalive': 1.5, 'tcp-newconn': 2.5 } as const;

/** Checks the ratio goals (for `num`, normally `nlbkit`) and the churn goal. */
export function checkGoals(rows: RatioRow[], churnErrors: number | undefined, num = 'nlbkit'): GoalResult[] {
  const out: GoalResult[] = [];
  for (const r of rows) {
    if (r.num !== num) continue;
    if (r.den === 'direct') {
      out.push({
        goal: `${r.mode} x${r.backends} ${r.name} (median)`,
        measured: r.spread.median,
        target: DIRECT_GOAL,
        met: r.spread.median >= DIRECT_GOAL,
      });
    } else if (r.den === 'haproxy' && r.backends === 3 && r.mode !== 'udp') {
      const target = HAPROXY_GOAL[r.mode];
      out.push({
        goal: `${r.mode} x3 ${r.name} (median)`,
        measured: r.spread.median,
        target,
        met: r.spread.median >= target,
      });
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
