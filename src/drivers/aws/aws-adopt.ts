/**
 * adoptNLB / releaseNLB on AWS. A network load balancer is nlbkit's when its managed tag holds its own
 * name (see aws-read.ts), so adopting one is tagging it, and its target group, after checking that
 * nlbkit can show it as one NLB: one TCP or UDP listener forwarding to one instance target group of the
 * same protocol that no other load balancer uses. Releasing removes the tags and deletes nothing.
 * Both undo their tags on failure (AddTags and RemoveTags are each all or nothing on AWS).
 */
import type { Listener, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Rollback } from '../../common/rollback.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { AwsApi, CallContext } from './aws-api.js';
import type { AwsDeps } from './aws-context.js';
import { forwardTargetGroupArn } from './aws-convert.js';
import { AWS_DRIVER_NAME, CREATE_ID_TAG_KEY, VPC_NAME_TAG_KEY } from './aws-options.js';
import { managedTargetGroups, readNLB, tagsOf } from './aws-read.js';

const L4 = new Set(['TCP', 'UDP']);

const refuse = (ctx: CallContext, code: 'UNSUPPORTED' | 'INVALID_ARGUMENT' | 'NOT_FOUND', message: string) =>
  new NLBError({ code, driver: AWS_DRIVER_NAME, operation: ctx.operation, message });

/** The one target group a listener forwards to, or why nlbkit cannot show it. */
function forwardedGroup(listener: Listener, ctx: CallContext): string {
  const actions = listener.DefaultActions ?? [];
  const groups = actions[0]?.ForwardConfig?.TargetGroups ?? [];
  const arn = forwardTargetGroupArn(listener);
  if (actions.length !== 1 || actions[0]?.Type !== 'forward' || groups.length > 1 || !arn)
    throw refuse(ctx, 'UNSUPPORTED', 'its listener does not forward to exactly one target group');
  return arn;
}

/** Checks the target group can be an nlbkit VM group. */
function checkGroup(tg: TargetGroup | undefined, listener: Listener, lbArn: string, ctx: CallContext) {
  if (!tg) throw refuse(ctx, 'UNSUPPORTED', 'its target group cannot be read');
  if (tg.Protocol !== listener.Protocol)
    throw refuse(
      ctx,
      'UNSUPPORTED',
      `its target group's protocol (${tg.Protocol}) differs from the listener's`,
    );
  if (tg.TargetType !== 'instance')
    throw refuse(
      ctx,
      'UNSUPPORTED',
      `its target group has ${tg.TargetType} targets; nlbkit's VMs are instances`,
    );
  if ((tg.LoadBalancerArns ?? []).some((arn) => arn !== lbArn))
    throw refuse(ctx, 'UNSUPPORTED', 'its target group serves another load balancer too');
}

const tag = (api: AwsApi, arn: string, key: string, name: string, ctx: CallContext) =>
  api.elb('AddTags', { ResourceArns: [arn], Tags: [{ Key: key, Value: name }] }, ctx);
const untag = (api: AwsApi, arn: string, keys: string[], ctx: CallContext) =>
  api.elb('RemoveTags', { ResourceArns: [arn], TagKeys: keys }, ctx);

/** Tags an existing network load balancer and its target group as the NLB `name`; see the module comment. */
export async function adoptOnAws(
  { api, options }: AwsDeps,
  systemId: string,
  name: string,
  ctx: CallContext,
): Promise<NLBInfo> {
  const key = options.managedTagKey;
  const lb = (await api.elb('DescribeLoadBalancers', { LoadBalancerArns: [systemId] }, ctx))
    .LoadBalancers?.[0];
  if (!lb?.LoadBalancerArn) throw refuse(ctx, 'NOT_FOUND', `no load balancer ${systemId}`);
  const lbArn = lb.LoadBalancerArn;
  if (lb.Type !== 'network')
    throw refuse(ctx, 'UNSUPPORTED', `it is an ${lb.Type} load balancer; nlbkit manages network ones`);
  if (lb.LoadBalancerName !== name)
    throw refuse(
      ctx,
      'INVALID_ARGUMENT',
      `on AWS an NLB is named as its load balancer: '${lb.LoadBalancerName}'`,
    );
  const listeners = (await api.elb('DescribeListeners', { LoadBalancerArn: lbArn }, ctx)).Listeners ?? [];
  if (listeners.length !== 1)
    throw refuse(ctx, 'UNSUPPORTED', `it has ${listeners.length} listeners; an nlbkit NLB has one`);
  const listener = listeners[0] as Listener;
  if (!L4.has(listener.Protocol ?? ''))
    throw refuse(ctx, 'UNSUPPORTED', `its listener protocol ${listener.Protocol} is not TCP or UDP`);
  const tgArn = forwardedGroup(listener, ctx);
  const tg = (await api.elb('DescribeTargetGroups', { TargetGroupArns: [tgArn] }, ctx)).TargetGroups?.[0];
  checkGroup(tg, listener, lbArn, ctx);
  const undo: CallContext = { operation: ctx.operation };
  return new Rollback(AWS_DRIVER_NAME).run(ctx.operation, async (rb) => {
    rb.push(`the tag on ${tgArn}`, () => untag(api, tgArn, [key], undo));
    await tag(api, tgArn, key, name, ctx);
    rb.push(`the tag on ${lbArn}`, () => untag(api, lbArn, [key], undo));
    await tag(api, lbArn, key, name, ctx);
    const tags = (await tagsOf(api, [lbArn], ctx)).get(lbArn) ?? [];
    return readNLB(api, key, { lb, tags }, ctx);
  });
}

/** Removes nlbkit's tags from the NLB's target groups, then from its load balancer. */
export async function releaseOnAws(
  { api, options }: AwsDeps,
  current: NLBInfo,
  ctx: CallContext,
): Promise<void> {
  const key = options.managedTagKey;
  const name = current.iid.nameId;
  const lbArn = current.iid.systemId as string;
  const groups = await managedTargetGroups(api, key, name, current.vpcIID.systemId, ctx);
  const undo: CallContext = { operation: ctx.operation };
  await new Rollback(AWS_DRIVER_NAME).run(ctx.operation, async (rb) => {
    // Groups first: a group left tagged without its load balancer's tag would be deleteNLB's to remove.
    for (const g of groups) {
      const arn = g.TargetGroupArn;
      rb.push(`the tag on ${arn}`, () => tag(api, arn, key, name, undo));
      await untag(api, arn, [key, CREATE_ID_TAG_KEY], ctx);
    }
    await untag(api, lbArn, [key, VPC_NAME_TAG_KEY, CREATE_ID_TAG_KEY], ctx);
  });
}
