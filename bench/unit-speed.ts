/**
 * The fast test project's wall time beside its goal (issue #19: under a minute), the same command a
 * contributor runs: `npm run test:unit` (every CPU, one module cache per worker). Median of `--runs`.
 *
 * Run: npm run bench:unit [-- --runs 3]
 * Measure on an otherwise idle machine: the project is CPU-bound, so any other job shows up here.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs, stripVTControlCharacters } from 'node:util';

const GOAL_S = 60;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive integer, not ${values.runs}`);

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const run = spawnSync('npm', ['run', '--silent', 'test:unit'], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  const summary = stripVTControlCharacters(run.stdout).match(/Test Files .*|Tests .*/g);
  if (run.status !== 0)
    throw new Error(`npm run test:unit failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  times.push(seconds);
  console.log(`run ${i + 1}: ${seconds.toFixed(1)} s  (${summary?.join('; ') ?? 'no summary'})`);
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
const load = os.loadavg()[0]?.toFixed(2);
console.log(
  `\nunit project, ${os.cpus().length} CPUs, load ${load}: median ${median.toFixed(1)} s  goal < ${GOAL_S} s  ${median < GOAL_S ? 'met' : 'NOT met'}`,
);
