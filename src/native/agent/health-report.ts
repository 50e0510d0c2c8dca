/** Turns what the health monitor knows into the health part of a node report. */
import type { HealthSource } from '../health/types.js';
import type { BackendHealthReport, NodeReport, StoreSnapshot } from '../store/types.js';
import { healthKey } from './desired-state.js';

/**
 * Health by NLB, then VM, for every backend in `snapshot` that `health` has a verdict or a check for.
 * Without a health source the result is empty: nothing was measured, so the driver reports UNKNOWN.
 */
export function healthReport(
  snapshot: StoreSnapshot,
  health: Pick<HealthSource, 'get'> | undefined,
): NodeReport['health'] {
  const out: NodeReport['health'] = {};
  if (!health) return out;
  for (const { record } of snapshot.records) {
    const perVM: Record<string, BackendHealthReport> = {};
    for (const b of record.service.backends) {
      const h = health.get(healthKey(record.name, b.id));
      if (!h) continue;
      const r: BackendHealthReport = { state: h.state };
      if (h.reason !== undefined) r.reason = h.reason.slice(0, 1000);
      if (h.lastChange) r.lastChange = h.lastChange.toISOString();
      if (h.lastCheck) r.lastCheck = h.lastCheck.toISOString();
      perVM[b.id] = r;
    }
    if (Object.keys(perVM).length > 0) out[record.name] = perVM;
  }
  return out;
}
