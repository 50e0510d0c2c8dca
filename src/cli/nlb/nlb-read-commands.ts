/** `nlbkit nlb list | get | health`: reading NLBs. */
import type { Command } from 'commander';
import type { HealthInfo, NLBInfo } from '../../interfaces/types.js';
import { isStoreMissing } from '../../native/store/store-errors.js';
import type { CliIO } from './cli-io.js';
import { addCommonOptions, addSystemIdOption, iidOf } from './nlb-options.js';
import { renderHealth, renderNLB, renderNLBList } from './render-nlb.js';
import { type ActionOptions, runAction } from './run-action.js';

type NameOptions = ActionOptions & { systemId?: string };

/** Registers the reading commands under `nlb`. */
export function registerNlbReadCommands(nlb: Command, io: CliIO): void {
  addCommonOptions(nlb.command('list').description('list the NLBs of the connection')).action(
    (o: ActionOptions) =>
      runAction<NLBInfo[]>(io, o, () => ({
        operation: 'listNLB',
        run: (h, call) =>
          h.listNLB(call).catch((e: unknown) => {
            // A native store the first write will create: nothing to list yet (as `serve --check` says).
            if (!isStoreMissing(e)) throw e;
            io.stderr.write('note: the store does not exist yet; the first write creates it\n');
            return [];
          }),
        render: renderNLBList,
      })),
  );

  addSystemIdOption(
    addCommonOptions(nlb.command('get').description('show one NLB').argument('<name>', "the NLB's name")),
  ).action((name: string, o: NameOptions) =>
    runAction<NLBInfo>(io, o, () => {
      const iid = iidOf(name, o);
      return { operation: 'getNLB', iid, run: (h, call) => h.getNLB(iid, call), render: renderNLB };
    }),
  );

  addSystemIdOption(
    addCommonOptions(
      nlb
        .command('health')
        .description("show the health of an NLB's VMs")
        .argument('<name>', "the NLB's name"),
    ),
  ).action((name: string, o: NameOptions) =>
    runAction<HealthInfo>(io, o, () => {
      const iid = iidOf(name, o);
      return {
        operation: 'getVMGroupHealthInfo',
        iid,
        run: (h, call) => h.getVMGroupHealthInfo(iid, call),
        render: renderHealth,
      };
    }),
  );
}
