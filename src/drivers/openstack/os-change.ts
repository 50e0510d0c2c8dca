/**
 * Changes to a live NLB, each all or nothing: a step that fails undoes the steps before it (newest
 * first, without the caller's signal). Members always move as one batch (PUT .../members), which
 * Octavia applies atomically: VMs not named are removed, new ones added, the rest updated in place.
 */

import { Rollback } from '../../common/rollback.js';
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import type { ValidListener, ValidVMMember } from '../../interfaces/schemas.js';
import type { NLBInfo, ResolvedHealthCheckerInfo } from '../../interfaces/types.js';
import type { CallContext } from './os-api.js';
import type { OpenStackDeps } from './os-context.js';
import {
  lbAlgorithm,
  memberBatch,
  memberBody,
  monitorBody,
  monitorPort,
  vmOfMember,
  withGroupPort,
} from './os-convert.js';
import { type ResolvedVM, resolveVMs } from './os-lookup.js';
import type { OctaviaLb, OctaviaMember, OctaviaPool } from './os-octavia.js';
import { OPENSTACK_DRIVER_NAME } from './os-options.js';
import { readNLB, readTree } from './os-read.js';

const ids = (current: NLBInfo) => ({
  lbId: current.iid.systemId as string,
  poolId: current.vmGroup.cspId as string,
});

async function reread({ octavia }: OpenStackDeps, lbId: string, ctx: CallContext) {
  return readNLB(octavia, await octavia.get<OctaviaLb>('loadbalancer', lbId, ctx), ctx);
}

/** Replaces the pool's members with `vms` on `port` (one batch). */
async function putMembers(
  { octavia }: OpenStackDeps,
  lbId: string,
  poolId: string,
  vms: ResolvedVM[],
  port: number,
  monitor: number | undefined,
  ctx: CallContext,
) {
  await octavia.change(
    lbId,
    'PUT',
    `/pools/${poolId}/members`,
    { members: memberBatch(vms, { port }, monitor) },
    ctx,
  );
}

/** The pool's members now, as a batch that restores them. */
async function currentMembers({ octavia }: OpenStackDeps, poolId: string, ctx: CallContext) {
  const members = await octavia.members(poolId, ctx);
  const restore = members.map((m: OctaviaMember) => ({
    ...vmOfMember(m),
    port: m.protocol_port,
    monitor: m.monitor_port ?? undefined,
  }));
  return { vms: members.map(vmOfMember), restore };
}

/** Puts members back exactly as they were (port and monitor port per member). */
function restoreMembers(
  deps: OpenStackDeps,
  lbId: string,
  poolId: string,
  saved: Awaited<ReturnType<typeof currentMembers>>,
) {
  const ctx = { operation: 'rollback' };
  return deps.octavia.change(
    lbId,
    'PUT',
    `/pools/${poolId}/members`,
    { members: saved.restore.map((m) => memberBatch([m], { port: m.port }, m.monitor)[0]) },
    ctx,
  );
}

/** changeListener: a new listener on the same pool, then the old one goes (no moment without one). */
export async function changeListenerOnOpenStack(
  deps: OpenStackDeps,
  current: NLBInfo,
  next: ValidListener,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { lbId, poolId } = ids(current);
  if (next.port === current.listener.port) return current;
  const undoCtx = { operation: ctx.operation };
  const listenerBody = (port: number) => ({
    listener: {
      name: current.iid.nameId,
      loadbalancer_id: lbId,
      protocol: current.listener.protocol,
      protocol_port: port,
      default_pool_id: poolId,
    },
  });
  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    // Undone from what exists, not from answers (one may have been lost): every listener but the old
    // one goes, and the old one comes back if it went.
    rb.push('the listeners', async () => {
      const lb = await deps.octavia.get<OctaviaLb>('loadbalancer', lbId, undoCtx);
      for (const l of lb.listeners)
        if (l.id !== current.listener.cspId)
          await deps.octavia.change(lbId, 'DELETE', `/listeners/${l.id}`, undefined, undoCtx);
      if (!lb.listeners.some((l) => l.id === current.listener.cspId))
        await deps.octavia.change(lbId, 'POST', '/listeners', listenerBody(current.listener.port), undoCtx);
    });
    await deps.octavia.change(lbId, 'POST', '/listeners', listenerBody(next.port), ctx);
    await deps.octavia.change(lbId, 'DELETE', `/listeners/${current.listener.cspId}`, undefined, ctx);
    return reread(deps, lbId, ctx);
  });
}

/** changeVMGroupInfo: algorithm (pool), port (members and the LB's group-port tag) and VMs (members). */
export async function changeVMGroupOnOpenStack(
  deps: OpenStackDeps,
  current: NLBInfo,
  next: ResolvedVMGroup,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { api, octavia } = deps;
  const { lbId, poolId } = ids(current);
  const vms = await resolveVMs(api, next.vms, current.vpcIID.systemId as string, ctx);
  const saved = await currentMembers(deps, poolId, ctx);
  const lb = await octavia.get<OctaviaLb>('loadbalancer', lbId, ctx);
  const undoCtx = { operation: ctx.operation };
  const oldAlgorithm = lbAlgorithm(current.vmGroup.algorithm, current.vmGroup.hashFields);
  const newAlgorithm = lbAlgorithm(next.algorithm, next.hashFields);
  // A health check on "the group's port" follows the group; a custom one stays.
  const hc = current.healthChecker;
  const monitor = hc.port === current.vmGroup.port ? undefined : monitorPort(hc, next.port);
  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    if (newAlgorithm !== oldAlgorithm) {
      rb.push('the pool algorithm', () =>
        octavia.change(lbId, 'PUT', `/pools/${poolId}`, { pool: { lb_algorithm: oldAlgorithm } }, undoCtx),
      );
      await octavia.change(lbId, 'PUT', `/pools/${poolId}`, { pool: { lb_algorithm: newAlgorithm } }, ctx);
    }
    if (next.port !== current.vmGroup.port) {
      rb.push('the group-port tag', () =>
        octavia.change(
          lbId,
          'PUT',
          `/loadbalancers/${lbId}`,
          { loadbalancer: { tags: lb.tags ?? [] } },
          undoCtx,
        ),
      );
      await octavia.change(
        lbId,
        'PUT',
        `/loadbalancers/${lbId}`,
        { loadbalancer: { tags: withGroupPort(lb.tags, next.port) } },
        ctx,
      );
    }
    rb.push('the members', () => restoreMembers(deps, lbId, poolId, saved));
    await putMembers(deps, lbId, poolId, vms, next.port, monitor, ctx);
    return reread(deps, lbId, ctx);
  });
}

/** The members' monitor port as the NLB's health checker says. */
const monitorOf = (current: NLBInfo) => monitorPort(current.healthChecker, current.vmGroup.port);

/**
 * addVMs: one POST per new member (not a batch of "the members now plus these": two processes adding at
 * once would each drop the other's). A failure removes the members this call added, found by address
 * and port, so one whose answer was lost goes too.
 */
export async function addVMsOnOpenStack(
  deps: OpenStackDeps,
  current: NLBInfo,
  add: ValidVMMember[],
  ctx: CallContext,
): Promise<NLBInfo> {
  const { lbId, poolId } = ids(current);
  const fresh = await resolveVMs(deps.api, add, current.vpcIID.systemId as string, ctx);
  const port = current.vmGroup.port;
  const undoCtx = { operation: ctx.operation };
  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    for (const vm of fresh) {
      rb.push(`member ${vm.nameId}`, async () => {
        const made = (await deps.octavia.members(poolId, undoCtx)).find(
          (m) => m.address === vm.address && m.protocol_port === port,
        );
        if (made)
          await deps.octavia.change(
            lbId,
            'DELETE',
            `/pools/${poolId}/members/${made.id}`,
            undefined,
            undoCtx,
          );
      });
      await deps.octavia.change(
        lbId,
        'POST',
        `/pools/${poolId}/members`,
        { member: memberBody(vm, port, monitorOf(current)) },
        ctx,
      );
    }
    return reread(deps, lbId, ctx);
  });
}

/** removeVMs: one DELETE per member; a failure puts back the members this call removed. */
export async function removeVMsOnOpenStack(
  deps: OpenStackDeps,
  current: NLBInfo,
  remove: ValidVMMember[],
  ctx: CallContext,
): Promise<void> {
  const { lbId, poolId } = ids(current);
  const gone = new Set(remove.map((vm) => vm.nameId));
  const targets = (await deps.octavia.members(poolId, ctx)).filter((m) => gone.has(m.name));
  const undoCtx = { operation: ctx.operation };
  await new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    for (const m of targets) {
      rb.push(`member ${m.name}`, async () => {
        const still = (await deps.octavia.members(poolId, undoCtx)).some((x) => x.id === m.id);
        if (!still)
          await deps.octavia.change(
            lbId,
            'POST',
            `/pools/${poolId}/members`,
            { member: memberBody(vmOfMember(m), m.protocol_port, m.monitor_port ?? undefined) },
            undoCtx,
          );
      });
      await deps.octavia.change(lbId, 'DELETE', `/pools/${poolId}/members/${m.id}`, undefined, ctx);
    }
  });
}

/**
 * changeHealthCheckerInfo: the monitor updated in place, or replaced when its type changes (a
 * monitor's type is fixed); members' monitor_port updated when the check port changes.
 */
export async function changeHealthCheckerOnOpenStack(
  deps: OpenStackDeps,
  current: NLBInfo,
  next: ResolvedHealthCheckerInfo,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { octavia } = deps;
  const { lbId, poolId } = ids(current);
  const tree = await readTree(octavia, await octavia.get<OctaviaLb>('loadbalancer', lbId, ctx), ctx);
  const old = tree.monitor;
  const port = current.vmGroup.port;
  const undoCtx = { operation: ctx.operation };
  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    if (old && next.protocol === current.healthChecker.protocol) {
      rb.push('the health monitor settings', () =>
        octavia.change(
          lbId,
          'PUT',
          `/healthmonitors/${old.id}`,
          { healthmonitor: monitorBody(current.healthChecker, port, true) },
          undoCtx,
        ),
      );
      await octavia.change(
        lbId,
        'PUT',
        `/healthmonitors/${old.id}`,
        { healthmonitor: monitorBody(next, port, true) },
        ctx,
      );
    } else {
      const name = current.iid.nameId;
      // Undone from what exists (an answer may have been lost): a monitor that is not the old one goes,
      // and the old settings come back if the pool has none.
      rb.push('the health monitor', async () => {
        const pool = await octavia.get<OctaviaPool>('pool', poolId, undoCtx);
        if (pool.healthmonitor_id && pool.healthmonitor_id !== old?.id)
          await octavia.change(
            lbId,
            'DELETE',
            `/healthmonitors/${pool.healthmonitor_id}`,
            undefined,
            undoCtx,
          );
        if (old && pool.healthmonitor_id !== old.id)
          await octavia.change(
            lbId,
            'POST',
            '/healthmonitors',
            { healthmonitor: { name, pool_id: poolId, ...monitorBody(current.healthChecker, port) } },
            undoCtx,
          );
      });
      if (old) await octavia.change(lbId, 'DELETE', `/healthmonitors/${old.id}`, undefined, ctx);
      await octavia.change(
        lbId,
        'POST',
        '/healthmonitors',
        { healthmonitor: { name, pool_id: poolId, ...monitorBody(next, port) } },
        ctx,
      );
    }
    if (monitorPort(next, port) !== monitorOf(current)) {
      const saved = await currentMembers(deps, poolId, ctx);
      rb.push('the members', () => restoreMembers(deps, lbId, poolId, saved));
      await putMembers(deps, lbId, poolId, saved.vms, port, monitorPort(next, port), ctx);
    }
    return reread(deps, lbId, ctx);
  });
}
