/**
 * Connection draining on the native driver, in the store: a write that takes backends out of an NLB
 * whose `vmGroup.drainTimeoutSec` is set records them in `service.draining` with the time their
 * connections end. Agents stop new flows to them at once (they are no longer backends) and end their
 * flows at that time; the record keeps each entry a while after it (`DRAIN_RECORD_GRACE_MS`), so an
 * agent that was busy or restarting still sees it. Kept in the store, a drain outlives the process that
 * started it.
 */
import type { NLBRecord, StoredDrain } from '../../native/store/types.js';

/** How long an ended drain stays in the record for agents to act on. */
export const DRAIN_RECORD_GRACE_MS = 10 * 60_000;

const keyOf = (b: { id: string; port: number }) => `${b.id}:${b.port}`;

/**
 * The drains `next` carries: those of `previous` still running or recently ended whose VM is not back,
 * plus every backend of `previous` that `next` lost (when `drainSec` is set; without it a removed VM's
 * connections are not timed, as before draining existed).
 */
export function drainingAfter(
  previous: NLBRecord | undefined,
  next: NLBRecord,
  drainSec: number | undefined,
  now: number,
): StoredDrain[] {
  const kept = new Set(next.service.backends.map((b) => keyOf({ id: b.id, port: next.service.backendPort })));
  const out = new Map<string, StoredDrain>();
  for (const d of previous?.service.draining ?? [])
    if (!kept.has(keyOf(d)) && d.until + DRAIN_RECORD_GRACE_MS > now) out.set(keyOf(d), d);
  if (previous && drainSec !== undefined)
    for (const b of previous.service.backends) {
      const drain = {
        id: b.id,
        address: b.address,
        port: previous.service.backendPort,
        until: now + drainSec * 1000,
      };
      if (!kept.has(keyOf(drain))) out.set(keyOf(drain), drain);
    }
  return [...out.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
}
