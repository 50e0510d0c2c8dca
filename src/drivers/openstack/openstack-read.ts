/** Reading NLBs: the managed load balancers and, for each, its listener, pool, members, monitor and floating IP. */
import { z } from 'zod';
import type { IID, NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './openstack-api.js';
import { MANAGED_TAG, type OctaviaTree, toNLBInfo } from './openstack-convert.js';
import { finishOverdueDrains } from './openstack-drain.js';
import type { Octavia, OctaviaLb } from './openstack-octavia.js';

const FloatingIps = z.object({
  floatingips: z.array(z.looseObject({ id: z.string(), floating_ip_address: z.string() })),
});

/** Load balancers nlbkit made (tagged), optionally only those named `name`. */
export async function listManaged(octavia: Octavia, ctx: CallContext, name?: string): Promise<OctaviaLb[]> {
  const query = `tags=${MANAGED_TAG}${name === undefined ? '' : `&name=${encodeURIComponent(name)}`}`;
  const all = await octavia.loadBalancers(query, ctx);
  // Load balancers being deleted are gone as far as callers are concerned.
  return all
    .filter(
      (lb) =>
        (name === undefined || lb.name === name) && !/^PENDING_DELETE|DELETED$/.test(lb.provisioning_status),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Oldest first: by creation time, then id (a total order every process agrees on). */
export const byAge = (a: OctaviaLb, b: OctaviaLb) =>
  (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id);

/** The managed load balancer `iid` names (and whose id matches, when a systemId is given). */
export async function findManaged(
  octavia: Octavia,
  iid: IID,
  ctx: CallContext,
): Promise<OctaviaLb | undefined> {
  const found = await listManaged(octavia, ctx, iid.nameId);
  return found.find((lb) => !iid.systemId || lb.id === iid.systemId);
}

/** Everything under one load balancer. */
export async function readTree(octavia: Octavia, lb: OctaviaLb, ctx: CallContext): Promise<OctaviaTree> {
  const listenerId = lb.listeners[0]?.id;
  const poolId = lb.pools[0]?.id;
  const [listener, pool, members, floating] = await Promise.all([
    listenerId ? octavia.get('listener', listenerId, ctx) : undefined,
    poolId ? octavia.get('pool', poolId, ctx) : undefined,
    poolId ? octavia.members(poolId, ctx) : [],
    octavia.api.request(
      'network',
      'GET',
      `/v2.0/floatingips?port_id=${encodeURIComponent(lb.vip_port_id)}`,
      undefined,
      ctx,
      FloatingIps,
    ),
  ]);
  const monitor = pool?.healthmonitor_id
    ? await octavia.get('healthmonitor', pool.healthmonitor_id, ctx)
    : undefined;
  return { lb, listener, pool, members, monitor, floatingIp: floating.floatingips[0] };
}

/** The NLB as getNLB returns it; members whose drain is over are deleted on the way (openstack-drain.ts). */
export async function readNLB(octavia: Octavia, lb: OctaviaLb, ctx: CallContext): Promise<NLBInfo> {
  const tree = await readTree(octavia, lb, ctx);
  if (tree.pool) tree.members = await finishOverdueDrains(octavia, lb.id, tree.pool.id, tree.members, ctx);
  return toNLBInfo(tree);
}
