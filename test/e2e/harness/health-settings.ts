/** Check settings and deadlines shared by the native health e2e tests (native-health*.e2e.test.ts). */
import type { HealthCheckerInfo, NLBCreateRequest } from '../../../src/interfaces/types.js';

export const VMS = ['vm-0', 'vm-1', 'vm-2'];

/** Fast checks: 1 s interval and timeout (the driver's minimum), rise 2, fall 2. */
export const INTERVAL = 1;
export const TIMEOUT = 1;
export const RISE = 2;
export const FALL = 2;
export const TCP_CHECK: HealthCheckerInfo = {
  protocol: 'TCP',
  interval: INTERVAL,
  timeout: TIMEOUT,
  healthyThreshold: RISE,
  unhealthyThreshold: FALL,
};
/**
 * One apply after a verdict, on a loaded 2-core machine: the change notification's quiet gap (250 ms),
 * a reconcile (nft transaction, readback, VIPs), the node report and the driver's read of it.
 */
export const APPLY_SLACK_MS = 2500;
/** A dead backend is out within `interval * fall + timeout`, plus one apply. */
export const DOWN_DEADLINE_MS = (INTERVAL * FALL + TIMEOUT) * 1000 + APPLY_SLACK_MS;
/** A revived backend is back within `interval * rise`, plus one apply. */
export const UP_DEADLINE_MS = INTERVAL * RISE * 1000 + APPLY_SLACK_MS;
/** From UNKNOWN (new or reset check): `rise` successes, the first up to an interval away (jitter). */
export const FIRST_HEALTHY_DEADLINE_MS = INTERVAL * (RISE + 1) * 1000 + APPLY_SLACK_MS;

/** A TCP NLB on port 80 over `vms` (backend port 8080) with the fast TCP check. */
export function request(
  name: string,
  over: Partial<NLBCreateRequest> = {},
  vms: string[] = VMS,
): NLBCreateRequest {
  return {
    iid: { nameId: name },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: vms.map((nameId) => ({ nameId })) },
    healthChecker: TCP_CHECK,
    ...over,
  };
}
