/**
 * Per-VM health from the backend service's getHealth, once per network endpoint group: Compute
 * Engine's own view of each endpoint (HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, UNKNOWN).
 */
import { mapLimited } from '../../common/map-limited.js';
import type { HealthInfo, NLBInfo, VMHealthDetail, VMHealthState } from '../../interfaces/types.js';
import type { CallContext, GcpApi } from './gcp-api.js';
import { nameOf } from './gcp-convert.js';
import { GCP_HEALTH_STATES } from './gcp-health-states.js';
import { backendServiceRead, partNames } from './gcp-read.js';

export async function healthOnGcp(api: GcpApi, current: NLBInfo, ctx: CallContext): Promise<HealthInfo> {
  const name = partNames(current).backendService;
  // The read that built `current` has the backend service already: no second GET.
  const bs = backendServiceRead.of(current) ?? (await api.getBackendService(name, ctx));
  const reports = await mapLimited(bs?.backends ?? [], 4, (b) => api.backendHealth(name, b.group ?? '', ctx));
  const seen = new Map(reports.flat().map((s) => [nameOf(s.instance), s.healthState ?? 'UNKNOWN']));
  const out: HealthInfo = { allVMs: [], healthyVMs: [], unhealthyVMs: [], unknownVMs: [], details: [] };
  for (const vm of current.vmGroup.vms) {
    const iid = { nameId: vm.nameId, ...(vm.systemId ? { systemId: vm.systemId } : {}) };
    const providerState = seen.get(vm.nameId);
    const state: VMHealthState = (providerState && GCP_HEALTH_STATES[providerState]) || 'UNKNOWN';
    const detail: VMHealthDetail = {
      vm: iid,
      state,
      reason: providerState ? `GCP health state ${providerState}` : 'not in the health report yet',
      ...(providerState ? { providerState } : {}),
    };
    out.allVMs.push(iid);
    (state === 'HEALTHY' ? out.healthyVMs : state === 'UNHEALTHY' ? out.unhealthyVMs : out.unknownVMs).push(
      iid,
    );
    out.details.push(detail);
  }
  return out;
}
