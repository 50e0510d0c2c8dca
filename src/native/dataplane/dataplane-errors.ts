/** Maps what running nft (or ipvsadm, for the IPVS data plane) left (a spawn error, an exit code, stderr) to an NLBError. */
import { NLBError } from '../../interfaces/errors.js';
import { TIMEOUT_EXIT_CODE } from '../executor/local-executor.js';
import type { ExecResult } from '../executor/types.js';

/** Longest stderr excerpt kept in a message. nft echoes the failing script lines, never secrets: we write them. */
const MAX_STDERR = 2000;

export function excerpt(stderr: string): string {
  const clean = stderr.replace(/[^\x20-\x7e\n\t]/g, '?').trim();
  return clean.length > MAX_STDERR ? `${clean.slice(0, MAX_STDERR)}...` : clean;
}

/** The data-plane tool: which binary ran, and the package that brings it. */
export type DataplaneTool = 'nft' | 'ipvsadm' | 'sysctl' | 'ip';
const PACKAGE: Record<DataplaneTool, string> = {
  nft: 'nftables',
  ipvsadm: 'ipvsadm',
  sysctl: 'procps',
  ip: 'iproute2',
};

/** nft (or `ip`, for a namespace) could not be started at all. */
export function startError(
  where: string,
  operation: string,
  cause: unknown,
  tool: DataplaneTool = 'nft',
): NLBError {
  return new NLBError({
    code: 'UNAVAILABLE',
    driver: 'native',
    operation,
    message: `cannot run ${tool} on ${where}: ${(cause as Error)?.message ?? String(cause)} (is ${PACKAGE[tool]} installed?)`,
    cause,
  });
}

/** True when stderr says the table (or another object) does not exist. */
export function isNotFound(r: ExecResult): boolean {
  return r.code !== 0 && /No such file or directory/.test(r.stderr) && !isMissingBinary(r);
}

/** `ip netns exec` or ssh reporting that the tool itself is missing on the far side. */
function isMissingBinary(r: ExecResult, tool: DataplaneTool = 'nft'): boolean {
  return new RegExp(`exec of "?${tool}"? failed|${tool}: (command )?not found`).test(r.stderr);
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
export function resultError(
  where: string,
  operation: string,
  r: ExecResult,
  tool: DataplaneTool = 'nft',
): NLBError {
  if (r.code === TIMEOUT_EXIT_CODE && /\(timeout\)/.test(r.stderr)) {
    return new NLBError({
      code: 'TIMEOUT',
      driver: 'native',
      operation,
      message: `${tool} on ${where} timed out`,
    });
  }
  if (isMissingBinary(r, tool)) {
    return new NLBError({
      code: 'UNAVAILABLE',
      driver: 'native',
      operation,
      message: `${tool} is not installed on ${where}: ${excerpt(r.stderr)}`,
    });
  }
  return new NLBError({
    code: 'PROVIDER_ERROR',
    driver: 'native',
    operation,
    message: `${tool} on ${where} failed (exit ${r.code}): ${excerpt(r.stderr)}`,
  });
}
