/**
 * `nlbkit nlb ...` and `nlbkit capabilities`: every NLBHandler operation from the shell, on a
 * connection of a connections file or of a running `nlbkit serve` (docs/cli.md).
 */
import type { Command } from 'commander';
import { registerCapabilitiesCommand } from './capabilities-command.js';
import { type CliIO, processIO } from './cli-io.js';
import { registerNlbAdoptCommands } from './nlb-adopt-commands.js';
import { registerNlbChangeCommands } from './nlb-change-commands.js';
import { registerNlbCreateCommand } from './nlb-create-command.js';
import { registerNlbReadCommands } from './nlb-read-commands.js';

/**
 * Registers `nlb` and `capabilities` on `program`; `io` is where they read and write (default: this
 * process).
 *
 * @example
 * nlbkit nlb list --config nlbkit.yaml --connection lab
 * NLBKIT_TOKEN=... nlbkit nlb get web --server http://127.0.0.1:7480 --connection test --json
 */
export function registerNlbCommands(program: Command, io: CliIO = processIO()): void {
  const nlb = program.command('nlb').description('create, change, inspect and delete NLBs (docs/cli.md)');
  registerNlbReadCommands(nlb, io);
  registerNlbCreateCommand(nlb, io);
  registerNlbChangeCommands(nlb, io);
  registerNlbAdoptCommands(nlb, io);
  registerCapabilitiesCommand(program, io);
}
