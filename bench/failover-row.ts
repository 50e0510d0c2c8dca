/**
 * The rows of `npm run bench:failover` and how they print. Shared by the bgp/none module
 * (failover-bgp.ts) and the l2 module (failover-l2.ts), so every mode prints in one table.
 */

/** Milliseconds over the failures of one kind. */
export interface Spread {
  median: number;
  p99: number;
  max: number;
}

/** One row: one announcement mode and one kind of failure, over `runs` failures. */
export interface FailoverRow {
  mode: 'bgp' | 'l2' | 'none';
  /** e.g. `graceful stop`, `kill -9`, `silent death`, `backends unhealthy`. */
  failure: string;
  runs: number;
  /** Failure to the router's (bgp) or client's (l2) view having moved; undefined: it never moves. */
  movedMs?: Spread;
  /**
   * Failure to new connections succeeding again: the start of the first successful connection after
   * the last failed one (0 when none failed). For `none`, the node's own return.
   */
  recoveredMs: Spread;
  /** Failed new connections per failure (a new connection every 10 ms, 1 s timeout each). */
  failed: Spread;
  /** The goal for this row, in words, if the issue sets one. */
  goal?: string;
  /** Whether the measured figures meet `goal`. */
  met?: boolean;
}

/** Median, p99 (nearest rank) and max of `values`. */
export function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const rank = (q: number) =>
    v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))] ?? Number.NaN;
  return { median: rank(0.5), p99: rank(0.99), max: v.at(-1) ?? Number.NaN };
}

const ms = (s: Spread | undefined) =>
  s ? `${Math.round(s.median)} / ${Math.round(s.p99)} / ${Math.round(s.max)}` : 'never';
const count = (s: Spread) => `${s.median} / ${s.p99} / ${s.max}`;

/** The table as Markdown (it goes into docs/performance.md as printed). */
export function renderTable(rows: FailoverRow[]): string {
  const out = [
    '| mode | failure | runs | view moved, ms (median / p99 / max) | new connections OK again, ms | failed new connections per failure | goal | met |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    out.push(
      `| ${r.mode} | ${r.failure} | ${r.runs} | ${ms(r.movedMs)} | ${ms(r.recoveredMs)} | ${count(r.failed)} | ${r.goal ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'NO'} |`,
    );
  return out.join('\n');
}
