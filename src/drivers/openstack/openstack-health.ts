/**
 * Per-VM health from Octavia's status tree (`GET /v2/lbaas/loadbalancers/{id}/status`), one call.
 * ONLINE is HEALTHY; ERROR (failing its checks) and OFFLINE (administratively down) are UNHEALTHY;
 * NO_MONITOR, DRAINING and anything else are UNKNOWN: unlike CB-Spider, nlbkit never reports a member
 * nobody checked as healthy.
 */
import { z } from 'zod';
import type { HealthInfo, NLBInfo, VMHealthDetail, VMHealthState } from '../../interfaces/types.js';
import type { CallContext, OpenStackApi } from './openstack-api.js';

const StatusMember = z.looseObject({ name: z.string().optional(), operating_status: z.string().optional() });
const StatusPool = z.looseObject({ id: z.string().optional(), members: z.array(StatusMember).optional() });
/** The status tree, down to the members' operating status (all the driver reads). */
const StatusTree = z.looseObject({
  statuses: z.looseObject({
    loadbalancer: z.looseObject({
      listeners: z.array(z.looseObject({ pools: z.array(StatusPool).optional() })).optional(),
    }),
  }),
});

/** Octavia member operating_status -> nlbkit state and reason. */
export const OCTAVIA_MEMBER_STATES: Record<string, { state: VMHealthState; reason: string }> = {
  ONLINE: { state: 'HEALTHY', reason: 'passing its health checks' },
  ERROR: { state: 'UNHEALTHY', reason: 'failing its health checks' },
  OFFLINE: { state: 'UNHEALTHY', reason: 'administratively down' },
  NO_MONITOR: { state: 'UNKNOWN', reason: 'no health monitor checks it' },
  DRAINING: { state: 'UNKNOWN', reason: 'draining (weight 0)' },
};

/** getVMGroupHealthInfo's body. */
export async function healthOnOpenStack(
  api: OpenStackApi,
  current: NLBInfo,
  ctx: CallContext,
): Promise<HealthInfo> {
  const tree = await api.request(
    'load-balancer',
    'GET',
    `/v2/lbaas/loadbalancers/${current.iid.systemId}/status`,
    undefined,
    ctx,
    StatusTree,
  );
  const byName = new Map<string, string>();
  for (const listener of tree.statuses.loadbalancer.listeners ?? [])
    for (const pool of listener.pools ?? [])
      if (pool.id === current.vmGroup.cspId)
        // A VM draining on the group's old port may also serve on its new one: the serving member counts.
        for (const m of pool.members ?? [])
          if (m.name && (!byName.has(m.name) || m.operating_status !== 'DRAINING'))
            byName.set(m.name, m.operating_status ?? '');
  const out: HealthInfo = { allVMs: [], healthyVMs: [], unhealthyVMs: [], unknownVMs: [], details: [] };
  for (const vm of current.vmGroup.vms) {
    const iid = { nameId: vm.nameId, ...(vm.systemId ? { systemId: vm.systemId } : {}) };
    const status = byName.get(vm.nameId);
    const mapped = status === undefined ? undefined : OCTAVIA_MEMBER_STATES[status];
    const state = mapped?.state ?? 'UNKNOWN';
    const detail: VMHealthDetail = {
      vm: iid,
      state,
      reason: mapped?.reason ?? (status ? `Octavia status ${status}` : 'not in the status tree yet'),
      ...(status ? { providerState: status } : {}),
    };
    out.allVMs.push(iid);
    (state === 'HEALTHY' ? out.healthyVMs : state === 'UNHEALTHY' ? out.unhealthyVMs : out.unknownVMs).push(
      iid,
    );
    out.details.push(detail);
  }
  return out;
}
