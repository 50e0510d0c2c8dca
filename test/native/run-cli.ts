/** Runs `nlbkit agent` (test/native/cli-agent-main.ts) in its own process, for the CLI tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const main = join(import.meta.dirname, 'cli-agent-main.ts');

/** A started CLI process: its exit code, and what it wrote to stderr so far. */
export interface CliProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr(): string;
  stdout(): string;
}

/**
 * Starts the CLI with `args`; `env` is added to this process's environment. `detached`: in a process
 * group of its own, so a test can signal the group as systemd or a terminal would.
 */
export function runCli(args: string[], env: Record<string, string> = {}, detached = false): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    detached,
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}
