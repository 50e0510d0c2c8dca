/**
 * ELBv2 target group actions: CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup,
 * DeleteTargetGroup, with network-load-balancer rules.
 */

import { checkLbArn } from './elbv2-load-balancers.js';
import { targetGroupXml } from './elbv2-render.js';
import { checkEnum, checkName, checkRange, readTags, resolveHealth } from './elbv2-validate.js';
import { AwsFault, validationError } from './errors.js';
import { hexId } from './ids.js';
import { pageOf } from './paging.js';
import type { Handler } from './protocols.js';
import type { TargetGroup } from './state.js';
import { xmlList } from './xml.js';

/** Target-group protocols a network load balancer accepts. */
export const NLB_TG_PROTOCOLS = ['TCP', 'UDP', 'TCP_UDP', 'TLS'];
const ALL_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE', 'QUIC', 'TCP_QUIC'];

/** Rejects strings that are not target group ARNs. */
export function checkTgArn(arn: string): void {
  if (!/^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:targetgroup\//.test(arn)) {
    throw validationError(`'${arn}' is not a valid target group ARN`);
  }
}

const createTargetGroup: Handler = ({ state, params }) => {
  const name = params.req('Name');
  checkName('Target group', name);
  const protocol = params.req('Protocol');
  checkEnum('protocol', protocol, ALL_PROTOCOLS);
  if (!NLB_TG_PROTOCOLS.includes(protocol)) {
    throw validationError(
      `This fake serves network load balancers only; target group protocol must be one of ${NLB_TG_PROTOCOLS.join(', ')}, not '${protocol}'`,
    );
  }
  const port = params.int('Port');
  if (port === undefined) throw validationError('A port must be specified');
  checkRange('port', port, 1, 65535);
  const targetType = (params.str('TargetType') ?? 'instance') as TargetGroup['targetType'];
  checkEnum('targetType', targetType, ['instance', 'ip', 'lambda', 'alb']);
  if (targetType !== 'instance' && targetType !== 'ip') {
    throw validationError(
      `Target type '${targetType}' is not supported by this fake; use 'instance' or 'ip'`,
    );
  }
  const vpcId = params.str('VpcId');
  if (!vpcId) throw validationError('A VPC ID must be specified');
  if (!state.vpcs.has(vpcId)) throw validationError(`The VPC ID '${vpcId}' is not found`);
  if (params.str('HealthCheckEnabled') === 'false') {
    throw validationError(
      `Health checks cannot be disabled for target groups with target type '${targetType}'`,
    );
  }
  const health = resolveHealth(protocol, params);
  const tags = readTags(params);
  const existing = [...state.targetGroups.values()].find((tg) => tg.name === name);
  if (existing) {
    const same =
      existing.protocol === protocol &&
      existing.port === port &&
      existing.vpcId === vpcId &&
      existing.targetType === targetType &&
      JSON.stringify(existing.health) === JSON.stringify(health);
    // AWS: creating with the same name and settings is idempotent and returns the existing group.
    if (!same) {
      throw new AwsFault(
        'DuplicateTargetGroupName',
        `A target group with the same name '${name}' exists, but with different settings`,
      );
    }
    return [['TargetGroups', [['member', targetGroupXml(existing, state)]]]];
  }
  const tg: TargetGroup = {
    arn: `${state.arnPrefix}:targetgroup/${name}/${hexId(16)}`,
    name,
    protocol,
    port,
    vpcId,
    targetType,
    health,
  };
  state.targetGroups.set(tg.arn, tg);
  const tagMap = state.tagsOf(tg.arn);
  for (const [k, v] of tags) tagMap.set(k, v);
  return [['TargetGroups', [['member', targetGroupXml(tg, state)]]]];
};

const describeTargetGroups: Handler = ({ state, params }) => {
  const lbArn = params.str('LoadBalancerArn');
  const arns = params.list('TargetGroupArns.member');
  const names = params.list('Names.member');
  if ([lbArn !== undefined, arns.length > 0, names.length > 0].filter(Boolean).length > 1) {
    throw validationError('Only one of load balancer ARN, target group ARNs or names can be specified');
  }
  let selected = [...state.targetGroups.values()];
  if (lbArn !== undefined) {
    checkLbArn(lbArn);
    state.lb(lbArn);
    selected = selected.filter((tg) => state.lbArnsOf(tg.arn).includes(lbArn));
  } else if (arns.length > 0) {
    for (const a of arns) checkTgArn(a);
    if (arns.some((a) => !state.targetGroups.has(a))) {
      throw new AwsFault('TargetGroupNotFound', 'One or more target groups not found');
    }
    selected = selected.filter((tg) => arns.includes(tg.arn));
  } else if (names.length > 0) {
    const missing = names.filter((n) => !selected.some((tg) => tg.name === n));
    if (missing.length > 0) {
      throw new AwsFault('TargetGroupNotFound', `Target groups '[${missing.join(', ')}]' not found`);
    }
    selected = selected.filter((tg) => names.includes(tg.name));
  }
  const page = pageOf(selected, params);
  return [
    ['TargetGroups', xmlList('member', page.items, (tg) => targetGroupXml(tg, state))],
    ['NextMarker', page.nextMarker],
  ];
};

const modifyTargetGroup: Handler = ({ state, params }) => {
  const arn = params.req('TargetGroupArn');
  checkTgArn(arn);
  const tg = state.tg(arn);
  if (params.str('HealthCheckEnabled') === 'false') {
    throw validationError(
      `Health checks cannot be disabled for target groups with target type '${tg.targetType}'`,
    );
  }
  // Validate everything before changing anything: a rejected modify leaves the group as it was.
  tg.health = resolveHealth(tg.protocol, params, tg.health);
  return [['TargetGroups', [['member', targetGroupXml(tg, state)]]]];
};

const deleteTargetGroup: Handler = ({ state, params }) => {
  const arn = params.req('TargetGroupArn');
  checkTgArn(arn);
  if (!state.targetGroups.has(arn)) return [];
  const users = [...state.listeners.values()].filter((l) => l.targetGroupArn === arn);
  if (users.length > 0) {
    throw new AwsFault('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
  }
  state.targetGroups.delete(arn);
  state.targets.delete(arn);
  state.tags.delete(arn);
  return [];
};

/** Handlers keyed by action name. */
export const targetGroupHandlers: Record<string, Handler> = {
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
};
