#!/usr/bin/env node
/** The `nlbkit` command: thin; it parses arguments, calls the library and prints. */
import { Command } from 'commander';
import { registerAgentCommand } from './agent-command.js';
import { registerBackendCommand } from './backend-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerNlbCommands } from './nlb/index.js';
import { registerServeCommand } from './serve-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerStoreCommand } from './store-command.js';

const program = new Command('nlbkit').description('Layer-4 network load balancers, one interface.');
registerAgentCommand(program);
registerBackendCommand(program);
registerDemoCommand(program);
registerNlbCommands(program);
registerServeCommand(program);
registerStatusCommand(program);
registerStoreCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
