/**
 * createNLB on AWS, all or nothing. AWS calls, in order (the count is asserted by a test and written
 * in docs/drivers/aws.md): [DescribeVpcs, only when the VPC is given by Name tag], DescribeSubnets,
 * DescribeInstances (when there are VMs), CreateLoadBalancer, CreateTargetGroup, RegisterTargets
 * (when there are VMs), CreateListener, then DescribeLoadBalancers until `active`. The load balancer is
 * made first, so whatever a cut-short clean-up leaves hangs off a load balancer deleteNLB can find.
 */
import type { ResolvedCreateRequest } from '../../common/guarded-handler.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './aws-api.js';
import { type AwsDeps, newTargetGroupName } from './aws-context.js';
import { awsTags, healthCheckInput, toNLBInfo } from './aws-convert.js';
import { resolveInstances, resolveVpcId, subnetsPerAz } from './aws-lookup.js';
import { Rollback } from './aws-rollback.js';
import { waitActive, waitDeleted } from './aws-wait.js';

/** Creates the load balancer, target group, targets and listener; undoes them all on any failure. */
export async function createOnAws(
  deps: AwsDeps,
  req: ResolvedCreateRequest,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { api, options } = deps;
  const name = req.iid.nameId;
  // Clean-up must finish even when the caller aborted, so it runs without the signal.
  const cleanup: CallContext = { operation: ctx.operation };
  const vpcId = await resolveVpcId(api, req.vpcIID, ctx);
  const vpc = { nameId: req.vpcIID.nameId, systemId: vpcId };
  const subnets = await subnetsPerAz(api, vpcId, ctx);
  const vms = await resolveInstances(api, vpcId, req.vmGroup.vms, ctx);
  const tags = awsTags(options.managedTagKey, name, vpc, req.tagList);

  return new Rollback().run(ctx.operation, async (rb) => {
    const created = await api.elb(
      'CreateLoadBalancer',
      {
        Name: name,
        Type: 'network',
        Scheme: req.type === 'INTERNAL' ? 'internal' : 'internet-facing',
        IpAddressType: 'ipv4',
        Subnets: subnets,
        Tags: tags,
      },
      ctx,
    );
    const lbArn = created.LoadBalancers?.[0]?.LoadBalancerArn as string;
    rb.push(`load balancer ${lbArn}`, async () => {
      await api.elb('DeleteLoadBalancer', { LoadBalancerArn: lbArn }, cleanup);
      await waitDeleted(api, lbArn, options.waiter, cleanup);
    });

    const tgRes = await api.elb(
      'CreateTargetGroup',
      {
        Name: newTargetGroupName(),
        Protocol: req.vmGroup.protocol as 'TCP' | 'UDP',
        Port: req.vmGroup.port,
        VpcId: vpcId,
        TargetType: 'instance',
        ...healthCheckInput(req.healthChecker),
        Tags: awsTags(options.managedTagKey, name, undefined, []),
      },
      ctx,
    );
    const targetGroup = tgRes.TargetGroups?.[0] ?? {};
    const tgArn = targetGroup.TargetGroupArn as string;
    rb.push(`target group ${tgArn}`, () => api.elb('DeleteTargetGroup', { TargetGroupArn: tgArn }, cleanup));

    if (vms.length > 0)
      await api.elb(
        'RegisterTargets',
        { TargetGroupArn: tgArn, Targets: vms.map((vm) => ({ Id: vm.systemId as string })) },
        ctx,
      );

    const lis = await api.elb(
      'CreateListener',
      {
        LoadBalancerArn: lbArn,
        Protocol: req.listener.protocol,
        Port: req.listener.port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      },
      ctx,
    );
    const listener = lis.Listeners?.[0];
    const listenerArn = listener?.ListenerArn as string;
    rb.push(`listener ${listenerArn}`, () =>
      api.elb('DeleteListener', { ListenerArn: listenerArn }, cleanup),
    );

    const lb = await waitActive(api, lbArn, options.waiter, ctx);
    return toNLBInfo({ lb, tags, listener, targetGroup, vms }, options.managedTagKey);
  });
}
