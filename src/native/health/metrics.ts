/**
 * Counters and histograms rendered in the Prometheus text exposition format (version 0.0.4). Small on
 * purpose: the agent needs a handful of series, not a client library.
 */

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] as string)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Numbers as Prometheus writes them: integers plainly, infinities as +Inf/-Inf. */
function num(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

/** A metric family that renders itself. */
export interface Metric {
  render(): string;
}

/** A counter (or, with `type: 'gauge'`, a gauge) with optional labels. */
export class Counter implements Metric {
  readonly #values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' = 'counter',
  ) {}

  /** Adds `n` (default 1) to the series with these labels. */
  inc(labels: Labels = {}, n = 1): void {
    const k = labelText(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + n);
  }

  /** An incrementer for one series, its labels rendered once (for per-check hot paths). */
  series(labels: Labels = {}): (n?: number) => void {
    const k = labelText(labels);
    return (n = 1) => {
      this.#values.set(k, (this.#values.get(k) ?? 0) + n);
    };
  }

  /** Sets the series (gauges). */
  set(labels: Labels, n: number): void {
    this.#values.set(labelText(labels), n);
  }

  /** The series' value, 0 when never touched. */
  get(labels: Labels = {}): number {
    return this.#values.get(labelText(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    const series = this.#values.size ? [...this.#values] : [['', 0] as const];
    for (const [k, v] of [...series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      lines.push(`${this.name}${k} ${num(v)}`);
    }
    return lines.join('\n');
  }
}

/** A histogram with fixed upper bounds (seconds, by Prometheus convention), no labels. */
export class Histogram implements Metric {
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.#counts = new Array(buckets.length).fill(0);
  }

  /** Records one value. */
  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (value <= (b[i] as number)) {
        this.#counts[i] = (this.#counts[i] as number) + 1;
        return;
      }
    }
  }

  /** Observations so far. */
  get count(): number {
    return this.#count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    let cumulative = 0;
    this.buckets.forEach((b, i) => {
      cumulative += this.#counts[i] as number;
      lines.push(`${this.name}_bucket{le="${num(b)}"} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`${this.name}_sum ${num(this.#sum)}`);
    lines.push(`${this.name}_count ${this.#count}`);
    return lines.join('\n');
  }
}

/** Renders metric families into one exposition text, ending with a newline as the format requires. */
export function renderMetrics(metrics: readonly Metric[]): string {
  return `${metrics.map((m) => m.render()).join('\n')}\n`;
}

/** Upper bounds for check durations and schedule lateness: 1 ms to 10 s. */
export const SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;
