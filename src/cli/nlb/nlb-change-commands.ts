/**
 * `nlbkit nlb delete | add-vms | remove-vms | set-listener | set-vmgroup | set-healthcheck`: changing
 * an NLB. The set commands replace the part they name, as the library does: flags for the common
 * case (the same names as `create`), `--file` for the whole part.
 */
import type { Command } from 'commander';
import type { NLBHandler } from '../../interfaces/handler.js';
import type { CallOptions, IID, NLBInfo } from '../../interfaces/types.js';
import type { CliIO } from './cli-io.js';
import type { DryRunOperation } from './dry-run.js';
import { addChangeOptions, addCommonOptions, addSystemIdOption, iidOf, requestOf } from './nlb-options.js';
import { renderNLB } from './render-nlb.js';
import {
  addHealthFlags,
  addListenerFlags,
  addVMGroupFlags,
  FLAG_OF_FIELD,
  healthFromFlags,
  listenerFromFlags,
  type RequestFlags,
  vmGroupFromFlags,
  vmMembers,
} from './request-flags.js';
import { type ActionOptions, runAction } from './run-action.js';

type ChangeOptions = ActionOptions & RequestFlags & { systemId?: string; file?: string };

/** A command on one NLB that changes it: NAME, `--system-id`, the common and change options. */
function changeCommand(nlb: Command, name: string, description: string, withFile: boolean): Command {
  const cmd = nlb.command(name).description(description).argument('<name>', "the NLB's name");
  if (withFile) cmd.option('--file <file>', 'the whole request as YAML or JSON (instead of the flags)');
  return addChangeOptions(addSystemIdOption(addCommonOptions(cmd)));
}

/** One change: its operation, the request (from flags or `--file`), the call, the output. */
function change<T>(
  io: CliIO,
  o: ChangeOptions,
  nameId: string,
  operation: DryRunOperation,
  fromFlags: (() => unknown) | undefined,
  run: (h: NLBHandler, iid: IID, request: never, call: CallOptions) => Promise<T>,
  render: (result: T) => string,
  extra = false,
) {
  return runAction<T>(io, o, async () => {
    const iid = iidOf(nameId, o);
    const built = fromFlags ? await requestOf(operation, o, fromFlags, extra) : undefined;
    return {
      operation,
      iid,
      request: built?.request,
      flags: built && !built.fromFile ? FLAG_OF_FIELD : undefined,
      dryRun: operation,
      run: (h, call) => run(h, iid, built?.request as never, call),
      render,
    };
  });
}

/** Registers the changing commands under `nlb`. */
export function registerNlbChangeCommands(nlb: Command, io: CliIO): void {
  changeCommand(nlb, 'delete', 'delete an NLB and everything made for it', false).action(
    (name: string, o: ChangeOptions) =>
      change(
        io,
        o,
        name,
        'deleteNLB',
        undefined,
        (h, iid, _r, call) => h.deleteNLB(iid, call),
        () => `deleted NLB ${name}`,
      ),
  );

  for (const [command, operation, description] of [
    ['add-vms', 'addVMs', 'add VMs to the group (none is added if one is in it already)'],
    ['remove-vms', 'removeVMs', 'remove VMs from the group (none is removed if one is not in it)'],
  ] as const)
    changeCommand(nlb, command, description, true)
      .argument('[vms...]', 'the VMs, by name, each with an optional weight (name:weight)')
      .action((name: string, vms: string[], o: ChangeOptions) =>
        change<NLBInfo | boolean>(
          io,
          o,
          name,
          operation,
          () => vmMembers(vms),
          (h, iid, req, call) =>
            operation === 'addVMs' ? h.addVMs(iid, req, call) : h.removeVMs(iid, req, call),
          (result) =>
            typeof result === 'boolean'
              ? `removed ${vmMembers(vms).length} VM(s) from NLB ${name}`
              : renderNLB(result),
          vms.length > 0,
        ),
      );

  const setCommands = [
    [
      'set-listener',
      'replace the listener (protocol, port, address)',
      'changeListener',
      addListenerFlags,
      listenerFromFlags,
    ],
    [
      'set-vmgroup',
      'replace the VM group (protocol, port, VMs, algorithm)',
      'changeVMGroupInfo',
      addVMGroupFlags,
      vmGroupFromFlags,
    ],
    [
      'set-healthcheck',
      'replace the health checker',
      'changeHealthCheckerInfo',
      addHealthFlags,
      healthFromFlags,
    ],
  ] as const;
  for (const [command, description, operation, addFlags, fromFlags] of setCommands)
    addFlags(changeCommand(nlb, command, description, true)).action((name: string, o: ChangeOptions) =>
      change(
        io,
        o,
        name,
        operation,
        () => fromFlags(o),
        (h, iid, req, call) => h[operation](iid, req, call),
        renderNLB,
      ),
    );
}
