/**
 * deleteNLB on AWS: DeleteLoadBalancer (its listeners go with it), wait until it is gone, then delete
 * every target group tagged as this NLB's, in use or left behind by a cut-short create or change (and,
 * through `deleteLeftoversOnAws`, by a cut-short delete). The
 * caller's AbortSignal is honoured until DeleteLoadBalancer is sent; after that the deletion runs to
 * the end, since stopping half-way would strand target groups no NLB points to any more.
 */
import type { NLBError } from '../../interfaces/errors.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './aws-api.js';
import type { AwsDeps } from './aws-context.js';
import { managedTargetGroups } from './aws-read.js';
import { waitDeleted } from './aws-wait.js';

const ignoreNotFound = (e: NLBError) => {
  if (e.code !== 'NOT_FOUND') throw e;
};

/** Deletes the load balancer and every target group of the NLB. */
export async function deleteOnAws(
  { api, options }: AwsDeps,
  current: NLBInfo,
  ctx: CallContext,
): Promise<void> {
  const lbArn = current.iid.systemId as string;
  const vpcId = current.vpcIID.systemId;
  // Found before the load balancer goes, while the caller may still abort without harm.
  const tgArns = new Set(
    (await managedTargetGroups(api, options.managedTagKey, current.iid.nameId, vpcId, ctx)).map(
      (tg) => tg.TargetGroupArn,
    ),
  );
  if (current.vmGroup.cspId) tgArns.add(current.vmGroup.cspId);
  ctx.progress?.('delete-load-balancer', `deleting load balancer '${current.iid.nameId}'`);
  await api.elb('DeleteLoadBalancer', { LoadBalancerArn: lbArn }, ctx).catch(ignoreNotFound);
  // No signal from here on (see the module comment), but progress is still told.
  const rest: CallContext = { operation: ctx.operation, progress: ctx.progress };
  await waitDeleted(api, lbArn, options.waiter, rest);
  rest.progress?.('delete-target-groups', `deleting ${tgArns.size} target group(s)`);
  await deleteTargetGroups(api, tgArns, rest);
}

async function deleteTargetGroups(api: AwsDeps['api'], arns: Iterable<string>, ctx: CallContext) {
  for (const arn of arns)
    await api.elb('DeleteTargetGroup', { TargetGroupArn: arn }, ctx).catch(ignoreNotFound);
}

/**
 * For deleteNLB of a name with no load balancer: the NLB's tagged target groups, left by a delete whose
 * DeleteTargetGroup failed, removed; whether there were any.
 */
export async function deleteLeftoversOnAws({ api, options }: AwsDeps, name: string, ctx: CallContext) {
  const left = await managedTargetGroups(api, options.managedTagKey, name, undefined, ctx);
  await deleteTargetGroups(
    api,
    left.map((tg) => tg.TargetGroupArn),
    { operation: ctx.operation },
  );
  return left.length > 0;
}
