/**
 * How every `nlbkit nlb` command runs: build the request (flags or `--file`), open the target, then
 * either check it (`--dry-run`, no call) or call the handler with a progress display and Ctrl-C as
 * its abort signal; print the result as a table or as JSON (`--json`); on failure print the error
 * (render-error.ts) and exit with its code (exit-codes.ts). The target is always closed.
 */
import { InvalidArgumentError } from 'commander';
import type { NativeCallOptions } from '../../drivers/native/index.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import type { CallOptions, IID } from '../../interfaces/types.js';
import type { CliIO } from './cli-io.js';
import { checkDryRun, type DryRunOperation } from './dry-run.js';
import { EXIT_OK, exitCodeOf } from './exit-codes.js';
import { startProgress } from './progress-display.js';
import { type FlagOfField, renderError } from './render-error.js';
import { openTarget, type Target, type TargetOptions } from './target.js';

/** The options every command shares, as parsed. */
export interface ActionOptions extends TargetOptions {
  json?: boolean | undefined;
  dryRun?: boolean | undefined;
  wait?: boolean | undefined;
  /** Seconds, already parsed by {@link waitTimeoutSeconds}. */
  waitTimeout?: number | undefined;
}

/** One command's operation. */
export interface ActionSpec<T> {
  operation: string;
  /** The NLB it is about, when it is about one. */
  iid?: IID | undefined;
  /** What is sent (create and the change commands), shown by `--dry-run`. */
  request?: unknown;
  /** The flag behind each field, when the request came from flags. */
  flags?: FlagOfField | undefined;
  /** Set on commands that change something: they accept `--dry-run` and `--wait`. */
  dryRun?: DryRunOperation | undefined;
  run(handler: NLBHandler, opts: CallOptions, target: Target): Promise<T>;
  /** The result as a person reads it. */
  render(result: T, target: Target): string;
}

/** Parses `--wait-timeout`: whole seconds, 1-3600. */
export function waitTimeoutSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 3600) throw new InvalidArgumentError('must be 1-3600 seconds');
  return n;
}

const unsupported = (operation: string, message: string) =>
  new NLBError({
    code: 'UNSUPPORTED',
    driver: 'cli',
    operation,
    message,
    violations: [{ path: '--wait', message, code: 'UNSUPPORTED' }],
  });

/** The call options: abort on Ctrl-C, progress, and the native driver's wait when asked for. */
function callOptions(spec: ActionSpec<unknown>, opts: ActionOptions, target: Target, signal: AbortSignal) {
  const call: NativeCallOptions = { signal };
  if (!opts.wait) return call;
  if (target.remote)
    throw unsupported(
      spec.operation,
      "--wait needs the connection in this process: the server's /v1 API does not wait for LB nodes (use --config)",
    );
  if (target.driver !== 'native')
    throw unsupported(
      spec.operation,
      `--wait is for native connections (it waits for every LB node); ${target.connection} uses the ${target.driver} driver, whose calls return when the change is done`,
    );
  call.wait = opts.waitTimeout === undefined ? {} : { timeoutMs: opts.waitTimeout * 1000 };
  return call;
}

/** Ctrl-C (or SIGTERM) aborts the call; the driver then undoes what it started. */
function interruptSignal(io: CliIO): { signal: AbortSignal; dispose(): void } {
  if (io.interrupt) return { signal: io.interrupt, dispose: () => {} };
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

/** Runs one command; never throws (the outcome is the output and the exit code). */
export async function runAction<T>(
  io: CliIO,
  opts: ActionOptions,
  build: () => ActionSpec<T> | Promise<ActionSpec<T>>,
): Promise<void> {
  let flags: FlagOfField | undefined;
  let target: Target | undefined;
  try {
    const spec = await build();
    flags = spec.flags;
    target = await openTarget(opts, io);
    if (opts.dryRun && spec.dryRun) {
      checkDryRun(target.handler.capabilities, spec.dryRun, spec.iid, spec.request);
      const plan = {
        dryRun: true,
        connection: target.connection,
        driver: target.driver,
        operation: spec.operation,
        iid: spec.iid,
        request: spec.request,
      };
      io.stdout.write(
        opts.json
          ? `${JSON.stringify(plan, null, 2)}\n`
          : `dry run: ${spec.operation} on ${target.connection} (${target.driver}) passes the checks; nothing was called. It would send:\n${JSON.stringify({ iid: spec.iid, request: spec.request }, null, 2)}\n`,
      );
      io.setExitCode(EXIT_OK);
      return;
    }
    const interrupt = interruptSignal(io);
    const progress = startProgress(io.stderr, spec.operation);
    let result: T;
    try {
      const call = callOptions(spec as ActionSpec<unknown>, opts, target, interrupt.signal);
      result = await spec.run(target.handler, { ...call, onProgress: progress.onProgress }, target);
    } finally {
      progress.stop();
      interrupt.dispose();
    }
    io.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${spec.render(result, target)}\n`);
    io.setExitCode(EXIT_OK);
  } catch (e) {
    io.stderr.write(renderError(e, flags));
    io.setExitCode(exitCodeOf(e));
  } finally {
    await target?.close().catch(() => {});
  }
}
