/**
 * The progress display: plain lines in a pipe, a spinner line rewritten in place on a terminal and
 * erased at the end; fed by a test driver that reports steps through `onProgress`, run by the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressConnection, STEPS } from '../../../test/cli/progress-driver.js';
import { runNlb } from '../../../test/cli/run-nlb.js';
import { type TempConfig, tempConfig } from '../../../test/cli/temp-config.js';
import { CLEAR_LINE, progressLine, SPINNER_FRAMES, startProgress } from './progress-display.js';

let setup: TempConfig;
let config: string;
beforeAll(async () => {
  setup = await tempConfig('progress', 'connections: {cloud: {driver: mock}}\n');
  config = setup.config;
});
afterAll(() => setup.remove());

const create = (tty: boolean) =>
  runNlb(['nlb', 'create', 'web', '--port', '80', '--vms', 'web1', '--config', config], {
    tty,
    createConnection: async () => progressConnection(),
  });

describe('progress of a long operation', () => {
  it('in a pipe: one plain line per step on stderr, in order; stdout holds only the result', async () => {
    const run = await create(false);
    expect(run.code).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/\(\d+\.\ds\)$/, '(_)'))).toEqual(
      STEPS.map((s) => `progress: createNLB: ${s.detail} (_)`),
    );
    expect(run.stdout).toMatch(/^name: +web\n/);
    expect(run.stdout).not.toContain('progress');
  });

  it('on a terminal: a spinner line rewritten for each step, erased before the result', async () => {
    const run = await create(true);
    expect(run.code).toBe(0);
    const frames = run.stderr.split(CLEAR_LINE).filter((f) => f !== '');
    expect(frames[0]).toMatch(new RegExp(`^${SPINNER_FRAMES[0]} createNLB: working \\(\\d+\\.\\ds\\)$`));
    // Each frame: a spinner, the latest step, the time; the spinner may turn between steps.
    const texts = frames.map((f) => f.replace(/^\S+ /, '').replace(/ \(\d+\.\ds\)$/, ''));
    const steps = texts.filter((t, i) => t !== 'createNLB: working' && t !== texts[i - 1]);
    expect(steps).toEqual(STEPS.map((s) => `createNLB: ${s.detail}`));
    expect(run.stderr.endsWith(CLEAR_LINE)).toBe(true);
    expect(run.stderr).not.toContain('\n');
    expect(run.stdout).toMatch(/^name: +web\n/);
  });

  it('the spinner turns while nothing is reported, and a step is kept to one line', async () => {
    let written = '';
    let now = 0;
    const display = startProgress({ isTTY: true, write: (t) => (written += t) }, 'deleteNLB', () => now);
    now = 2500;
    await new Promise((r) => setTimeout(r, 250));
    display.onProgress({
      operation: 'deleteNLB',
      step: 'wait',
      detail: 'line one\nline two',
      elapsedMs: 2500,
    });
    display.stop();
    const frames = written.split(CLEAR_LINE).filter((f) => f !== '');
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(new Set(frames.map((f) => f[0])).size).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatch(/ deleteNLB: line one line two \(2\.5s\)$/);
    expect(progressLine({ operation: 'x', step: 'stored', elapsedMs: 1234 })).toBe(
      'progress: x: stored (1.2s)\n',
    );
  });
});
