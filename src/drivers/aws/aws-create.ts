/**
 * createNLB on AWS, all or nothing. AWS calls, in order (the count is asserted by a test and written
 * in docs/drivers/aws.md): [DescribeVpcs, only when the VPC is given by Name tag], DescribeSubnets,
 * DescribeInstances (when there are VMs), CreateLoadBalancer, DescribeTags (is it this call's?),
 * CreateTargetGroup, RegisterTargets (when there are VMs), CreateListener, then DescribeLoadBalancers
 * until `active`.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedCreateRequest } from '../../driver-kit/index.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './aws-api.js';
import { type AwsDeps, newTargetGroupName } from './aws-context.js';
import { awsTags, healthCheckInput, toNLBInfo } from './aws-convert.js';
import { cleanUpCreate, type MadeSoFar } from './aws-create-cleanup.js';
import { AWS_DEFAULT_DRAIN_SEC, setDrain } from './aws-drain.js';
import { resolveInstances, resolveVpcId, subnetsPerAz } from './aws-lookup.js';
import { AWS_DRIVER_NAME, CREATE_ID_TAG_KEY } from './aws-options.js';
import { madeBy, tagsOf } from './aws-read.js';
import { waitActive } from './aws-wait.js';

/** Creates the load balancer, target group, targets and listener; removes them all on any failure. */
export async function createOnAws(
  deps: AwsDeps,
  req: ResolvedCreateRequest,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { api, options } = deps;
  const name = req.iid.nameId;
  const vpcId = await resolveVpcId(api, req.vpcIID, ctx);
  const vpc = { nameId: req.vpcIID.nameId, systemId: vpcId };
  const dualStack = req.listener.addressFamily === 'DUAL_STACK';
  const subnets = await subnetsPerAz(api, vpcId, ctx, dualStack);
  const vms = await resolveInstances(api, vpcId, req.vmGroup.vms, ctx);
  // One id per call, on what it makes: its clean-up removes only that, never another process's namesake.
  const createId = randomUUID();
  const ownTag = { Key: CREATE_ID_TAG_KEY, Value: createId };
  const tags = [...awsTags(options.managedTagKey, name, vpc, req.tagList), ownTag];
  // Marked before each call is sent: an aborted or timed-out call may still have been applied.
  const made: MadeSoFar = { name, vpcId, createId };

  try {
    made.loadBalancer = true;
    ctx.progress?.('create-load-balancer', `creating load balancer '${name}'`);
    const created = await api.elb(
      'CreateLoadBalancer',
      {
        Name: name,
        Type: 'network',
        Scheme: req.type === 'INTERNAL' ? 'internal' : 'internet-facing',
        IpAddressType: dualStack ? 'dualstack' : 'ipv4',
        Subnets: subnets,
        Tags: tags,
      },
      ctx,
    );
    const createdArn = created.LoadBalancers[0].LoadBalancerArn;
    // CreateLoadBalancer is idempotent: with another process's load balancer of this name and the same
    // settings, AWS answers with theirs. Never build on (or clean up) what this call did not make.
    if (!madeBy((await tagsOf(api, [createdArn], ctx)).get(createdArn), createId)) {
      made.loadBalancer = false;
      throw new NLBError({
        code: 'ALREADY_EXISTS',
        driver: AWS_DRIVER_NAME,
        operation: ctx.operation,
        message: `a load balancer named '${name}' was made by someone else meanwhile`,
      });
    }
    made.lbArn = createdArn;
    const lbArn = createdArn;

    made.targetGroup = true;
    ctx.progress?.('create-target-group', 'creating the target group');
    const tgRes = await api.elb(
      'CreateTargetGroup',
      {
        Name: newTargetGroupName(),
        Protocol: req.vmGroup.protocol as 'TCP' | 'UDP',
        Port: req.vmGroup.port,
        VpcId: vpcId,
        TargetType: 'instance',
        ...healthCheckInput(req.healthChecker),
        Tags: [...awsTags(options.managedTagKey, name, undefined, []), ownTag],
      },
      ctx,
    );
    const targetGroup = tgRes.TargetGroups?.[0] ?? {};
    made.tgArn = targetGroup.TargetGroupArn;
    const tgArn = made.tgArn as string;
    const drain = req.vmGroup.drainTimeoutSec;
    if (drain !== undefined) await setDrain(api, tgArn, drain, ctx);

    if (vms.length > 0) {
      ctx.progress?.('register-targets', `registering ${vms.length} VM(s)`);
      await api.elb(
        'RegisterTargets',
        { TargetGroupArn: tgArn, Targets: vms.map((vm) => ({ Id: vm.systemId as string })) },
        ctx,
      );
    }

    ctx.progress?.(
      'create-listener',
      `creating the ${req.listener.protocol} listener on port ${req.listener.port}`,
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
    const lb = await waitActive(api, lbArn, options.waiter, ctx);
    const drainTimeoutSec = drain ?? AWS_DEFAULT_DRAIN_SEC;
    const parts = { lb, tags, listener: lis.Listeners?.[0], targetGroup, vms, drainTimeoutSec };
    return toNLBInfo(parts, options.managedTagKey);
  } catch (e) {
    throw await cleanUpCreate(deps, made, e, ctx.operation);
  }
}
