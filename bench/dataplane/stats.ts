/** Summaries over repetitions: min / median / max, and per-repetition ratios between targets. */
import type { Case, Mode, Target } from './cases.js';
import type { LoadResult } from './wrk.js';

/** Min, median and max of a list of numbers (NaN entries ignored). */
export interface Spread {
  min: number;
  median: number;
  max: number;
  n: number;
}

/** The spread of `values`. */
export function spread(values: number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, n: 0 };
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { min: v[0]!, median, max: v[v.length - 1]!, n: v.length };
}

/** One measurement of one case in one repetition. */
export interface Sample {
  rep: number;
  case: Case;
  result: LoadResult;
}

/** A ratio of requests/s between two targets, taken within each repetition (so both saw the same drift). */
export interface RatioRow {
  mode: Mode;
  backends: 1 | 3;
  name: string;
  num: Target;
  den: Target;
  perRep: number[];
  spread: Spread;
}

/** The requests/s of (mode, target, backends) in repetition `rep`. */
function rpsOf(samples: Sample[], rep: number, mode: Mode, target: Target, backends: number): number {
  const s = samples.find(
    (x) => x.rep === rep && x.case.mode === mode && x.case.target === target && x.case.backends === backends,
  );
  return s ? s.result.rps : Number.NaN;
}

/** Every ratio of interest that the samples allow: nlbkit(+ft)/direct and nlbkit(+ft)/haproxy. */
export function ratios(samples: Sample[], reps: number): RatioRow[] {
  const out: RatioRow[] = [];
  const pairs: [Target, Target][] = [
    ['nlbkit', 'direct'],
    ['nlbkit', 'haproxy'],
    ['nlbkit+ft', 'direct'],
    ['nlbkit+ft', 'haproxy'],
    ['nlbkit+ft', 'nlbkit'],
  ];
  for (const mode of ['tcp-keepalive', 'tcp-newconn', 'udp'] as const) {
    for (const backends of [1, 3] as const) {
      for (const [num, den] of pairs) {
        const perRep = Array.from({ length: reps }, (_, rep) => {
          const a = rpsOf(samples, rep, mode, num, backends);
          const b = rpsOf(samples, rep, mode, den, backends);
          return a / b;
        }).filter((x) => Number.isFinite(x));
        if (perRep.length === 0) continue;
        out.push({ mode, backends, name: `${num}/${den}`, num, den, perRep, spread: spread(perRep) });
      }
    }
  }
  return out;
}
