/**
 * Connection draining on AWS: the target group's deregistration delay. A removed target stays
 * `draining` for `deregistration_delay.timeout_seconds` (0-3600, AWS's default 300) and gets no new
 * flows. nlbkit also turns on `deregistration_delay.connection_termination.enabled` whenever it sets
 * the delay, so the target's connections end when the delay does (AWS's default keeps them open past
 * it, and a delay of 0 would then cut nothing); see docs/drivers/aws.md.
 */
import type { AwsApi, CallContext } from './aws-api.js';

/** The attribute holding the delay. */
export const DRAIN_TIMEOUT_KEY = 'deregistration_delay.timeout_seconds';
/** The attribute that ends a drained target's connections at the end of the delay. */
export const DRAIN_TERMINATION_KEY = 'deregistration_delay.connection_termination.enabled';
/** AWS's default delay, for a target group nlbkit never set one on. */
export const AWS_DEFAULT_DRAIN_SEC = 300;

/** Sets the delay (and termination at its end) on a target group. */
export async function setDrain(api: AwsApi, tgArn: string, seconds: number, ctx: CallContext): Promise<void> {
  await api.elb(
    'ModifyTargetGroupAttributes',
    {
      TargetGroupArn: tgArn,
      Attributes: [
        { Key: DRAIN_TIMEOUT_KEY, Value: String(seconds) },
        { Key: DRAIN_TERMINATION_KEY, Value: 'true' },
      ],
    },
    ctx,
  );
}

/** The delay in force on a target group. */
export async function readDrain(api: AwsApi, tgArn: string, ctx: CallContext): Promise<number> {
  const res = await api.elb('DescribeTargetGroupAttributes', { TargetGroupArn: tgArn }, ctx);
  const value = res.Attributes?.find((a) => a.Key === DRAIN_TIMEOUT_KEY)?.Value;
  const seconds = Number(value);
  return value !== undefined && Number.isInteger(seconds) ? seconds : AWS_DEFAULT_DRAIN_SEC;
}

/**
 * Gives `toArn` the drain settings `fromArn` has, both attributes as they are (a group change that
 * keeps the delay must not turn AWS's default "connections kept past it" into "terminated").
 */
export async function copyDrain(
  api: AwsApi,
  fromArn: string,
  toArn: string,
  ctx: CallContext,
): Promise<void> {
  const res = await api.elb('DescribeTargetGroupAttributes', { TargetGroupArn: fromArn }, ctx);
  const keys = new Set([DRAIN_TIMEOUT_KEY, DRAIN_TERMINATION_KEY]);
  const Attributes = (res.Attributes ?? []).filter((a) => keys.has(a.Key ?? ''));
  if (Attributes.length > 0)
    await api.elb('ModifyTargetGroupAttributes', { TargetGroupArn: toArn, Attributes }, ctx);
}
