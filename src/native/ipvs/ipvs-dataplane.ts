/**
 * The IPVS {@link Dataplane}: the Linux Virtual Server, for LB nodes that run IPVS already or want its
 * schedulers. It forwards by NAT (`ipvsadm -m`), direct routing (`-g`, `forwarding: 'dsr'`) or IPIP
 * tunnelling (`-i`, `forwarding: 'tunnel'`); docs/native-forwarding.md#ipvs-direct-routing-and-tunnelling. Every sync reads the kernel's table back, plans the
 * difference (ipvs-plan.ts) and sends it with one `ipvsadm -R`.
 *
 * What differs from the nftables data plane (docs/native-dataplane.md#the-ipvs-data-plane):
 * - IPVS has no transactions. Each line is applied on its own, in an order that keeps every service
 *   serving; a batch that fails part way leaves the lines before it applied, and the next sync, which
 *   starts from a fresh read of the kernel, completes it.
 * - IPVS has no tables to own: nlbkit owns the virtual services whose address lies in `ownedRanges`
 *   (the VIP pool) and never touches another.
 * - A removed backend is drained (weight 0) and deleted once it has no connections, or when its
 *   drain time is over. A deleted real server's connections do not end on their own: by default the
 *   kernel drops their packets silently, so the client hangs until its own timeout. So the first sync
 *   that deletes a drained server sets `net.ipv4.vs.expire_nodest_conn=1` in the node's network
 *   namespace: the kernel then expires such a connection at its next packet, which ends it.
 * - No SNAT (one-armed) mode; in NAT mode the LB node must be the backends' gateway.
 * - dsr and tunnel services use `mh` with their real servers in a canonical order (ipvs-order.ts), and
 *   the first sync that has one sets `net.ipv4.vs.sloppy_tcp=1` in the node's network namespace: IPVS
 *   then takes a TCP flow whose first packet it sees mid-stream (a flow another LB node carried until it
 *   died) instead of dropping it, and `mh` sends it to the backend that node chose.
 * - MAGLEV is the kernel's `mh` scheduler: its table size and hash key are the kernel's, not
 *   `maglevTableSize` and `hashSeed`, so IPVS nodes agree with each other but not with nft nodes.
 */

import { NLBError } from '../../interfaces/errors.js';
import { excerpt, resultError, startError } from '../dataplane/dataplane-errors.js';
import type { ExecResult, Executor } from '../executor/types.js';
import type { Dataplane, NodeDataplaneState, SyncResult } from '../model.js';
import { createVipPool } from '../vip/vip-pool.js';
import { desiredServices } from './ipvs-layout.js';
import { diffIpvs, planIpvs, serviceArgs } from './ipvs-plan.js';
import { type KernelService, parseIpvsList } from './ipvs-readback.js';

/** Options of {@link createIpvsDataplane}. */
export interface IpvsDataplaneOptions {
  /** Where `ipvsadm` runs: {@link localExecutor}, {@link netnsExecutor}, {@link sshExecutor} or a fake. */
  executor: Executor;
  /**
   * The address ranges whose virtual services nlbkit owns (CIDRs or `a-b` ranges, as the VIP pool):
   * it adds, changes and deletes services there, and nowhere else. Use the driver's `vipPool.ranges`.
   */
  ownedRanges: string[];
  /** The ipvsadm binary (default `ipvsadm`, found on PATH). */
  ipvsadmCommand?: string;
  /** Milliseconds one ipvsadm run may take (default 60 000). */
  timeoutMs?: number;
  /** The sysctl binary (default `sysctl`, found on PATH), for `net.ipv4.vs.expire_nodest_conn` and `sloppy_tcp`. */
  sysctlCommand?: string;
}

/** Makes the kernel end a deleted real server's connections at their next packet (see the module comment). */
export const EXPIRE_NODEST_CONN = ['-w', 'net.ipv4.vs.expire_nodest_conn=1'];

/** Lets IPVS take a TCP flow mid-stream, for dsr and tunnel services (see the module comment). */
export const SLOPPY_TCP = ['-w', 'net.ipv4.vs.sloppy_tcp=1'];

/** The kernel has no IPVS (or the module cannot be loaded): say what to do. */
function noIpvs(where: string, operation: string, r: ExecResult): NLBError | undefined {
  if (!/Can't initialize ipvs|Protocol not available|IP Virtual Server is built/.test(r.stderr))
    return undefined;
  return new NLBError({
    code: 'UNSUPPORTED',
    driver: 'native',
    operation,
    message: `the kernel on ${where} has no IPVS (CONFIG_IP_VS; try \`modprobe ip_vs\`): ${excerpt(r.stderr)}`,
  });
}

/**
 * Creates the IPVS data plane for one LB node.
 *
 * @example
 * const dp = createIpvsDataplane({ executor: netnsExecutor('nlbk-lb1'), ownedRanges: ['10.99.0.0/24'] });
 * const state: Parameters<typeof dp.sync>[0] = { hashSeed: 42, maglevTableSize: 251, services: [
 *   { id: 'web', vip: '10.99.0.1', family: 4, protocol: 'tcp', port: 80, algorithm: 'ROUND_ROBIN',
 *     hashFields: 'FIVE_TUPLE', snat: true,
 *     backends: [{ id: 'web1', address: '10.0.0.11', port: 8080, weight: 1 }] },
 * ] };
 * await dp.sync(state);
 * console.log(await dp.verify(state)); // []
 */
export function createIpvsDataplane(options: IpvsDataplaneOptions): Dataplane {
  const ex = options.executor;
  const pool = createVipPool(options.ownedRanges);
  const owns = (vip: string) => pool.contains(vip);
  const ipvsadm = options.ipvsadmCommand ?? 'ipvsadm';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const sysctl = options.sysctlCommand ?? 'sysctl';
  // Set once per data plane (an agent process); setting it again after a restart is harmless.
  let expiring = false;
  let sloppy = false;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };

  const run = async (operation: string, argv: string[], stdin?: string): Promise<ExecResult> => {
    let r: ExecResult;
    try {
      r = await ex.run([ipvsadm, ...argv], { stdin, timeoutMs });
    } catch (e) {
      throw startError(ex.where, operation, e, 'ipvsadm');
    }
    if (r.code !== 0) throw noIpvs(ex.where, operation, r) ?? resultError(ex.where, operation, r, 'ipvsadm');
    return r;
  };
  const runSysctl = async (operation: string, setting: string[]): Promise<void> => {
    let r: ExecResult;
    try {
      r = await ex.run([sysctl, ...setting], { timeoutMs });
    } catch (e) {
      throw startError(ex.where, operation, e, 'sysctl');
    }
    if (r.code !== 0) throw resultError(ex.where, operation, r, 'sysctl');
  };
  const read = async (operation: string): Promise<Map<string, KernelService>> =>
    parseIpvsList((await run(operation, ['-L', '-n', '--exact', '--nosort'])).stdout);
  const ownedCount = (k: Map<string, KernelService>) => [...k.values()].filter((s) => owns(s.vip)).length;

  return {
    forwardingModes: ['nat', 'dsr', 'tunnel'],
    sync: (state: NodeDataplaneState) =>
      serial(async (): Promise<SyncResult> => {
        // Rendering first: bad input throws before anything runs.
        const desired = desiredServices(state, owns);
        if (!expiring && state.services.some((s) => (s.drained ?? []).length > 0)) {
          await runSysctl('sync', EXPIRE_NODEST_CONN);
          expiring = true;
        }
        // Before the services exist: a node must never hold one that drops mid-stream flows.
        if (!sloppy && [...desired.values()].some((s) => s.forward !== 'Masq')) {
          await runSysctl('sync', SLOPPY_TCP);
          sloppy = true;
        }
        const kernel = await read('sync');
        const plan = planIpvs(kernel, desired, owns);
        if (plan.lines.length === 0) return { mode: 'none', statements: 0 };
        await run('sync', ['-R'], `${plan.lines.join('\n')}\n`);
        return { mode: ownedCount(kernel) === 0 ? 'full' : 'incremental', statements: plan.lines.length };
      }),

    verify: (state: NodeDataplaneState) =>
      serial(async () => diffIpvs(await read('verify'), desiredServices(state, owns), owns)),

    destroy: () =>
      serial(async () => {
        const kernel = await read('destroy');
        const lines = [...kernel.values()].filter((s) => owns(s.vip)).map((s) => `-D ${serviceArgs(s)}`);
        if (lines.length > 0) await run('destroy', ['-R'], `${lines.join('\n')}\n`);
      }),
  };
}
