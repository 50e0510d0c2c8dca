/** `nlbkit capabilities`: what the connection's driver supports (no call: the handler publishes it). */
import type { Command } from 'commander';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import type { CliIO } from './cli-io.js';
import { addCommonOptions } from './nlb-options.js';
import { renderCapabilities } from './render-nlb.js';
import { type ActionOptions, runAction } from './run-action.js';

/**
 * Registers `nlbkit capabilities`.
 *
 * @example
 * nlbkit capabilities --config nlbkit.yaml --connection aws-prod
 * nlbkit capabilities --server http://127.0.0.1:7480 --connection test --json
 */
export function registerCapabilitiesCommand(program: Command, io: CliIO): void {
  addCommonOptions(
    program.command('capabilities').description("show what the connection's driver supports"),
  ).action((o: ActionOptions) =>
    runAction<DriverCapabilities>(io, o, () => ({
      operation: 'capabilities',
      run: async (h) => h.capabilities,
      render: (caps, target) => renderCapabilities(caps, target.connection),
    })),
  );
}
