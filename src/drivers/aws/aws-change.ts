/**
 * Changes to a live NLB. The group change is the one multi-step write: new target group, register,
 * repoint the listener, delete the old group; any failure (the last step included) puts the listener
 * back and deletes the new group, so the NLB is exactly as it was.
 */

import { Rollback } from '../../common/rollback.js';
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import type { ValidListener, ValidVMMember } from '../../interfaces/schemas.js';
import type { AddressFamily, IID, NLBInfo, ResolvedHealthCheckerInfo } from '../../interfaces/types.js';
import type { CallContext } from './aws-api.js';
import { type AwsDeps, newTargetGroupName } from './aws-context.js';
import { awsTags, healthCheckerOf, healthCheckInput, vmGroupOf } from './aws-convert.js';
import { copyDrain, setDrain } from './aws-drain.js';
import { resolveInstances } from './aws-lookup.js';
import { AWS_DRIVER_NAME } from './aws-options.js';
import { managedTargetGroups } from './aws-read.js';

/** The ARN a change needs, or CONFLICT for a half-created NLB (which only deleteNLB can fix). */
function need(value: string | undefined, what: string, current: NLBInfo, ctx: CallContext): string {
  if (value) return value;
  throw new NLBError({
    code: 'CONFLICT',
    driver: AWS_DRIVER_NAME,
    operation: ctx.operation,
    message: `NLB '${current.iid.nameId}' has no ${what} (a create was cut short); delete it and create it again`,
  });
}

const ignoreNotFound = (e: unknown) => {
  if (!isNLBError(e) || e.code !== 'NOT_FOUND') throw e;
};

const vpcOf = (current: NLBInfo) => current.vpcIID.systemId ?? current.vpcIID.nameId;

const ipAddressType = (family: AddressFamily | undefined) => (family === 'DUAL_STACK' ? 'dualstack' : 'ipv4');

/**
 * SetIpAddressType when the family changes, then ModifyListener: port (and protocol, which the
 * capabilities keep equal to the group's). A failed ModifyListener sets the old address type back.
 */
export async function changeListenerOnAws(
  { api }: AwsDeps,
  current: NLBInfo,
  next: ValidListener,
  ctx: CallContext,
): Promise<NLBInfo> {
  const arn = need(current.listener.cspId, 'listener', current, ctx);
  const before = current.listener.addressFamily ?? 'IPV4';
  const family = next.addressFamily ?? before;
  const cleanup: CallContext = { operation: ctx.operation };
  return new Rollback(AWS_DRIVER_NAME).run(ctx.operation, async (rb) => {
    if (family !== before) {
      const lbArn = need(current.iid.systemId, 'load balancer', current, ctx);
      const set = (f: AddressFamily, c: CallContext) =>
        api.elb('SetIpAddressType', { LoadBalancerArn: lbArn, IpAddressType: ipAddressType(f) }, c);
      rb.push(`the IP address type of ${lbArn}`, () => set(before, cleanup));
      ctx.progress?.('set-address-type', `setting the address type to ${ipAddressType(family)}`);
      await set(family, ctx);
    }
    ctx.progress?.('modify-listener', `moving the listener to ${next.protocol} port ${next.port}`);
    await api.elb('ModifyListener', { ListenerArn: arn, Port: next.port, Protocol: next.protocol }, ctx);
    const listener = { ...current.listener, protocol: next.protocol, port: next.port, addressFamily: family };
    return { ...current, listener };
  });
}

/** Replaces the target group; see the module comment. */
export async function changeVMGroupOnAws(
  { api, options }: AwsDeps,
  current: NLBInfo,
  next: ResolvedVMGroup,
  ctx: CallContext,
): Promise<NLBInfo> {
  const listenerArn = need(current.listener.cspId, 'listener', current, ctx);
  const oldTg = need(current.vmGroup.cspId, 'target group', current, ctx);
  const cleanup: CallContext = { operation: ctx.operation };
  const vms = await resolveInstances(api, vpcOf(current), next.vms, ctx);
  return new Rollback(AWS_DRIVER_NAME).run(ctx.operation, async (rb) => {
    let tgArn: string | undefined;
    rb.push('the new target group', async () => {
      // Without an ARN (the call failed or was cut off) look for groups tagged with this NLB's name.
      const arns = tgArn
        ? [tgArn]
        : (await managedTargetGroups(api, options.managedTagKey, current.iid.nameId, vpcOf(current), cleanup))
            .map((g) => g.TargetGroupArn)
            .filter((arn) => arn !== oldTg);
      for (const arn of arns)
        await api.elb('DeleteTargetGroup', { TargetGroupArn: arn }, cleanup).catch(ignoreNotFound);
    });
    ctx.progress?.('create-target-group', 'creating the new target group');
    const res = await api.elb(
      'CreateTargetGroup',
      {
        Name: newTargetGroupName(),
        Protocol: next.protocol as 'TCP' | 'UDP',
        Port: next.port,
        VpcId: vpcOf(current),
        TargetType: 'instance',
        ...healthCheckInput(current.healthChecker),
        Tags: awsTags(options.managedTagKey, current.iid.nameId, undefined, []),
      },
      ctx,
    );
    const tg = res.TargetGroups?.[0] ?? {};
    tgArn = tg.TargetGroupArn;
    const newArn = tgArn;
    // The new group gets the drain settings in force (or the delay asked for), not AWS's defaults.
    if (next.drainTimeoutSec === undefined || next.drainTimeoutSec === current.vmGroup.drainTimeoutSec)
      await copyDrain(api, oldTg, newArn, ctx);
    else await setDrain(api, newArn, next.drainTimeoutSec, ctx);
    if (vms.length > 0) {
      ctx.progress?.('register-targets', `registering ${vms.length} VM(s)`);
      await api.elb(
        'RegisterTargets',
        { TargetGroupArn: newArn, Targets: vms.map((vm) => ({ Id: vm.systemId as string })) },
        ctx,
      );
    }
    const forward = (arn: string) => [{ Type: 'forward' as const, TargetGroupArn: arn }];
    rb.push(`listener ${listenerArn}`, () =>
      api.elb('ModifyListener', { ListenerArn: listenerArn, DefaultActions: forward(oldTg) }, cleanup),
    );
    ctx.progress?.('switch-listener', 'pointing the listener at the new target group');
    await api.elb('ModifyListener', { ListenerArn: listenerArn, DefaultActions: forward(newArn) }, ctx);
    ctx.progress?.('delete-target-group', 'deleting the old target group');
    await api.elb('DeleteTargetGroup', { TargetGroupArn: oldTg }, ctx);
    return { ...current, vmGroup: vmGroupOf(tg, vms, next.protocol, next.drainTimeoutSec) };
  });
}

/** RegisterTargets for the new VMs (the guarded handler has already refused duplicates). */
export async function addVMsOnAws(
  { api }: AwsDeps,
  current: NLBInfo,
  vms: ValidVMMember[],
  ctx: CallContext,
): Promise<NLBInfo> {
  const tgArn = need(current.vmGroup.cspId, 'target group', current, ctx);
  const found = await resolveInstances(api, vpcOf(current), vms, ctx);
  ctx.progress?.('register-targets', `registering ${found.length} VM(s)`);
  await api.elb(
    'RegisterTargets',
    { TargetGroupArn: tgArn, Targets: found.map((vm) => ({ Id: vm.systemId as string })) },
    ctx,
  );
  const all = vmGroupOf(undefined, [...current.vmGroup.vms, ...found], current.vmGroup.protocol);
  return { ...current, vmGroup: { ...current.vmGroup, vms: all.vms } };
}

/**
 * DeregisterTargets; AWS then drains them (state `draining`) for the group's deregistration delay
 * (`vmGroup.drainTimeoutSec`), which reads as no longer a member.
 */
export async function removeVMsOnAws(
  { api }: AwsDeps,
  current: NLBInfo,
  vms: ValidVMMember[],
  ctx: CallContext,
): Promise<void> {
  const tgArn = need(current.vmGroup.cspId, 'target group', current, ctx);
  const ids = new Map(current.vmGroup.vms.map((vm: IID) => [vm.nameId, vm.systemId]));
  const targets = vms.map((vm) => ({ Id: ids.get(vm.nameId) as string }));
  ctx.progress?.('deregister-targets', `deregistering ${targets.length} VM(s)`);
  await api.elb('DeregisterTargets', { TargetGroupArn: tgArn, Targets: targets }, ctx);
}

/** ModifyTargetGroup with every health-check setting. */
export async function changeHealthCheckerOnAws(
  { api }: AwsDeps,
  current: NLBInfo,
  next: ResolvedHealthCheckerInfo,
  ctx: CallContext,
): Promise<NLBInfo> {
  const tgArn = need(current.vmGroup.cspId, 'target group', current, ctx);
  ctx.progress?.('modify-health-check', "changing the target group's health check");
  const res = await api.elb('ModifyTargetGroup', { TargetGroupArn: tgArn, ...healthCheckInput(next) }, ctx);
  const tg = res.TargetGroups?.[0];
  return { ...current, healthChecker: tg ? healthCheckerOf(tg) : next };
}
