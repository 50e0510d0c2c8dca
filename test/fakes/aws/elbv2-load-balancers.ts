/** ELBv2 load balancer actions: CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer. */

import { loadBalancerXml } from './elbv2-render.js';
import { checkEnum, checkName, readTags } from './elbv2-validate.js';
import { AwsFault, validationError } from './errors.js';
import { hexId } from './ids.js';
import { pageOf } from './paging.js';
import type { Handler } from './protocols.js';
import type { FakeState, LoadBalancer } from './state.js';
import { xmlList } from './xml.js';

/** Rejects strings that are not load balancer ARNs, as AWS does before looking them up. */
export function checkLbArn(arn: string): void {
  if (!/^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:loadbalancer\//.test(arn)) {
    throw validationError(`'${arn}' is not a valid load balancer ARN`);
  }
}

/** The state code the LB has now, without counting a describe. */
function stateCode(state: FakeState, lb: LoadBalancer): string {
  return lb.describes >= state.settings.activateAfterDescribes ? 'active' : 'provisioning';
}

/** The state code a describe reports: it sees the current state, then counts towards activation. */
function observe(state: FakeState, lb: LoadBalancer): string {
  const code = stateCode(state, lb);
  lb.describes += 1;
  return code;
}

function resolveSubnets(
  state: FakeState,
  ids: string[],
): { vpcId: string; subnets: LoadBalancer['subnets'] } {
  if (ids.length === 0) throw validationError('At least one subnet must be specified');
  const subnets = ids.map((id) => {
    const s = state.subnets.get(id);
    if (!s) throw new AwsFault('SubnetNotFound', `The subnet ID '${id}' is not valid`);
    return s;
  });
  const vpcIds = new Set(subnets.map((s) => s.vpcId));
  if (vpcIds.size > 1) throw new AwsFault('InvalidSubnet', 'The subnets must all belong to the same VPC');
  const azs = new Set<string>();
  for (const s of subnets) {
    if (azs.has(s.az)) {
      throw new AwsFault(
        'InvalidConfigurationRequest',
        'A load balancer cannot be attached to multiple subnets in the same Availability Zone',
      );
    }
    azs.add(s.az);
  }
  return { vpcId: subnets[0]!.vpcId, subnets: subnets.map((s) => ({ subnetId: s.subnetId, az: s.az })) };
}

/** Dual stack needs an associated IPv6 CIDR block on every subnet, as AWS says. */
function checkIpv6Subnets(state: FakeState, subnets: { subnetId: string }[]): void {
  if (subnets.some((s) => state.subnets.get(s.subnetId)?.ipv6Cidr === undefined))
    throw validationError('You must specify subnets with an associated IPv6 CIDR block.');
}

/** SetIpAddressType: ipv4 | dualstack on a network load balancer, on the subnets it has. */
const setIpAddressType: Handler = ({ state, params }) => {
  const arn = params.req('LoadBalancerArn');
  checkLbArn(arn);
  const type = params.req('IpAddressType');
  checkEnum('ipAddressType', type, ['ipv4', 'dualstack', 'dualstack-without-public-ipv4']);
  const lb = state.lb(arn);
  if (type === 'dualstack-without-public-ipv4')
    throw validationError(`IP address type '${type}' is not supported for network load balancers`);
  if (type === 'dualstack') checkIpv6Subnets(state, lb.subnets);
  lb.ipAddressType = type;
  return [['IpAddressType', type]];
};

const createLoadBalancer: Handler = ({ state, params }) => {
  const name = params.req('Name');
  checkName('Load balancer', name);
  const type = params.str('Type') ?? 'application';
  checkEnum('type', type, ['application', 'network', 'gateway']);
  if (type !== 'network') {
    throw validationError(
      `This fake serves network load balancers only; Type must be 'network', not '${type}'`,
    );
  }
  const scheme = (params.str('Scheme') ?? 'internet-facing') as LoadBalancer['scheme'];
  checkEnum('scheme', scheme, ['internet-facing', 'internal']);
  const ipAddressType = params.str('IpAddressType') ?? 'ipv4';
  checkEnum('ipAddressType', ipAddressType, ['ipv4', 'dualstack', 'dualstack-without-public-ipv4']);
  const plain = params.list('Subnets.member');
  const mapped = params.structs('SubnetMappings.member').map((m) => m.req('SubnetId'));
  if (plain.length > 0 && mapped.length > 0) {
    throw validationError('You can specify subnets or subnet mappings, but not both');
  }
  // Network load balancers take ipv4 and dualstack; dualstack-without-public-ipv4 is for ALBs.
  if (ipAddressType === 'dualstack-without-public-ipv4')
    throw validationError(`IP address type '${ipAddressType}' is not supported for network load balancers`);
  const { vpcId, subnets } = resolveSubnets(state, plain.length > 0 ? plain : mapped);
  if (ipAddressType === 'dualstack') checkIpv6Subnets(state, subnets);
  const tags = readTags(params);
  const existing = [...state.loadBalancers.values()].find((lb) => lb.name === name);
  if (existing) {
    const same =
      existing.scheme === scheme &&
      existing.ipAddressType === ipAddressType &&
      existing.subnets.map((s) => s.subnetId).join() === subnets.map((s) => s.subnetId).join();
    // AWS: creating with the same name and settings is idempotent and returns the existing LB.
    if (!same) {
      throw new AwsFault(
        'DuplicateLoadBalancerName',
        `A load balancer with the same name '${name}' exists, but with different settings`,
      );
    }
    return [['LoadBalancers', [['member', loadBalancerXml(existing, stateCode(state, existing))]]]];
  }
  const id = hexId(16);
  const { region } = state.settings;
  const lb: LoadBalancer = {
    arn: `${state.arnPrefix}:loadbalancer/net/${name}/${id}`,
    name,
    scheme,
    ipAddressType,
    vpcId,
    subnets,
    dnsName: `${name}-${id}.elb.${region}.amazonaws.com`,
    createdTime: new Date(),
    describes: 0,
  };
  state.loadBalancers.set(lb.arn, lb);
  const tagMap = state.tagsOf(lb.arn);
  for (const [k, v] of tags) tagMap.set(k, v);
  return [['LoadBalancers', [['member', loadBalancerXml(lb, stateCode(state, lb))]]]];
};

const describeLoadBalancers: Handler = ({ state, params }) => {
  const names = params.list('Names.member');
  const arns = params.list('LoadBalancerArns.member');
  if (names.length > 0 && arns.length > 0) {
    throw validationError('Load balancer names and load balancer ARNs cannot be specified at the same time');
  }
  const all = [...state.loadBalancers.values()];
  let selected = all;
  if (names.length > 0) {
    const missing = names.filter((n) => !all.some((lb) => lb.name === n));
    if (missing.length > 0)
      throw new AwsFault('LoadBalancerNotFound', `Load balancers '[${missing.join(', ')}]' not found`);
    selected = all.filter((lb) => names.includes(lb.name));
  } else if (arns.length > 0) {
    for (const arn of arns) checkLbArn(arn);
    if (arns.some((a) => !state.loadBalancers.has(a))) {
      throw new AwsFault('LoadBalancerNotFound', 'One or more load balancers not found');
    }
    selected = all.filter((lb) => arns.includes(lb.arn));
  }
  const page = pageOf(selected, params);
  return [
    ['LoadBalancers', xmlList('member', page.items, (lb) => loadBalancerXml(lb, observe(state, lb)))],
    ['NextMarker', page.nextMarker],
  ];
};

const deleteLoadBalancer: Handler = ({ state, params }) => {
  const arn = params.req('LoadBalancerArn');
  checkLbArn(arn);
  // AWS: deleting a load balancer that does not exist succeeds. Its listeners go with it; target
  // groups stay (they are separate resources).
  if (state.loadBalancers.delete(arn)) {
    for (const l of [...state.listeners.values()]) {
      if (l.lbArn === arn) {
        state.listeners.delete(l.arn);
        state.tags.delete(l.arn);
      }
    }
    state.tags.delete(arn);
  }
  return [];
};

/** Handlers keyed by action name. */
export const loadBalancerHandlers: Record<string, Handler> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  SetIpAddressType: setIpAddressType,
};
