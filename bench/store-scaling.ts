/**
 * The scaling table of `npm run bench:store`: what createNLB, getNLB, addVMs and deleteNLB cost through
 * a driver when 10, 1,000 and 10,000 NLBs are stored, and how long it takes to create the 10,000.
 *
 * Each driver is filled through its own createNLB up to each size in turn (the fill time to the largest
 * size is the "N creates" figure); at each size, `samples` rounds of create, get, addVMs and delete of
 * one more NLB are timed, so the store holds the size while it is measured.
 */
import type { NLBHandler } from '../src/interfaces/handler.js';
import type { NLBCreateRequest } from '../src/interfaces/types.js';

/** One driver under test; `close` ends it (and its store). */
export interface ScalingSubject {
  name: string;
  driver: NLBHandler;
  close(): Promise<void>;
}

/** Per size: p50 and p99 of each operation, in ms. */
export interface ScalingRow {
  subject: string;
  size: number;
  ops: Record<ScalingOp, { p50: number; p99: number }>;
}

export type ScalingOp = 'createNLB' | 'getNLB' | 'addVMs' | 'deleteNLB';
const OPS: ScalingOp[] = ['createNLB', 'getNLB', 'addVMs', 'deleteNLB'];

/** The result for one subject: its rows, and the time to fill it to the largest size (s). */
export interface ScalingResult {
  subject: string;
  rows: ScalingRow[];
  fillSeconds: number;
  /** Set when the fill stopped at the time budget before the largest size. */
  stoppedAt?: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};

/** A create request for NLB number `i` (a port of its own, so drivers that share addresses never clash). */
export const scalingRequest = (name: string, i: number): NLBCreateRequest => ({
  iid: { nameId: name },
  listener: { protocol: 'TCP', port: 1 + (i % 60000) },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
  healthChecker: { protocol: 'TCP' },
});

/**
 * Fills `subject` to each of `sizes` (ascending) and measures the four operations at each. Stops filling
 * (and reports how far it got) once filling has taken `budgetSeconds`.
 */
export async function measureScaling(
  subject: ScalingSubject,
  sizes: readonly number[],
  samples: number,
  budgetSeconds: number,
): Promise<ScalingResult> {
  const { driver } = subject;
  const rows: ScalingRow[] = [];
  let stored = 0;
  let fillMs = 0;
  for (const size of sizes) {
    const t0 = performance.now();
    for (; stored < size; stored++) {
      await driver.createNLB(scalingRequest(`n${stored}`, stored));
      if ((performance.now() - t0 + fillMs) / 1000 > budgetSeconds) {
        fillMs += performance.now() - t0;
        return { subject: subject.name, rows, fillSeconds: fillMs / 1000, stoppedAt: stored + 1 };
      }
    }
    fillMs += performance.now() - t0;
    const times: Record<ScalingOp, number[]> = { createNLB: [], getNLB: [], addVMs: [], deleteNLB: [] };
    for (let k = 0; k < samples; k++) {
      const name = `probe${k}`;
      const timed = async (op: ScalingOp, fn: () => Promise<unknown>) => {
        const t = performance.now();
        await fn();
        times[op].push(performance.now() - t);
      };
      await timed('createNLB', () => driver.createNLB(scalingRequest(name, 60001 + k)));
      await timed('getNLB', () => driver.getNLB({ nameId: name }));
      await timed('addVMs', () => driver.addVMs({ nameId: name }, [{ nameId: 'vm2' }]));
      await timed('deleteNLB', () => driver.deleteNLB({ nameId: name }));
    }
    const ops = Object.fromEntries(
      OPS.map((op) => [op, { p50: pct(times[op], 0.5), p99: pct(times[op], 0.99) }]),
    ) as ScalingRow['ops'];
    rows.push({ subject: subject.name, size, ops });
  }
  return { subject: subject.name, rows, fillSeconds: fillMs / 1000 };
}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '-').padStart(8);

/**
 * Prints the table and the goals: each op's p50 at the largest size within `maxRatio` of its p50 at the
 * smallest, and the file store's fill under `fillGoalSeconds`.
 */
export function printScaling(results: readonly ScalingResult[], maxRatio = 2, fillGoalSeconds = 60): void {
  console.log('\nper-operation cost through the driver, ms (p50 / p99) by NLBs stored');
  console.log(
    `${'driver'.padEnd(16)}${'NLBs'.padStart(7)}  ${OPS.map((o) => `${o} p50    p99`.padStart(22)).join('')}`,
  );
  for (const r of results)
    for (const row of r.rows)
      console.log(
        `${r.subject.padEnd(16)}${String(row.size).padStart(7)}  ${OPS.map((o) => `${f(row.ops[o].p50)}  ${f(row.ops[o].p99)}`.padStart(22)).join('')}`,
      );
  console.log(
    `\ngoals: p50 at the largest size within ${maxRatio}x of the smallest; file: fill < ${fillGoalSeconds} s`,
  );
  for (const r of results) {
    const first = r.rows[0];
    const last = r.rows[r.rows.length - 1];
    const ratios =
      first && last
        ? OPS.map((o) => {
            const ratio = last.ops[o].p50 / first.ops[o].p50;
            return `${o} ${ratio.toFixed(2)}x ${ratio <= maxRatio ? 'met' : 'NOT met'}`;
          }).join(', ')
        : 'no rows';
    const fill = r.stoppedAt
      ? `fill stopped at the time budget after ${r.stoppedAt} NLBs (${r.fillSeconds.toFixed(1)} s)`
      : `${last?.size ?? 0} creates took ${r.fillSeconds.toFixed(1)} s${r.subject.startsWith('file') ? (r.fillSeconds < fillGoalSeconds ? ' (goal met)' : ' (goal NOT met)') : ''}`;
    console.log(`  ${r.subject.padEnd(14)} ${last?.size ?? 0} vs ${first?.size ?? 0}: ${ratios}; ${fill}`);
  }
}
