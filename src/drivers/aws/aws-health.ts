/**
 * How AWS target states become nlbkit health states. Every state AWS documents is listed; an unknown
 * future state is reported as UNKNOWN with its name kept in `providerState`.
 */
import type { HealthInfo, IID, VMHealthDetail, VMHealthState } from '../../interfaces/types.js';

/** The AWS target states, as DescribeTargetHealth reports them. */
export const AWS_TARGET_STATES = [
  'initial',
  'healthy',
  'unhealthy',
  'unhealthy.draining',
  'unused',
  'draining',
  'unavailable',
] as const;

/** What nlbkit makes of one target's AWS state. */
export interface TargetStateMapping {
  /** Whether the target counts as a member of the VM group at all. */
  member: boolean;
  state: VMHealthState;
}

/**
 * Maps an AWS target state (and reason code) to membership and health:
 * - `healthy` -> HEALTHY; `unhealthy` -> UNHEALTHY;
 * - `unhealthy.draining` -> UNHEALTHY: it failed its checks and is losing its connections;
 * - `initial` -> UNKNOWN: registered, not yet checked often enough to decide;
 * - `unused` -> UNKNOWN (no listener uses the group yet, or the AZ is not enabled), except reason
 *   `Target.InvalidState` (the instance is stopped) -> UNHEALTHY, since it cannot serve;
 * - `unavailable` -> UNKNOWN: health checks are off or AWS cannot report them;
 * - `draining` -> not a member: it was deregistered (removeVMs) and AWS is only letting flows finish.
 */
export function mapTargetState(state: string | undefined, reason?: string): TargetStateMapping {
  switch (state) {
    case 'healthy':
      return { member: true, state: 'HEALTHY' };
    case 'unhealthy':
    case 'unhealthy.draining':
      return { member: true, state: 'UNHEALTHY' };
    case 'unused':
      return { member: true, state: reason === 'Target.InvalidState' ? 'UNHEALTHY' : 'UNKNOWN' };
    case 'draining':
      return { member: false, state: 'UNKNOWN' };
    default:
      // 'initial', 'unavailable', or a state AWS adds later.
      return { member: true, state: 'UNKNOWN' };
  }
}

/** Builds HealthInfo from DescribeTargetHealth rows for the VM group `vms` (matched by instance id). */
export function healthInfoOf(
  vms: readonly IID[],
  rows: readonly {
    Target?: { Id?: string };
    TargetHealth?: { State?: string; Reason?: string; Description?: string };
  }[],
): HealthInfo {
  const byId = new Map(rows.map((r) => [r.Target?.Id, r.TargetHealth]));
  const out: HealthInfo = { allVMs: [], healthyVMs: [], unhealthyVMs: [], unknownVMs: [], details: [] };
  for (const vm of vms) {
    const th = byId.get(vm.systemId);
    const mapped = th ? mapTargetState(th.State, th.Reason) : { member: true, state: 'UNKNOWN' as const };
    if (!mapped.member) continue;
    const iid: IID = { nameId: vm.nameId, systemId: vm.systemId };
    out.allVMs.push(iid);
    const list =
      mapped.state === 'HEALTHY'
        ? out.healthyVMs
        : mapped.state === 'UNHEALTHY'
          ? out.unhealthyVMs
          : out.unknownVMs;
    list.push(iid);
    const detail: VMHealthDetail = { vm: iid, state: mapped.state };
    if (th?.State) detail.providerState = th.State;
    const reason = th
      ? [th.Reason, th.Description].filter(Boolean).join(': ')
      : 'not registered with the target group';
    if (reason) detail.reason = reason;
    out.details.push(detail);
  }
  return out;
}
