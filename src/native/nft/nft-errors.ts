/** Maps what running nft left (a spawn error, an exit code, stderr) to an NLBError. */
import { NLBError } from '../../interfaces/errors.js';
import { TIMEOUT_EXIT_CODE } from '../executor/local-executor.js';
import type { ExecResult } from '../executor/types.js';

/** Longest stderr excerpt kept in a message. nft echoes the failing script lines, never secrets: we write them. */
const MAX_STDERR = 2000;

function excerpt(stderr: string): string {
  const clean = stderr.replace(/[^\x20-\x7e\n\t]/g, '?').trim();
  return clean.length > MAX_STDERR ? `${clean.slice(0, MAX_STDERR)}...` : clean;
}

/** nft (or `ip`, for a namespace) could not be started at all. */
export function startError(where: string, operation: string, cause: unknown): NLBError {
  return new NLBError({
    code: 'UNAVAILABLE',
    driver: 'native',
    operation,
    message: `cannot run nft on ${where}: ${(cause as Error)?.message ?? String(cause)} (is nftables installed?)`,
    cause,
  });
}

/** True when stderr says the table (or another object) does not exist. */
export function isNotFound(r: ExecResult): boolean {
  return r.code !== 0 && /No such file or directory/.test(r.stderr) && !isMissingBinary(r);
}

/** `ip netns exec` or ssh reporting that nft itself is missing on the far side. */
function isMissingBinary(r: ExecResult): boolean {
  return /exec of "?nft"? failed|nft: (command )?not found/.test(r.stderr);
}

/**
 * The error for a transaction that failed on the flowtable declaration, or undefined. The kernel says
 * only "No such file or directory" both when it lacks flowtables and when a device does not exist.
 */
export function flowtableError(
  where: string,
  devices: string[] | undefined,
  r: ExecResult,
): NLBError | undefined {
  if (!devices?.length || r.code === 0 || !/flowtable/.test(r.stderr)) return undefined;
  if (!/No such file or directory|Operation not supported|Could not process rule/.test(r.stderr))
    return undefined;
  return new NLBError({
    code: 'UNSUPPORTED',
    driver: 'native',
    operation: 'sync',
    message:
      `the kernel on ${where} refused the flowtable on ${devices.join(', ')}: a device does not exist there, or the ` +
      `kernel lacks nftables flowtables (CONFIG_NF_FLOW_TABLE_INET; try \`modprobe nf_flow_table_inet\`). ` +
      `nft: ${excerpt(r.stderr)}`,
  });
}

/** The error for a command that ran and failed. */
export function resultError(where: string, operation: string, r: ExecResult): NLBError {
  if (r.code === TIMEOUT_EXIT_CODE && /\(timeout\)/.test(r.stderr)) {
    return new NLBError({
      code: 'TIMEOUT',
      driver: 'native',
      operation,
      message: `nft on ${where} timed out`,
    });
  }
  if (isMissingBinary(r)) {
    return new NLBError({
      code: 'UNAVAILABLE',
      driver: 'native',
      operation,
      message: `nft is not installed on ${where}: ${excerpt(r.stderr)}`,
    });
  }
  return new NLBError({
    code: 'PROVIDER_ERROR',
    driver: 'native',
    operation,
    message: `nft on ${where} failed (exit ${r.code}): ${excerpt(r.stderr)}`,
  });
}
