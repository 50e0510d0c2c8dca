/**
 * What the AWS driver reads of ELBv2's answers, checked where they enter (AwsApi.elb): the SDK's
 * models make every field optional, so the identifiers the driver goes on to use (ARNs, names) are
 * checked here once, and an answer without them is a typed UNAVAILABLE naming the field instead of
 * an `undefined` sent on to the next call. Loose: fields the driver does not read pass through.
 */
import type * as L from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import type { ElbActions } from './aws-api.js';

const id = z.string().min(1);
const loadBalancer = z.looseObject({ LoadBalancerArn: id, LoadBalancerName: id });
const targetGroup = z.looseObject({ TargetGroupArn: id });
const listener = z.looseObject({ ListenerArn: id });

/** The schema of each action whose answer the driver reads identifiers from. */
export const ELB_ANSWERS = {
  DescribeLoadBalancers: z.looseObject({ LoadBalancers: z.array(loadBalancer).optional() }),
  CreateLoadBalancer: z.looseObject({ LoadBalancers: z.array(loadBalancer).min(1) }),
  DescribeTargetGroups: z.looseObject({ TargetGroups: z.array(targetGroup).optional() }),
  CreateTargetGroup: z.looseObject({ TargetGroups: z.array(targetGroup).min(1) }),
  DescribeListeners: z.looseObject({ Listeners: z.array(listener).optional() }),
  CreateListener: z.looseObject({ Listeners: z.array(listener).min(1) }),
} satisfies Partial<Record<keyof ElbActions, z.ZodType>>;

/** A load balancer whose ARN and name were checked. */
export type CheckedLoadBalancer = L.LoadBalancer & { LoadBalancerArn: string; LoadBalancerName: string };
/** A target group whose ARN was checked. */
export type CheckedTargetGroup = L.TargetGroup & { TargetGroupArn: string };
/** A listener whose ARN was checked. */
export type CheckedListener = L.Listener & { ListenerArn: string };
type Out<K extends keyof ElbActions> = ElbActions[K][1];

/** The answers as ELB_ANSWERS leaves them: the checked identifiers typed as present. */
interface CheckedElbAnswers {
  DescribeLoadBalancers: Omit<Out<'DescribeLoadBalancers'>, 'LoadBalancers'> & {
    LoadBalancers?: CheckedLoadBalancer[];
  };
  CreateLoadBalancer: Omit<Out<'CreateLoadBalancer'>, 'LoadBalancers'> & {
    LoadBalancers: [CheckedLoadBalancer, ...CheckedLoadBalancer[]];
  };
  DescribeTargetGroups: Omit<Out<'DescribeTargetGroups'>, 'TargetGroups'> & {
    TargetGroups?: CheckedTargetGroup[];
  };
  CreateTargetGroup: Omit<Out<'CreateTargetGroup'>, 'TargetGroups'> & {
    TargetGroups: [CheckedTargetGroup, ...CheckedTargetGroup[]];
  };
  DescribeListeners: Omit<Out<'DescribeListeners'>, 'Listeners'> & { Listeners?: CheckedListener[] };
  CreateListener: Omit<Out<'CreateListener'>, 'Listeners'> & {
    Listeners: [CheckedListener, ...CheckedListener[]];
  };
}

/** What `AwsApi.elb(action)` resolves to. */
export type ElbAnswer<K extends keyof ElbActions> = K extends keyof CheckedElbAnswers
  ? CheckedElbAnswers[K]
  : Out<K>;
