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
  /** Machine-wide CPU microseconds per request during the measurement (all parties together). */
  cpuUsPerRequest?: number;
  /** The LB node's packet-processing CPU microseconds per request (its NAPI threads: lb-cpu.ts). */
  lbUsPerRequest?: number;
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
  /** 90% bootstrap confidence interval of the median: how sure the run is of it. */
  ci: Interval;
}

/** A confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/** A deterministic PRNG (mulberry32), so a report's intervals are reproducible from its samples. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile-bootstrap confidence interval of the median of `values` (`level` 0.9: the 5th and 95th
 * percentiles of the medians of `resamples` resamples). With few, noisy repetitions it is wide: that is
 * the point, it says whether a median above or below a goal means anything.
 */
export function medianInterval(values: number[], level = 0.9, resamples = 2000, seed = 7): Interval {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { low: Number.NaN, high: Number.NaN };
  const next = mulberry32(seed);
  const medians = Array.from(
    { length: resamples },
    () => spread(Array.from(v, () => v[Math.floor(next() * v.length)]!)).median,
  ).sort((a, b) => a - b);
  const at = (q: number) => medians[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}

/** The sample of (mode, target, backends) in repetition `rep`. */
function sampleOf(samples: Sample[], rep: number, mode: Mode, target: Target, backends: number) {
  return samples.find(
    (x) => x.rep === rep && x.case.mode === mode && x.case.target === target && x.case.backends === backends,
  );
}

/** The requests/s of (mode, target, backends) in repetition `rep`. */
function rpsOf(samples: Sample[], rep: number, mode: Mode, target: Target, backends: number): number {
  return sampleOf(samples, rep, mode, target, backends)?.result.rps ?? Number.NaN;
}

/** One figure per repetition for one (mode, backend count, target), and its spread. */
export interface TargetRow {
  mode: Mode;
  backends: 1 | 3;
  target: Target;
  perRep: number[];
  spread: Spread;
}

/** What a load balancer adds to the machine's CPU time per request over the direct path (a difference). */
export type CostRow = TargetRow;

/** One row per (mode, backends, target) with at least one finite `value` over the repetitions. */
function targetRows(
  reps: number,
  targets: readonly Target[],
  value: (rep: number, mode: Mode, target: Target, backends: 1 | 3) => number,
): TargetRow[] {
  const out: TargetRow[] = [];
  for (const mode of ['tcp-keepalive', 'tcp-newconn', 'udp'] as const) {
    for (const backends of [1, 3] as const) {
      for (const target of targets) {
        const perRep = Array.from({ length: reps }, (_, rep) => value(rep, mode, target, backends)).filter(
          (x) => Number.isFinite(x),
        );
        if (perRep.length > 0) out.push({ mode, backends, target, perRep, spread: spread(perRep) });
      }
    }
  }
  return out;
}

/** Per-repetition extra CPU per request of every target over `direct` (needs `cpuUsPerRequest`). */
export function costs(samples: Sample[], reps: number): CostRow[] {
  const cpu = (rep: number, mode: Mode, target: Target, backends: number) =>
    sampleOf(samples, rep, mode, target, backends)?.cpuUsPerRequest ?? Number.NaN;
  return targetRows(
    reps,
    ['nlbkit', 'nlbkit+ft', 'dsr', 'haproxy'],
    (rep, mode, target, backends) => cpu(rep, mode, target, backends) - cpu(rep, mode, 'direct', backends),
  );
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
    ['dsr', 'direct'],
    ['dsr', 'nlbkit'],
    // The old keep-alive x3 baseline (one backend per client), beside the spread one.
    ['nlbkit', 'direct-pinned'],
    ['direct', 'direct-pinned'],
    // The ceiling: what a load balancer that cost nothing would score against HAProxy on this machine.
    ['direct', 'haproxy'],
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
        out.push({
          mode,
          backends,
          name: `${num}/${den}`,
          num,
          den,
          perRep,
          spread: spread(perRep),
          ci: medianInterval(perRep),
        });
      }
    }
  }
  return out;
}

/** The LB node's CPU per request for one target: absolute, not a difference (the LB node's own threads). */
export type LbCpuRow = TargetRow;

/** LB-node CPU us/request of every target that has it (HAProxy's is a process's, not measured so). */
export function lbCosts(samples: Sample[], reps: number): LbCpuRow[] {
  return targetRows(
    reps,
    ['direct', 'nlbkit', 'nlbkit+ft', 'dsr'],
    (rep, mode, target, backends) =>
      sampleOf(samples, rep, mode, target, backends)?.lbUsPerRequest ?? Number.NaN,
  );
}

/** Per-repetition ratio of dsr's LB-node CPU per request to nlbkit's (NAT), with its interval. */
export function lbRatios(samples: Sample[], reps: number): Omit<RatioRow, 'num' | 'den'>[] {
  const out: Omit<RatioRow, 'num' | 'den'>[] = [];
  for (const mode of ['tcp-keepalive', 'tcp-newconn'] as const) {
    for (const backends of [1, 3] as const) {
      const lb = (rep: number, t: Target) =>
        sampleOf(samples, rep, mode, t, backends)?.lbUsPerRequest ?? Number.NaN;
      const perRep = Array.from({ length: reps }, (_, rep) => lb(rep, 'dsr') / lb(rep, 'nlbkit')).filter(
        (x) => Number.isFinite(x),
      );
      if (perRep.length === 0) continue;
      out.push({
        mode,
        backends,
        name: 'LB CPU dsr/nlbkit',
        perRep,
        spread: spread(perRep),
        ci: medianInterval(perRep),
      });
    }
  }
  return out;
}
