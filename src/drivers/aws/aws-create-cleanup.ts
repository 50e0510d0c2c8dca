/**
 * Undoing a failed create. It does not trust only the ARNs it was given back: a call that was aborted
 * or timed out may have been applied anyway, so it looks things up by name and tag. Order: listeners,
 * target groups, then the load balancer last; if anything before fails, the load balancer is kept as
 * an anchor (deleteNLB finds it by name and removes the rest, target groups by tag). Clean-up runs
 * without the caller's AbortSignal, so an aborted create still leaves nothing.
 */

import { messageOf } from '../../common/error-text.js';
import { cleanupFailedError } from '../../common/rollback.js';
import { isNLBError } from '../../interfaces/errors.js';
import type { CallContext } from './aws-api.js';
import type { AwsDeps } from './aws-context.js';
import { AWS_DRIVER_NAME } from './aws-options.js';
import { findManagedLb, madeBy, managedTargetGroups } from './aws-read.js';
import { waitDeleted } from './aws-wait.js';

/** What a create has (perhaps) made: flags set before each call, ARNs once AWS answered. */
export interface MadeSoFar {
  name: string;
  vpcId: string;
  /** The create call's id, tagged on what it makes: only that is removed. */
  createId: string;
  loadBalancer?: boolean;
  lbArn?: string;
  targetGroup?: boolean;
  tgArn?: string;
}

const ignoreNotFound = (e: unknown) => {
  if (!isNLBError(e) || e.code !== 'NOT_FOUND') throw e;
};

/** Removes what `made` says may exist; returns the error to throw (the original, or one naming leftovers). */
export async function cleanUpCreate(
  { api, options }: AwsDeps,
  made: MadeSoFar,
  original: unknown,
  operation: string,
): Promise<unknown> {
  const ctx: CallContext = { operation };
  const failed: string[] = [];
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (e) {
      failed.push(`${what} (${messageOf(e)})`);
    }
  };

  let lbArn = made.lbArn;
  if (made.loadBalancer && !lbArn)
    await attempt('load balancer lookup', async () => {
      const found = await findManagedLb(api, options.managedTagKey, { nameId: made.name }, ctx);
      if (found && madeBy(found.tags, made.createId)) lbArn = found.lb.LoadBalancerArn;
    });
  if (lbArn) {
    const arn = lbArn;
    await attempt('listeners', async () => {
      const res = await api.elb('DescribeListeners', { LoadBalancerArn: arn }, ctx).catch(ignoreNotFound);
      for (const l of res?.Listeners ?? [])
        await api.elb('DeleteListener', { ListenerArn: l.ListenerArn }, ctx).catch(ignoreNotFound);
    });
  }
  if (made.targetGroup) {
    await attempt('target group', async () => {
      const arns = made.tgArn
        ? [made.tgArn]
        : (
            await managedTargetGroups(api, options.managedTagKey, made.name, made.vpcId, ctx, made.createId)
          ).map((tg) => tg.TargetGroupArn);
      for (const arn of arns)
        await api.elb('DeleteTargetGroup', { TargetGroupArn: arn }, ctx).catch(ignoreNotFound);
    });
  }
  if (lbArn) {
    const arn = lbArn;
    if (failed.length > 0) failed.push(`load balancer ${arn} (kept so deleteNLB can find what is left)`);
    else
      await attempt(`load balancer ${arn}`, async () => {
        await api.elb('DeleteLoadBalancer', { LoadBalancerArn: arn }, ctx).catch(ignoreNotFound);
        await waitDeleted(api, arn, options.waiter, ctx);
      });
  }
  return failed.length === 0 ? original : cleanupFailedError(AWS_DRIVER_NAME, original, failed, operation);
}
