/** `nlbkit agent`, `backend`, `status` and `store` alone, for the CLI tests (without the demo's imports). */
import { Command } from 'commander';
import { registerAgentCommand } from '../../src/cli/agent-command.js';
import { registerBackendCommand } from '../../src/cli/backend-command.js';
import { registerStatusCommand } from '../../src/cli/status-command.js';
import { registerStoreCommand } from '../../src/cli/store-command.js';

const program = new Command('nlbkit');
registerAgentCommand(program);
registerBackendCommand(program);
registerStatusCommand(program);
registerStoreCommand(program);
program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
