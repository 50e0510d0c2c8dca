/**
 * deleteNLB on OpenStack: the floating IP first (it points at the VIP port), then the load balancer with
 * `cascade=true` (listeners, pools, members and monitors go with it), and wait until Octavia has let go.
 * Every step tolerates "already gone", so a retried or half-done delete finishes the job.
 */
import { z } from 'zod';
import { isNLBError } from '../../interfaces/errors.js';
import type { CallContext } from './openstack-api.js';
import type { OpenStackDeps } from './openstack-context.js';
import type { OctaviaLb } from './openstack-octavia.js';

const ignoreNotFound = (e: unknown) => {
  if (!isNLBError(e) || e.code !== 'NOT_FOUND') throw e;
};

/** Deletes the floating IPs on the VIP port. */
export async function releaseFloatingIps({ api }: OpenStackDeps, vipPortId: string, ctx: CallContext) {
  const { floatingips } = await api.request(
    'network',
    'GET',
    `/v2.0/floatingips?port_id=${encodeURIComponent(vipPortId)}`,
    undefined,
    ctx,
    z.object({ floatingips: z.array(z.looseObject({ id: z.string() })) }),
  );
  for (const f of floatingips)
    await api.request('network', 'DELETE', `/v2.0/floatingips/${f.id}`, undefined, ctx).catch(ignoreNotFound);
}

/**
 * Deletes the load balancer and everything under it, and waits until it is gone. One that is still
 * being changed (or created) cannot be deleted yet: wait for the change to end, then delete.
 */
export async function deleteLoadBalancer({ api, octavia }: OpenStackDeps, lbId: string, ctx: CallContext) {
  for (let attempt = 0; ; attempt++) {
    try {
      await api.request(
        'load-balancer',
        'DELETE',
        `/v2/lbaas/loadbalancers/${lbId}?cascade=true`,
        undefined,
        ctx,
      );
      break;
    } catch (e) {
      if (isNLBError(e) && e.code === 'NOT_FOUND') return;
      if (!isNLBError(e) || e.code !== 'CONFLICT' || attempt >= 5) throw e;
      await octavia.waitSettled(lbId, ctx).catch(ignoreNotFound);
    }
  }
  await octavia.waitGone(lbId, ctx);
}

/** deleteNLB's body. */
export async function deleteOnOpenStack(deps: OpenStackDeps, lb: OctaviaLb, ctx: CallContext): Promise<void> {
  await releaseFloatingIps(deps, lb.vip_port_id, ctx);
  await deleteLoadBalancer(deps, lb.id, ctx);
}
