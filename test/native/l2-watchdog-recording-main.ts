/**
 * The layer-2 watchdog program with a recording executor, for the watchdog's tests: the real serving
 * code on a real pipe, but each command it would run is appended as a JSON line `{ at, argv }` (`at` on
 * the host's monotonic clock) to `<NLBKIT_TEST_WATCHDOG_DIR>/<pid>.jsonl` instead of running.
 * `NLBKIT_TEST_WATCHDOG_REPLACE_MS` makes each `ip addr replace` take that long (a refresh in flight).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostMonotonicMs } from '../../src/native/announce/l2/l2-watchdog.js';
import { serveWatchdogProcess, watchdogArgs } from '../../src/native/announce/l2/l2-watchdog-serve.js';
import type { Executor } from '../../src/native/executor/types.js';
import { parseLine } from '../../src/native/health/netns-protocol.js';

const args = parseLine(watchdogArgs, process.argv[2] ?? '');
const dir = process.env.NLBKIT_TEST_WATCHDOG_DIR;
if (!args || !dir) throw new Error('needs its JSON argument and NLBKIT_TEST_WATCHDOG_DIR');
const replaceMs = Number(process.env.NLBKIT_TEST_WATCHDOG_REPLACE_MS ?? 0);
const file = join(dir, `${process.pid}.jsonl`);

const executor: Executor = {
  where: 'recording',
  async run(argv) {
    if (argv.includes('replace') && replaceMs > 0) await new Promise((r) => setTimeout(r, replaceMs));
    appendFileSync(file, `${JSON.stringify({ at: hostMonotonicMs(), argv })}\n`);
    return { code: 0, stdout: '', stderr: '' };
  },
};
serveWatchdogProcess(args, executor, (line) => process.stderr.write(`${line}\n`));
