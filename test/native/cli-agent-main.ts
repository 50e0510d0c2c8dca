/** `nlbkit agent` alone, for the CLI test (the real main.ts belongs to the lead and registers it too). */
import { Command } from 'commander';
import { registerAgentCommand } from '../../src/cli/agent-command.js';

const program = new Command('nlbkit');
registerAgentCommand(program);
program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
