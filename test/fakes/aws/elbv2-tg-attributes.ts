/**
 * ELBv2 target group attributes: DescribeTargetGroupAttributes and ModifyTargetGroupAttributes, with
 * the keys and ranges AWS documents for network load balancer target groups. A modify is checked
 * whole before anything changes, as on AWS.
 */
import { checkTgArn } from './elbv2-target-groups.js';
import { AwsFault, validationError } from './errors.js';
import type { Handler } from './protocols.js';
import type { TargetGroup } from './state.js';
import { xmlList } from './xml.js';

const BOOLEAN = (v: string) => v === 'true' || v === 'false';
const INT = (min: number, max: number) => (v: string) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;

/** The NLB target group attributes the fake knows: their AWS defaults and what values are valid. */
const NLB_ATTRIBUTES: Record<string, { initial: string; valid: (v: string) => boolean; text: string }> = {
  'deregistration_delay.timeout_seconds': { initial: '300', valid: INT(0, 3600), text: '0-3600' },
  'deregistration_delay.connection_termination.enabled': {
    initial: 'false',
    valid: BOOLEAN,
    text: 'true or false',
  },
  'preserve_client_ip.enabled': { initial: 'true', valid: BOOLEAN, text: 'true or false' },
  'proxy_protocol_v2.enabled': { initial: 'false', valid: BOOLEAN, text: 'true or false' },
  'target_health_state.unhealthy.connection_termination.enabled': {
    initial: 'true',
    valid: BOOLEAN,
    text: 'true or false',
  },
};

/** A target group's attributes, AWS's defaults for those never set. */
export function attributesOf(tg: TargetGroup): Map<string, string> {
  tg.attributes ??= new Map(Object.entries(NLB_ATTRIBUTES).map(([k, a]) => [k, a.initial]));
  return tg.attributes;
}

const render = (tg: TargetGroup) =>
  xmlList('member', [...attributesOf(tg)], ([key, value]) => [
    ['Key', key],
    ['Value', value],
  ]);

const describeTargetGroupAttributes: Handler = ({ state, params }) => {
  const arn = params.req('TargetGroupArn');
  checkTgArn(arn);
  return [['Attributes', render(state.tg(arn))]];
};

const modifyTargetGroupAttributes: Handler = ({ state, params }) => {
  const arn = params.req('TargetGroupArn');
  checkTgArn(arn);
  const tg = state.tg(arn);
  const changes = params
    .structs('Attributes.member')
    .map((a) => [a.req('Key'), a.str('Value') ?? ''] as const);
  if (changes.length === 0) throw validationError('Attributes must contain at least one attribute');
  for (const [key, value] of changes) {
    const known = NLB_ATTRIBUTES[key];
    if (!known)
      throw new AwsFault(
        'InvalidConfigurationRequest',
        `Attribute key '${key}' is not supported on target groups with the '${tg.protocol}' protocol`,
      );
    if (!known.valid(value))
      throw new AwsFault(
        'InvalidConfigurationRequest',
        `'${value}' is not a valid value for attribute '${key}'; it must be ${known.text}`,
      );
  }
  const attributes = attributesOf(tg);
  for (const [key, value] of changes) attributes.set(key, value);
  return [['Attributes', render(tg)]];
};

/** Handlers keyed by action name. */
export const targetGroupAttributeHandlers: Record<string, Handler> = {
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
};
