/**
 * Polling a load balancer until it is active or gone. A plain loop rather than the SDK's waiters, so
 * every poll goes through AwsApi (error mapping, request counting) and the delays are the driver's
 * options; the caller's AbortSignal interrupts the sleep between polls at once.
 */
import type { LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { pollUntil } from '../../common/poll.js';
import { NLBError } from '../../interfaces/errors.js';
import type { AwsApi, CallContext } from './aws-api.js';
import { AWS_DRIVER_NAME, type ResolvedAwsOptions } from './aws-options.js';

type Waiter = ResolvedAwsOptions['waiter'];

const poll = <T>(
  what: string,
  waiter: Waiter,
  ctx: CallContext,
  check: () => Promise<T | undefined>,
  step: string,
) => pollUntil(AWS_DRIVER_NAME, what, waiter, ctx, check, step);

/** Waits until the load balancer is `active`; `failed` is a PROVIDER_ERROR. Returns it as last seen. */
export function waitActive(
  api: AwsApi,
  arn: string,
  waiter: Waiter,
  ctx: CallContext,
): Promise<LoadBalancer> {
  return poll(
    `load balancer ${arn} to become active`,
    waiter,
    ctx,
    async () => {
      const res = await api.elb('DescribeLoadBalancers', { LoadBalancerArns: [arn] }, ctx);
      const lb = res.LoadBalancers?.[0];
      const state = lb?.State?.Code;
      // active_impaired still routes traffic (AWS scales or repairs in the background).
      if (state === 'active' || state === 'active_impaired') return lb;
      if (state === 'failed' || !lb)
        throw new NLBError({
          code: 'PROVIDER_ERROR',
          driver: AWS_DRIVER_NAME,
          operation: ctx.operation,
          message: `load balancer ${arn} is ${state ?? 'gone'}: ${lb?.State?.Reason ?? 'no reason given'}`,
        });
      return undefined;
    },
    'wait-active',
  );
}

/** Waits until DescribeLoadBalancers no longer finds the load balancer. */
export async function waitDeleted(api: AwsApi, arn: string, waiter: Waiter, ctx: CallContext): Promise<void> {
  await poll(
    `load balancer ${arn} to be deleted`,
    waiter,
    ctx,
    async () => {
      try {
        const res = await api.elb('DescribeLoadBalancers', { LoadBalancerArns: [arn] }, ctx);
        return (res.LoadBalancers ?? []).length === 0 ? true : undefined;
      } catch (e) {
        if ((e as NLBError).code === 'NOT_FOUND') return true;
        throw e;
      }
    },
    'wait-deleted',
  );
}
