/**
 * `nlbkit` as a person runs it, for the terminal test: the real commands on the real process
 * streams, over a connection whose createNLB reports progress slowly enough to be seen
 * (test/cli/progress-driver.ts), so a terminal shows the spinner and then the result.
 */
import { Command } from 'commander';
import { processIO } from '../../src/cli/nlb/cli-io.js';
import { registerNlbCommands } from '../../src/cli/nlb/index.js';
import { progressConnection } from './progress-driver.js';

const program = new Command('nlbkit');
registerNlbCommands(program, { ...processIO(), createConnection: async () => progressConnection(700) });
await program.parseAsync(process.argv);
