/**
 * The VM group's health as the agents measured it. Several nodes may check the same VM: the worst
 * verdict wins (UNHEALTHY over HEALTHY over UNKNOWN), because a VM some node cannot reach gets no
 * flows from that node. A VM no agent has measured is UNKNOWN: nlbkit never invents health.
 */
import type { HealthInfo, IID, NLBInfo, VMHealthDetail, VMHealthState } from '../../interfaces/types.js';
import type { BackendHealthReport, NodeReport } from '../../native/store/types.js';

const RANK: Record<VMHealthState, number> = { UNKNOWN: 0, HEALTHY: 1, UNHEALTHY: 2 };
const latest = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);

/** `obj[key]` only when it is the object's own (an NLB or VM may be named `constructor`). */
const ownEntry = <T>(obj: Record<string, T> | undefined, key: string): T | undefined =>
  obj && Object.hasOwn(obj, key) ? obj[key] : undefined;

/** Builds HealthInfo for `nlb` from the reports of the nodes that count. */
export function aggregateHealth(nlb: NLBInfo, reports: readonly NodeReport[]): HealthInfo {
  const out: HealthInfo = { allVMs: [], healthyVMs: [], unhealthyVMs: [], unknownVMs: [], details: [] };
  for (const member of nlb.vmGroup.vms) {
    const vm: IID = member.systemId
      ? { nameId: member.nameId, systemId: member.systemId }
      : { nameId: member.nameId };
    const seen: [string, BackendHealthReport][] = [];
    for (const r of reports) {
      const h = ownEntry(ownEntry(r.health, nlb.iid.nameId), member.nameId);
      if (h) seen.push([r.node, h]);
    }
    let state: VMHealthState = 'UNKNOWN';
    for (const [, h] of seen) if (RANK[h.state] > RANK[state]) state = h.state;
    const deciding = seen.filter(([, h]) => h.state === state);
    const detail: VMHealthDetail = { vm, state };
    if (seen.length === 0)
      detail.reason = reports.length === 0 ? 'no agent has reported yet' : 'not measured by any agent yet';
    else {
      const reasons = deciding.filter(([, h]) => h.reason).map(([node, h]) => `${node}: ${h.reason}`);
      if (reasons.length > 0) detail.reason = reasons.join('; ');
      const lastCheck = seen.reduce<string | undefined>((acc, [, h]) => latest(acc, h.lastCheck), undefined);
      const lastChange = deciding.reduce<string | undefined>(
        (acc, [, h]) => latest(acc, h.lastChange),
        undefined,
      );
      if (lastCheck) detail.lastCheck = new Date(lastCheck);
      if (lastChange) detail.lastChange = new Date(lastChange);
    }
    out.allVMs.push(vm);
    (state === 'HEALTHY' ? out.healthyVMs : state === 'UNHEALTHY' ? out.unhealthyVMs : out.unknownVMs).push(
      vm,
    );
    out.details.push(detail);
  }
  return out;
}
