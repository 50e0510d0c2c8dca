/**
 * Runs commands on a remote LB node over OpenSSH. ssh joins its arguments into one string for the remote
 * shell, so every argument is single-quoted here; the host and options are validated so none of them can
 * be read as an ssh option.
 */
import { localExecutor } from './local-executor.js';
import type { Executor } from './types.js';

/** `[user@]host`: a DNS name or IPv4 address, optionally a user; no leading '-'. */
export const SSH_HOST_PATTERN = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}@)?[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
/** Paths for `-i` and `UserKnownHostsFile`: no spaces, quotes or leading '-'. */
const SSH_PATH_PATTERN = /^[A-Za-z0-9_./][A-Za-z0-9_./@+-]{0,1023}$/;

/** Options of {@link sshExecutor}. */
export interface SshExecutorOptions {
  /** TCP port of the remote sshd (default: ssh's own default). */
  port?: number;
  /** Private key file passed as `-i`. */
  identityFile?: string;
  /** Runs the local `ssh` vector (default: {@link localExecutor}). */
  base?: Executor;
}

/** Quotes one argument for a POSIX shell: `'...'` with each `'` written as `'\''`. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('[nlbkit] sshExecutor: an argument holds a NUL byte');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * An {@link Executor} that runs every command on `host` over ssh (BatchMode: never prompts).
 *
 * @throws Error before anything runs when the host, port or key path is not acceptable.
 * @example
 * const ex = sshExecutor('root@lb1.example.net', { port: 2222 });
 * await ex.run(['nft', 'list', 'ruleset']);
 */
export function sshExecutor(host: string, options: SshExecutorOptions = {}): Executor {
  if (typeof host !== 'string' || !SSH_HOST_PATTERN.test(host)) {
    throw new Error(`[nlbkit] sshExecutor: invalid host (allowed: ${SSH_HOST_PATTERN.source})`);
  }
  const prefix = ['ssh', '-o', 'BatchMode=yes'];
  if (options.port !== undefined) {
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
      throw new Error('[nlbkit] sshExecutor: port must be 1-65535');
    }
    prefix.push('-p', String(options.port));
  }
  if (options.identityFile !== undefined) {
    if (!SSH_PATH_PATTERN.test(options.identityFile)) {
      throw new Error('[nlbkit] sshExecutor: identityFile must be a plain path');
    }
    prefix.push('-i', options.identityFile);
  }
  const base = options.base ?? localExecutor();
  return {
    where: `ssh ${host.replace(/^.*@/, '')}`,
    run: (argv, opts) => {
      if (argv.length === 0) return Promise.reject(new Error('[nlbkit] executor: empty argument vector'));
      return base.run([...prefix, '--', host, argv.map(shellQuote).join(' ')], opts);
    },
  };
}
