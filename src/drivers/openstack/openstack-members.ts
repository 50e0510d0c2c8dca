/**
 * Members of an NLB's pool: addVMs and removeVMs (one call per member, so two processes changing the
 * group at once both land), the batch a group change sends, and draining (openstack-drain.ts): a removed VM
 * drains at weight 0 when the NLB's drain timeout is above 0, and a re-added draining VM is restored.
 */
import { Rollback } from '../../common/rollback.js';
import type { ValidVMMember } from '../../interfaces/schemas.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './openstack-api.js';
import type { OpenStackDeps } from './openstack-context.js';
import { memberBatch, memberBody, monitorPort, vmOfMember } from './openstack-convert.js';
import { asItWas, drainDeadline, drainingUpdate, isDraining, restoredUpdate } from './openstack-drain.js';
import { type ResolvedVM, resolveVMs } from './openstack-lookup.js';
import type { OctaviaMember } from './openstack-octavia.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';
import { readNLB } from './openstack-read.js';

/** The load balancer and pool ids of an NLB. */
export const ids = (current: NLBInfo) => ({
  lbId: current.iid.systemId as string,
  poolId: current.vmGroup.cspId as string,
});

/** The NLB as it is now. */
export async function reread({ octavia }: OpenStackDeps, lbId: string, ctx: CallContext) {
  return readNLB(octavia, await octavia.get('loadbalancer', lbId, ctx), ctx);
}

/** The members' monitor port as the NLB's health checker says. */
export const monitorOf = (current: NLBInfo) => monitorPort(current.healthChecker, current.vmGroup.port);

/** A member exactly as it is, as a batch entry (`monitor`: another monitor port, null for none). */
export function exactMember(m: OctaviaMember, monitor?: number | null) {
  const port = monitor === undefined ? (m.monitor_port ?? null) : monitor;
  return {
    name: m.name,
    address: m.address,
    protocol_port: m.protocol_port,
    subnet_id: m.subnet_id,
    weight: m.weight,
    ...(port === null ? {} : { monitor_port: port }),
    tags: m.tags ?? [],
  };
}

/**
 * The batch for a group change: `vms` on `port`, plus the members not among them: those draining keep
 * draining (until their end), the others drain until `deadline`, or go at once without one.
 */
export function groupBatch(
  members: OctaviaMember[],
  vms: ResolvedVM[],
  port: number,
  monitor: number | undefined,
  deadline: number | undefined,
) {
  const wanted = memberBatch(vms, { port }, monitor);
  const key = (address: string, p: number) => `${address}:${p}`;
  const named = new Set(wanted.map((w) => key(w.address, w.protocol_port)));
  const now = Date.now();
  const leaving = members
    .filter((m) => !named.has(key(m.address, m.protocol_port)))
    .flatMap((m) => {
      const end = drainDeadline(m);
      if (end !== undefined) return end > now ? [exactMember(m)] : [];
      return deadline === undefined ? [] : [exactMember({ ...m, ...drainingUpdate(m, deadline) })];
    });
  return [...wanted, ...leaving];
}

/**
 * addVMs: one POST per new member (not a batch of "the members now plus these": two processes adding at
 * once would each drop the other's); a VM still draining gets its member back (weight restored). A
 * failure removes the members this call added, found by address and port, so one whose answer was lost
 * goes too, and puts restored ones back to draining.
 */
export async function addVMsOnOpenStack(
  deps: OpenStackDeps,
  current: NLBInfo,
  add: ValidVMMember[],
  ctx: CallContext,
): Promise<NLBInfo> {
  const { octavia } = deps;
  const { lbId, poolId } = ids(current);
  const fresh = await resolveVMs(deps.api, add, current.vpcIID.systemId as string, ctx);
  const port = current.vmGroup.port;
  const draining = (await octavia.members(poolId, ctx)).filter(isDraining);
  const undoCtx = { operation: ctx.operation };
  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    for (const vm of fresh) {
      const back = draining.find((m) => m.address === vm.address && m.protocol_port === port);
      if (back) {
        const path = `/pools/${poolId}/members/${back.id}`;
        rb.push(`member ${vm.nameId}`, () =>
          octavia.change(lbId, 'PUT', path, { member: asItWas(back) }, undoCtx),
        );
        await octavia.change(lbId, 'PUT', path, { member: restoredUpdate(back, vm.weight) }, ctx);
        continue;
      }
      rb.push(`member ${vm.nameId}`, async () => {
        const made = (await octavia.members(poolId, undoCtx)).find(
          (m) => m.address === vm.address && m.protocol_port === port,
        );
        if (made)
          await octavia.change(lbId, 'DELETE', `/pools/${poolId}/members/${made.id}`, undefined, undoCtx);
      });
      await octavia.change(
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

/**
 * removeVMs: with a drain timeout, one PUT per member (weight 0 and the drain's end, openstack-drain.ts), else
 * one DELETE per member; a failure puts back the members this call changed or removed.
 */
export async function removeVMsOnOpenStack(
  deps: OpenStackDeps,
  current: NLBInfo,
  remove: ValidVMMember[],
  ctx: CallContext,
): Promise<void> {
  const { octavia } = deps;
  const { lbId, poolId } = ids(current);
  const gone = new Set(remove.map((vm) => vm.nameId));
  const targets = (await octavia.members(poolId, ctx)).filter((m) => gone.has(m.name) && !isDraining(m));
  const drain = current.vmGroup.drainTimeoutSec ?? 0;
  const deadline = Date.now() + drain * 1000;
  const undoCtx = { operation: ctx.operation };
  await new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    for (const m of targets) {
      const path = `/pools/${poolId}/members/${m.id}`;
      if (drain > 0) {
        rb.push(`member ${m.name}`, () => octavia.change(lbId, 'PUT', path, { member: asItWas(m) }, undoCtx));
        await octavia.change(lbId, 'PUT', path, { member: drainingUpdate(m, deadline) }, ctx);
        continue;
      }
      rb.push(`member ${m.name}`, async () => {
        const still = (await octavia.members(poolId, undoCtx)).some((x) => x.id === m.id);
        if (!still)
          await octavia.change(
            lbId,
            'POST',
            `/pools/${poolId}/members`,
            { member: memberBody(vmOfMember(m), m.protocol_port, m.monitor_port ?? undefined) },
            undoCtx,
          );
      });
      await octavia.change(lbId, 'DELETE', path, undefined, ctx);
    }
  });
  if (drain > 0 && targets.length > 0) deps.drains?.schedule(lbId, current.iid.nameId, deadline);
}
