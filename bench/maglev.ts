/**
 * Maglev table benchmark: build time for N backends at M = 65,537 and 655,373 (median of several runs),
 * and how many slots change when one backend is removed or added. Run: npm run bench:maglev
 */
import os from 'node:os';
import { buildMaglevTable, diffMaglevTables, type MaglevBackend } from '../src/native/maglev/index.js';

const SIZES = [65537, 655373];
const COUNTS = [10, 100, 1000];
const RUNS = 15;

function backends(n: number, prefix = 'vm'): MaglevBackend[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${String(i).padStart(5, '0')}` }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median and minimum build time; the minimum is the better figure on a machine shared with other work. */
function buildTimeMs(set: MaglevBackend[], size: number): { median: number; min: number } {
  buildMaglevTable(set, size); // warm-up: JIT and first-touch of the typed arrays
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    buildMaglevTable(set, size);
    times.push(performance.now() - t0);
  }
  return { median: median(times), min: Math.min(...times) };
}

/** Average slots changed over a few single-backend removals and additions, as a multiple of M/N. */
function disruption(n: number, size: number): { removed: number; added: number } {
  const set = backends(n);
  const base = buildMaglevTable(set, size);
  const trials = 5;
  let removed = 0;
  let added = 0;
  for (let k = 0; k < trials; k++) {
    const victim = set[Math.floor((k * n) / trials)]!.id;
    removed += diffMaglevTables(
      base,
      buildMaglevTable(
        set.filter((b) => b.id !== victim),
        size,
      ),
    ).length;
    added += diffMaglevTables(base, buildMaglevTable([...set, { id: `new-${k}` }], size)).length;
  }
  return { removed: removed / trials, added: added / trials };
}

const rows: string[][] = [];
for (const size of SIZES) {
  for (const n of COUNTS) {
    const ms = buildTimeMs(backends(n), size);
    const d = disruption(n, size);
    rows.push([
      String(n),
      String(size),
      ms.median.toFixed(2),
      ms.min.toFixed(2),
      `${Math.round(d.removed)} (${((100 * d.removed) / size).toFixed(2)}%, ${(d.removed / (size / n)).toFixed(2)}x 1/N)`,
      `${Math.round(d.added)} (${((100 * d.added) / size).toFixed(2)}%, ${(d.added / (size / (n + 1))).toFixed(2)}x 1/(N+1))`,
    ]);
  }
}

const header = [
  'N',
  'M',
  `build ms, median of ${RUNS}`,
  'min ms',
  'slots changed, remove 1',
  'slots changed, add 1',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(
  `\nnode ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; ` +
    'removal/addition figures are means over 5 single-backend changes.',
);
