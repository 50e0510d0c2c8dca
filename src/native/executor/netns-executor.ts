/**
 * Runs commands inside a named network namespace (`ip netns exec NAME argv...`), which is how the agent
 * programs an LB node that lives in a namespace and how the tests get a kernel of their own.
 */
import { localExecutor } from './local-executor.js';
import type { Executor } from './types.js';

/** Names `ip netns` accepts and that cannot be read as an option or a path. */
export const NETNS_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Options of {@link netnsExecutor}. */
export interface NetnsExecutorOptions {
  /** Runs the `ip netns exec ...` vector (default: {@link localExecutor}). */
  base?: Executor;
}

/**
 * An {@link Executor} that runs every command in network namespace `name`.
 *
 * @throws Error when `name` is not 1-64 letters, digits, `_`, `.` or `-` (or is `.`/`..` or starts with `-`), before anything runs.
 * @example
 * const ex = netnsExecutor('nlbk-lb1');
 * await ex.run(['nft', 'list', 'ruleset']);
 */
export function netnsExecutor(name: string, options: NetnsExecutorOptions = {}): Executor {
  assertNetnsName(name, 'netnsExecutor');
  const base = options.base ?? localExecutor();
  return {
    where: `netns ${name}`,
    netns: name,
    run: (argv, opts) => {
      if (argv.length === 0) return Promise.reject(new Error('[nlbkit] executor: empty argument vector'));
      return base.run(['ip', 'netns', 'exec', name, ...argv], opts);
    },
  };
}

/**
 * Throws unless `name` is a namespace name that is safe to pass to `ip netns exec` as one argument.
 *
 * @throws Error naming `who` when `name` is not 1-64 letters, digits, `_`, `.` or `-`, is `.`/`..` or starts with `-`.
 */
export function assertNetnsName(name: string, who: string): void {
  if (
    typeof name !== 'string' ||
    !NETNS_NAME_PATTERN.test(name) ||
    name === '.' ||
    name === '..' ||
    name.startsWith('-')
  ) {
    throw new Error(`[nlbkit] ${who}: invalid namespace name (allowed: ${NETNS_NAME_PATTERN.source})`);
  }
}
