/** `nlbkit agent` alone, as a lab program (the HA lab runs one per LB node as its own process). */
import { Command } from 'commander';
import { registerAgentCommand } from '../cli/agent-command.js';

const program = new Command('nlbkit');
registerAgentCommand(program);
program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
