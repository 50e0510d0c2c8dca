/**
 * Runs commands on this host with `child_process.spawn`: an argument vector, optional stdin, a timeout,
 * and never a shell, so no character in an argument can start a second command.
 */
import { spawn } from 'node:child_process';
import type { ExecResult, Executor } from './types.js';

/** Exit code reported when a command is killed for running past its timeout (as coreutils `timeout` does). */
export const TIMEOUT_EXIT_CODE = 124;

/** Default time a command may run before it is killed. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Options of {@link localExecutor}. */
export interface LocalExecutorOptions {
  /** Milliseconds a command may run when the caller gives no `timeoutMs` (default 60 000). */
  defaultTimeoutMs?: number;
  /** Shown in error messages (default `local`). */
  where?: string;
}

/**
 * An {@link Executor} that runs commands on this host.
 *
 * A command that runs past its timeout is killed (SIGKILL) and resolves with exit code
 * {@link TIMEOUT_EXIT_CODE} and a note at the end of stderr; a command that cannot start (not
 * installed, not executable) rejects with the spawn error.
 *
 * @example
 * const r = await localExecutor().run(['nft', '--version']);
 * console.log(r.code, r.stdout);
 */
export function localExecutor(options: LocalExecutorOptions = {}): Executor {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    where: options.where ?? 'local',
    run: (argv, opts = {}) => spawnArgv(argv, opts.stdin, opts.timeoutMs ?? defaultTimeoutMs),
  };
}

/** Spawns `argv` without a shell and collects its output. */
export function spawnArgv(
  argv: readonly string[],
  stdin: string | undefined,
  timeoutMs: number,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (!file) {
      reject(new Error('[nlbkit] executor: empty argument vector'));
      return;
    }
    const child = spawn(file, args, { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      let stderr = Buffer.concat(err).toString('utf8');
      let exit = code ?? 128;
      if (timedOut) {
        exit = TIMEOUT_EXIT_CODE;
        stderr += `\n[nlbkit] killed after ${timeoutMs} ms (timeout)`;
      } else if (code === null && signal) {
        stderr += `\n[nlbkit] killed by ${signal}`;
      }
      resolve({ code: exit, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
    // A child that exits before reading its stdin makes the write fail with EPIPE; its exit code tells the story.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}
