/**
 * Host commands for the netns lab (the demo and the end-to-end tests), as argument vectors through
 * the engine's local executor.
 */
import { localExecutor } from '../native/executor/index.js';
import type { ExecResult } from '../native/executor/types.js';

const local = localExecutor();

/** Runs `argv` on the host; resolves with its exit code and output, rejects only if it cannot start. */
export function runArgv(
  argv: readonly string[],
  opts: { stdin?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return local.run(argv, opts);
}

/** Runs `argv` on the host and throws (with its stderr) unless it exits 0. */
export async function mustRun(argv: readonly string[], opts?: { stdin?: string }): Promise<string> {
  const result = await runArgv(argv, opts);
  if (result.code !== 0) {
    throw new Error(`'${argv.join(' ')}' exited ${result.code}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}
