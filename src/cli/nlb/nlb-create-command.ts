/** `nlbkit nlb create`: flags for the common case, `--file` (YAML/JSON) for the whole request. */
import { type Command, Option } from 'commander';
import type { NLBCreateRequest, NLBInfo } from '../../interfaces/types.js';
import type { CliIO } from './cli-io.js';
import { addChangeOptions, addCommonOptions, requestOf } from './nlb-options.js';
import { renderNLB } from './render-nlb.js';
import {
  addHealthFlags,
  addListenerFlags,
  addVMGroupFlags,
  createFromFlags,
  FLAG_OF_FIELD,
  type RequestFlags,
} from './request-flags.js';
import { type ActionOptions, runAction } from './run-action.js';

type CreateOptions = ActionOptions & RequestFlags & { file?: string };

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * Registers `nlbkit nlb create`.
 *
 * @example
 * nlbkit nlb create web --port 80 --backend-port 8080 --vms web1,web2 --health-path /healthz
 * nlbkit nlb create --file web.yaml --dry-run
 */
export function registerNlbCreateCommand(nlb: Command, io: CliIO): void {
  const cmd = nlb
    .command('create')
    .description('create an NLB, all or nothing')
    .argument('[name]', "the NLB's name (with --file: the file's iid.nameId)");
  addListenerFlags(cmd);
  addVMGroupFlags(cmd);
  addHealthFlags(cmd);
  cmd
    .option('--type <PUBLIC|INTERNAL>', 'default PUBLIC')
    .option('--scope <REGION|GLOBAL>', 'default REGION')
    .option('--vpc <name>', 'the VPC (required on the clouds)')
    .addOption(new Option('--tag <key=value>', 'a tag (repeat for more)').argParser(collect))
    .option('--file <file>', 'the whole NLBCreateRequest as YAML or JSON (instead of NAME and the flags)');
  addChangeOptions(addCommonOptions(cmd)).action((name: string | undefined, o: CreateOptions) =>
    runAction<NLBInfo>(io, o, async () => {
      const { request, fromFile } = await requestOf(
        'createNLB',
        o,
        () => createFromFlags(name ?? '', o),
        name !== undefined,
      );
      const iid = (request as { iid?: { nameId?: unknown } } | null)?.iid;
      return {
        operation: 'createNLB',
        iid: typeof iid?.nameId === 'string' ? { nameId: iid.nameId } : undefined,
        request,
        flags: fromFile ? undefined : FLAG_OF_FIELD,
        dryRun: 'createNLB',
        run: (h, call) => h.createNLB(request as NLBCreateRequest, call),
        render: renderNLB,
      };
    }),
  );
}
