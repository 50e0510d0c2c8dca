/** Executors: run argument vectors locally, in a network namespace, or over SSH. */
export {
  DEFAULT_TIMEOUT_MS,
  type LocalExecutorOptions,
  localExecutor,
  TIMEOUT_EXIT_CODE,
} from './local-executor.js';
export {
  assertNetnsName,
  NETNS_NAME_PATTERN,
  type NetnsExecutorOptions,
  netnsExecutor,
} from './netns-executor.js';
export { SSH_HOST_PATTERN, type SshExecutorOptions, shellQuote, sshExecutor } from './ssh-executor.js';
export type { ExecResult, Executor } from './types.js';
