/** Test helper: an onProgress that notes each step with the request a cloud fake received next. */
import type { NLBCreateRequest, ProgressEvent } from '../../src/interfaces/types.js';

/**
 * Records steps against `calls` (a fake's recorded requests); `label` names a request for the
 * assertion. `nextCalls()` answers [step, label of the request sent right after it was told].
 */
export function progressRecorder<C>(calls: () => readonly C[], label: (call: C) => string) {
  const told: Array<{ event: ProgressEvent; callsBefore: number }> = [];
  return {
    onProgress: (event: ProgressEvent) => told.push({ event, callsBefore: calls().length }),
    events: () => told.map(({ event }) => event),
    nextCalls: () =>
      told.map(({ event, callsBefore }) => {
        const call = calls()[callsBefore];
        return [event.step, call === undefined ? undefined : label(call)];
      }),
  };
}

/** A TCP create request with `vms` (a port every cloud fake accepts on both sides). */
export const tcpCreate = (vpcIID: NLBCreateRequest['vpcIID'], vms: string[]): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID,
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 80, vms: vms.map((nameId) => ({ nameId })) },
  healthChecker: { protocol: 'TCP' },
});
