/**
 * Changes to a live NLB, each all or nothing: a step that fails undoes the steps before it (newest
 * first, without the caller's signal). Members always move as one batch (PUT .../members), which
 * Octavia applies atomically: VMs not named are removed, new ones added, the rest updated in place.
 */

import { Rollback } from '../../common/rollback.js';
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import type { ValidListener } from '../../interfaces/schemas.js';
import type { NLBInfo, ResolvedHealthCheckerInfo } from '../../interfaces/types.js';
import type { CallContext } from './openstack-api.js';
import type { OpenStackDeps } from './openstack-context.js';
import { lbAlgorithm, monitorBody, monitorPort, withGroupPort } from './openstack-convert.js';
import { nextDeadline, withDrainTimeout } from './openstack-drain.js';
import { resolveVMs } from './openstack-lookup.js';
import { exactMember, groupBatch, ids, monitorOf, reread } from './openstack-members.js';
import type { OctaviaMember } from './openstack-octavia.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';
import { readTree } from './openstack-read.js';

/** Puts the pool's members back exactly as they were (ports, weights, monitor ports, tags). */
function restoreMembers(deps: OpenStackDeps, lbId: string, poolId: string, saved: OctaviaMember[]) {
  const ctx = { operation: 'rollback' };
  const members = saved.map((m) => exactMember(m));
  return deps.octavia.change(lbId, 'PUT', `/pools/${poolId}/members`, { members }, ctx);
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
      const lb = await deps.octavia.get('loadbalancer', lbId, undoCtx);
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
  const saved = await octavia.members(poolId, ctx);
  const lb = await octavia.get('loadbalancer', lbId, ctx);
  const tags = withDrainTimeout(withGroupPort(lb.tags, next.port), next.drainTimeoutSec);
  const undoCtx = { operation: ctx.operation };
  const oldAlgorithm = lbAlgorithm(current.vmGroup.algorithm, current.vmGroup.hashFields);
  const newAlgorithm = lbAlgorithm(next.algorithm, next.hashFields);
  // A health check on "the group's port" follows the group; a custom one stays.
  const hc = current.healthChecker;
  const monitor = hc.port === current.vmGroup.port ? undefined : monitorPort(hc, next.port);
  // VMs that leave the group drain (weight 0 until the deadline) when the timeout in force says so.
  const drain = next.drainTimeoutSec ?? 0;
  const members = groupBatch(
    saved,
    vms,
    next.port,
    monitor,
    drain > 0 ? Date.now() + drain * 1000 : undefined,
  );
  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    if (newAlgorithm !== oldAlgorithm) {
      rb.push('the pool algorithm', () =>
        octavia.change(lbId, 'PUT', `/pools/${poolId}`, { pool: { lb_algorithm: oldAlgorithm } }, undoCtx),
      );
      await octavia.change(lbId, 'PUT', `/pools/${poolId}`, { pool: { lb_algorithm: newAlgorithm } }, ctx);
    }
    if ([...tags].sort().join() !== [...(lb.tags ?? [])].sort().join()) {
      rb.push('the group-port and drain tags', () =>
        octavia.change(
          lbId,
          'PUT',
          `/loadbalancers/${lbId}`,
          { loadbalancer: { tags: lb.tags ?? [] } },
          undoCtx,
        ),
      );
      await octavia.change(lbId, 'PUT', `/loadbalancers/${lbId}`, { loadbalancer: { tags } }, ctx);
    }
    rb.push('the members', () => restoreMembers(deps, lbId, poolId, saved));
    await octavia.change(lbId, 'PUT', `/pools/${poolId}/members`, { members }, ctx);
    const end = nextDeadline(members);
    if (end !== undefined) deps.drains?.schedule(lbId, current.iid.nameId, end);
    return reread(deps, lbId, ctx);
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
  const tree = await readTree(octavia, await octavia.get('loadbalancer', lbId, ctx), ctx);
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
        const pool = await octavia.get('pool', poolId, undoCtx);
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
      const saved = await octavia.members(poolId, ctx);
      rb.push('the members', () => restoreMembers(deps, lbId, poolId, saved));
      const members = saved.map((m) => exactMember(m, monitorPort(next, port) ?? null));
      await octavia.change(lbId, 'PUT', `/pools/${poolId}/members`, { members }, ctx);
    }
    return reread(deps, lbId, ctx);
  });
}
