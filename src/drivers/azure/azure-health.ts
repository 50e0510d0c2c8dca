/**
 * Per-VM health from the load-balancing rule's `health` operation (a long-running POST): up or down
 * per backend address, with Azure's reason. Not the 3-minute-average metric some drivers read.
 */
import type { HealthInfo, NLBInfo, VMHealthDetail, VMHealthState } from '../../interfaces/types.js';
import { type AzureApi, type CallContext, PART } from './azure-api.js';
import { AZURE_BACKEND_STATES } from './azure-health-states.js';
import { partsOf } from './azure-parts.js';
import { lbRead } from './azure-read.js';

export async function healthOnAzure(api: AzureApi, current: NLBInfo, ctx: CallContext): Promise<HealthInfo> {
  // The read that built `current` has the load balancer already: no second GET.
  const lb = lbRead.of(current) ?? (await api.getLb(current.iid.nameId, ctx));
  // The IPv4 rule's report (a dual-stack NLB's IPv6 rule shares its probe).
  const parts = lb ? partsOf(lb) : {};
  const report = await api.ruleHealth(current.iid.nameId, parts.rule?.name ?? PART.rule, ctx);
  const ipOf = new Map(
    (parts.pool?.loadBalancerBackendAddresses ?? []).map((a) => [a.name ?? '', a.ipAddress ?? '']),
  );
  const byIp = new Map((report.loadBalancerBackendAddresses ?? []).map((a) => [a.ipAddress ?? '', a]));
  const out: HealthInfo = { allVMs: [], healthyVMs: [], unhealthyVMs: [], unknownVMs: [], details: [] };
  for (const vm of current.vmGroup.vms) {
    const iid = { nameId: vm.nameId, ...(vm.systemId ? { systemId: vm.systemId } : {}) };
    const seen = byIp.get(ipOf.get(vm.nameId) ?? '');
    const state: VMHealthState = (seen?.state && AZURE_BACKEND_STATES[seen.state]) || 'UNKNOWN';
    const detail: VMHealthDetail = {
      vm: iid,
      state,
      reason: seen?.reason ?? (seen ? `Azure state ${seen.state}` : 'not in the rule health report yet'),
      ...(seen?.state ? { providerState: seen.state } : {}),
    };
    out.allVMs.push(iid);
    (state === 'HEALTHY' ? out.healthyVMs : state === 'UNHEALTHY' ? out.unhealthyVMs : out.unknownVMs).push(
      iid,
    );
    out.details.push(detail);
  }
  return out;
}
