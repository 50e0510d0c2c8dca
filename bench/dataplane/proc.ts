/** Runs programs inside the bench's namespaces as argument vectors (never a shell), with time limits. */
import { type ChildProcess, spawn } from 'node:child_process';

/** The outcome of a finished program. */
export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started program: its result, and a way to end it early. */
export interface RunningProc {
  child: ChildProcess;
  done: Promise<ProcResult>;
  /** Sends `signal` (default SIGINT: wrk then prints its statistics and exits). */
  interrupt(signal?: NodeJS.Signals): void;
}

/** The argv that runs `argv` inside namespace `ns`. */
export function inNs(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

/**
 * Starts `argv`; it is killed (SIGKILL) if still running after `timeoutMs`. Resolves when it exits;
 * rejects only if it cannot start.
 */
export function start(argv: readonly string[], timeoutMs: number): RunningProc {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty argv');
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-8000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<ProcResult>((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    interrupt: (signal = 'SIGINT') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Runs `argv` to completion and throws (with its stderr) unless it exits 0. */
export async function must(argv: readonly string[], timeoutMs = 15_000): Promise<string> {
  const r = await start(argv, timeoutMs).done;
  if (r.code !== 0) throw new Error(`'${argv.join(' ')}' exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
