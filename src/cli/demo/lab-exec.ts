/**
 * Runs commands as argument vectors (never shell strings) on the host or inside a network namespace.
 * Used by the netns lab (the demo and the end-to-end tests); the engine's own executors live in
 * src/native/executor.
 */
import { execFile } from 'node:child_process';
import type { ExecResult, Executor } from '../../native/executor/types.js';

/** Runs `argv` on the host; resolves with its exit code and output, rejects only if it cannot start. */
export function runArgv(
  argv: readonly string[],
  opts: { stdin?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        // A non-zero exit is an answer, not a failure to run: only spawn errors reject.
        const code = (error as { code?: unknown } | null)?.code;
        if (error && typeof code === 'string') {
          reject(error);
          return;
        }
        resolve({ code: typeof code === 'number' ? code : error ? 1 : 0, stdout, stderr });
      },
    );
    // A command that exits without reading its stdin must not crash us with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.stdin ?? '');
  });
}

/** Runs `argv` on the host and throws (with its stderr) unless it exits 0. */
export async function mustRun(argv: readonly string[], opts?: { stdin?: string }): Promise<string> {
  const result = await runArgv(argv, opts);
  if (result.code !== 0) {
    throw new Error(`'${argv.join(' ')}' exited ${result.code}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** A minimal executor that runs commands inside network namespace `ns` via `ip netns exec`. */
export function labNetnsExecutor(ns: string): Executor {
  return {
    where: `netns ${ns}`,
    run: (argv, opts) => runArgv(['ip', 'netns', 'exec', ns, ...argv], opts),
  };
}
