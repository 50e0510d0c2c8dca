/**
 * `nlbkit nlb adopt | release`: the adoption extension (CB-Spider's regnlb) from the shell. `adopt`
 * takes over a provider load balancer nlbkit did not create, by its provider id; `release` stops
 * managing an NLB without deleting it. Refused with UNSUPPORTED where the connection's driver does
 * not adopt. Neither has `--dry-run` (there is nothing to check without the provider) nor `--wait`.
 */
import type { Command } from 'commander';
import { isAdoptable } from '../../interfaces/adoption.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import type { CliIO } from './cli-io.js';
import { addCommonOptions } from './nlb-options.js';
import { renderNLB } from './render-nlb.js';
import { type ActionOptions, runAction } from './run-action.js';
import type { Target } from './target.js';

/** The handler's adoption extension, or UNSUPPORTED naming the connection and its driver. */
function adoptable(handler: NLBHandler, target: Target, operation: string) {
  if (isAdoptable(handler)) return handler;
  throw new NLBError({
    code: 'UNSUPPORTED',
    driver: 'cli',
    operation,
    message: `${target.connection} uses the ${target.driver} driver, which does not adopt load balancers it did not create`,
  });
}

/** Registers `adopt` and `release` under `nlb`. */
export function registerNlbAdoptCommands(nlb: Command, io: CliIO): void {
  addCommonOptions(
    nlb
      .command('adopt')
      .description('take over a load balancer nlbkit did not create, by its provider id (adoptNLB)')
      .argument('<name>', 'the name to manage it under (some drivers require the provider name)')
      .requiredOption('--system-id <id>', "the provider's id of the load balancer"),
  ).action((name: string, o: ActionOptions & { systemId: string }) =>
    runAction(io, o, () => ({
      operation: 'adoptNLB',
      iid: { nameId: name },
      run: (h, call, target) => adoptable(h, target, 'adoptNLB').adoptNLB(o.systemId, { nameId: name }, call),
      render: renderNLB,
    })),
  );
  addCommonOptions(
    nlb
      .command('release')
      .description('stop managing an NLB without deleting it: the provider keeps it (releaseNLB)')
      .argument('<name>', "the NLB's name"),
  ).action((name: string, o: ActionOptions) =>
    runAction(io, o, () => ({
      operation: 'releaseNLB',
      iid: { nameId: name },
      run: (h, call, target) => adoptable(h, target, 'releaseNLB').releaseNLB({ nameId: name }, call),
      render: () => `released NLB ${name}: the provider keeps it; nlbkit no longer manages it`,
    })),
  );
}
