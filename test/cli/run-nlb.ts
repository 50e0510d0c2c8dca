/**
 * Runs `nlbkit nlb ...` / `nlbkit capabilities` in this process, as the shell would (the same
 * commander program main.ts builds, with the commands' io pointed at buffers), and returns what a
 * person would see: stdout, stderr and the exit code. Usage errors exit as commander's do.
 */
import { Command, CommanderError } from 'commander';
import type { CliIO } from '../../src/cli/nlb/cli-io.js';
import { registerNlbCommands } from '../../src/cli/nlb/index.js';

/** What one run printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runNlb}. */
export interface RunNlbOptions {
  env?: Record<string, string | undefined>;
  createConnection?: CliIO['createConnection'];
  /** Pretend stderr is a terminal (the spinner). Default false. */
  tty?: boolean;
}

/** Runs `nlbkit <args>` in-process. */
export async function runNlb(args: readonly string[], opts: RunNlbOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io: CliIO = {
    stdout: { write: (t: string) => (stdout += t), isTTY: opts.tty ?? false },
    stderr: { write: (t: string) => (stderr += t), isTTY: opts.tty ?? false },
    env: opts.env ?? {},
    setExitCode: (c) => {
      code = c;
    },
    createConnection: opts.createConnection,
    interrupt: new AbortController().signal,
  };
  const program = new Command('nlbkit').exitOverride();
  program.configureOutput({ writeOut: (t) => (stdout += t), writeErr: (t) => (stderr += t) });
  registerNlbCommands(program, io);
  for (const cmd of allCommands(program)) cmd.exitOverride().configureOutput(program.configureOutput());
  try {
    await program.parseAsync(['node', 'nlbkit', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  }
  return { code, stdout, stderr };
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
