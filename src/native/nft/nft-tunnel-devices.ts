/**
 * The ipip devices of tunnel forwarding in the kernel (nft-tunnel.ts plans them): read back, created
 * before the nft transaction that names them, removed after it, and undone when it fails. Every
 * command is an argument vector of `ip` whose values nft-tunnel.ts has checked.
 */
import { resultError, startError } from '../dataplane/dataplane-errors.js';
import type { Executor } from '../executor/types.js';
import {
  type KernelTunnel,
  parseTunnelDevices,
  planTunnelDevices,
  type TunnelDevicePlan,
} from './nft-tunnel.js';

const TIMEOUT_MS = 10_000;

async function ip(ex: Executor, operation: string, argv: string[]) {
  let r: Awaited<ReturnType<Executor['run']>>;
  try {
    r = await ex.run(argv, { timeoutMs: TIMEOUT_MS });
  } catch (e) {
    throw startError(ex.where, operation, e, 'ip');
  }
  if (r.code !== 0) throw resultError(ex.where, operation, r, 'ip');
  return r.stdout;
}

/** nlbkit's ipip devices on the node (none when the kernel has no ipip module loaded yet). */
export async function readTunnelDevices(ex: Executor, operation: string): Promise<KernelTunnel[]> {
  const out = await ip(ex, operation, ['ip', '-d', '-j', 'link', 'show', 'type', 'ipip']);
  try {
    return parseTunnelDevices(out);
  } catch {
    throw resultError(ex.where, operation, { code: 1, stdout: '', stderr: 'unreadable ip -j output' }, 'ip');
  }
}

/** The plan for `want` (mark -> backend address) against the kernel's devices now. */
export async function planTunnels(
  ex: Executor,
  operation: string,
  want: ReadonlyMap<number, string>,
): Promise<TunnelDevicePlan> {
  return planTunnelDevices(want, await readTunnelDevices(ex, operation));
}

/**
 * Runs `steps` in order; if one fails, deletes the devices `created` names that exist by then (the
 * node keeps no half-made device) and throws the failure.
 */
export async function runTunnelSteps(
  ex: Executor,
  operation: string,
  steps: readonly string[][],
  created: readonly string[] = [],
): Promise<void> {
  try {
    for (const argv of steps) await ip(ex, operation, argv);
  } catch (e) {
    await removeTunnelDevices(ex, created);
    throw e;
  }
}

/** Deletes these devices, ignoring ones already gone (an undo, or destroy). */
export async function removeTunnelDevices(ex: Executor, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await ex.run(['ip', 'link', 'del', 'dev', name], { timeoutMs: TIMEOUT_MS });
    } catch {
      // Best effort: the error that made us undo is the one to report.
    }
  }
}
