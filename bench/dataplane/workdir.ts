/**
 * The bench's scratch directory for server configs and logs, `<tmp>/nlbk-bench-<pid>-*`: removed on
 * exit, and directories of dead earlier runs are removed at start.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../src/common/process-alive.js';

const NAME = /^nlbk-bench-(\d+)-/;

/** Creates this run's scratch directory (removed when the process exits) after removing stale ones. */
export function makeWorkdir(): string {
  for (const name of readdirSync(tmpdir())) {
    const m = NAME.exec(name);
    if (m && !processAlive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(tmpdir(), `nlbk-bench-${process.pid}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
