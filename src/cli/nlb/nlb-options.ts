/** The options the `nlbkit nlb` commands share: target, output, and (for changes) dry run and wait. */
import type { Command } from 'commander';
import { NLBError } from '../../interfaces/errors.js';
import type { IID } from '../../interfaces/types.js';
import { readRequestFile } from './request-file.js';
import { anyRequestFlag, type RequestFlags } from './request-flags.js';
import { waitTimeoutSeconds } from './run-action.js';
import { addTargetOptions } from './target.js';

/** Adds the target options and `--json`. */
export function addCommonOptions(cmd: Command): Command {
  return addTargetOptions(cmd).option('--json', "print the library's types as JSON (for scripts)");
}

/** Adds `--system-id`, for commands that name one NLB. */
export function addSystemIdOption(cmd: Command): Command {
  return cmd.option('--system-id <id>', "the provider's id of the NLB, when the name is not enough");
}

/** Adds `--dry-run`, `--wait` and `--wait-timeout`, for commands that change something. */
export function addChangeOptions(cmd: Command): Command {
  return cmd
    .option('--dry-run', "check the request against the connection's capabilities and print it; call nothing")
    .option('--wait', 'native connections: return once every LB node has applied the change')
    .option('--wait-timeout <seconds>', 'how long --wait waits (default 30)', waitTimeoutSeconds);
}

/** The NLB's IID from NAME and `--system-id`. */
export const iidOf = (name: string, o: { systemId?: string | undefined }): IID =>
  o.systemId === undefined ? { nameId: name } : { nameId: name, systemId: o.systemId };

/**
 * The request: `--file`'s content, or what `fromFlags` builds. Both at once is refused (which would
 * win is a guess), as is `--file` on a command with positional values given too.
 */
export async function requestOf(
  operation: string,
  o: RequestFlags & { file?: string | undefined },
  fromFlags: () => unknown,
  extra = false,
): Promise<{ request: unknown; fromFile: boolean }> {
  if (o.file === undefined) return { request: fromFlags(), fromFile: false };
  if (anyRequestFlag(o) || extra)
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'cli',
      operation,
      message: '--file holds the whole request: give it alone, without the flags or values that set fields',
    });
  return { request: await readRequestFile(o.file, operation), fromFile: true };
}
