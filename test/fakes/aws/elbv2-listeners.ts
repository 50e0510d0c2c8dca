/**
 * ELBv2 listener actions: CreateListener, DescribeListeners, ModifyListener, DeleteListener. A
 * network load balancer listener has exactly one `forward` action to one target group.
 */

import { checkLbArn } from './elbv2-load-balancers.js';
import { listenerXml } from './elbv2-render.js';
import { checkTgArn } from './elbv2-target-groups.js';
import { checkEnum, checkRange } from './elbv2-validate.js';
import { AwsFault, missingParam, validationError } from './errors.js';
import type { Params } from './form.js';
import { hexId } from './ids.js';
import { pageOf } from './paging.js';
import type { Handler } from './protocols.js';
import type { FakeState, Listener, LoadBalancer } from './state.js';
import { xmlList } from './xml.js';

const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE', 'QUIC', 'TCP_QUIC'];

/** Which target-group protocols each NLB listener protocol may forward to. */
const COMPATIBLE: Record<string, string[]> = {
  TCP: ['TCP', 'TCP_UDP'],
  UDP: ['UDP', 'TCP_UDP'],
  TCP_UDP: ['TCP_UDP'],
  TLS: ['TCP', 'TLS'],
};

function checkListenerArn(arn: string): void {
  if (!/^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:listener\//.test(arn)) {
    throw validationError(`'${arn}' is not a valid listener ARN`);
  }
}

function checkProtocol(protocol: string): void {
  checkEnum('protocol', protocol, LISTENER_PROTOCOLS);
  if (!(protocol in COMPATIBLE)) {
    throw new AwsFault(
      'UnsupportedProtocol',
      `Protocol '${protocol}' is not supported by Network Load Balancers`,
    );
  }
}

/** The single forward target group of `DefaultActions`, validated. */
function readForwardTarget(params: Params): string {
  const actions = params.structs('DefaultActions.member');
  if (actions.length === 0) throw missingParam('defaultActions');
  if (actions.length > 1)
    throw new AwsFault('TooManyActions', 'A Network Load Balancer listener supports one action');
  const action = actions[0]!;
  const type = action.req('Type');
  if (type !== 'forward') {
    throw new AwsFault(
      'InvalidLoadBalancerAction',
      `Action type '${type}' is not supported by Network Load Balancers`,
    );
  }
  const direct = action.str('TargetGroupArn');
  const weighted = action.structs('ForwardConfig.TargetGroups.member').map((t) => t.req('TargetGroupArn'));
  if (weighted.length > 1) {
    throw validationError('A Network Load Balancer forward action supports exactly one target group');
  }
  if (direct && weighted[0] && direct !== weighted[0]) {
    throw validationError('TargetGroupArn and ForwardConfig must name the same target group');
  }
  const arn = direct ?? weighted[0];
  if (!arn) throw validationError('A forward action must specify a target group');
  checkTgArn(arn);
  return arn;
}

/** Enforces the NLB rules that tie a listener to its target group. */
function checkBinding(state: FakeState, lb: LoadBalancer, protocol: string, tgArn: string): void {
  const tg = state.tg(tgArn);
  if (tg.vpcId !== lb.vpcId) {
    throw new AwsFault(
      'InvalidConfigurationRequest',
      `Target group '${tgArn}' is in VPC '${tg.vpcId}', not in the load balancer's VPC '${lb.vpcId}'`,
    );
  }
  const others = state.lbArnsOf(tgArn).filter((a) => a !== lb.arn);
  if (others.length > 0) {
    throw new AwsFault(
      'TargetGroupAssociationLimit',
      `The following target groups cannot be associated with more than one load balancer: '${tgArn}'`,
    );
  }
  if (!COMPATIBLE[protocol]?.includes(tg.protocol)) {
    throw new AwsFault(
      'IncompatibleProtocols',
      `Listener protocol '${protocol}' is not compatible with target group protocol '${tg.protocol}'`,
    );
  }
}

function readCertificates(params: Params): string[] {
  return params.structs('Certificates.member').map((c) => c.req('CertificateArn'));
}

function checkTls(protocol: string, certificateArns: string[]): void {
  if (protocol === 'TLS' && certificateArns.length === 0) {
    throw new AwsFault('CertificateNotFound', 'A certificate must be specified for TLS listeners');
  }
}

function portTaken(state: FakeState, lbArn: string, port: number, except?: string): Listener | undefined {
  return [...state.listeners.values()].find((l) => l.lbArn === lbArn && l.port === port && l.arn !== except);
}

const createListener: Handler = ({ state, params }) => {
  const lbArn = params.req('LoadBalancerArn');
  checkLbArn(lbArn);
  const lb = state.lb(lbArn);
  const protocol = params.req('Protocol');
  checkProtocol(protocol);
  const port = params.int('Port');
  if (port === undefined) throw missingParam('port');
  checkRange('port', port, 1, 65535);
  const tgArn = readForwardTarget(params);
  checkBinding(state, lb, protocol, tgArn);
  const certificateArns = readCertificates(params);
  checkTls(protocol, certificateArns);
  const taken = portTaken(state, lbArn, port);
  if (taken) {
    // AWS: the same listener created twice is idempotent; anything else on the port is a duplicate.
    if (taken.protocol === protocol && taken.targetGroupArn === tgArn) {
      return [['Listeners', [['member', listenerXml(taken)]]]];
    }
    throw new AwsFault(
      'DuplicateListener',
      `A listener already exists on port ${port} of load balancer '${lbArn}'`,
    );
  }
  const lbPath = lbArn.slice(lbArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
  const listener: Listener = {
    arn: `${state.arnPrefix}:listener/${lbPath}/${hexId(16)}`,
    lbArn,
    port,
    protocol,
    targetGroupArn: tgArn,
    certificateArns,
    ...(protocol === 'TLS' ? { sslPolicy: params.str('SslPolicy') ?? 'ELBSecurityPolicy-2016-08' } : {}),
  };
  state.listeners.set(listener.arn, listener);
  return [['Listeners', [['member', listenerXml(listener)]]]];
};

const describeListeners: Handler = ({ state, params }) => {
  const lbArn = params.str('LoadBalancerArn');
  const arns = params.list('ListenerArns.member');
  if (lbArn === undefined && arns.length === 0) {
    throw validationError('You must specify either listener ARNs or a load balancer ARN');
  }
  if (lbArn !== undefined && arns.length > 0) {
    throw validationError('Listener ARNs and a load balancer ARN cannot be specified at the same time');
  }
  let selected: Listener[];
  if (lbArn !== undefined) {
    checkLbArn(lbArn);
    state.lb(lbArn);
    selected = [...state.listeners.values()].filter((l) => l.lbArn === lbArn);
  } else {
    for (const a of arns) checkListenerArn(a);
    const missing = arns.filter((a) => !state.listeners.has(a));
    if (missing.length > 0)
      throw new AwsFault('ListenerNotFound', `Listeners '[${missing.join(', ')}]' not found`);
    selected = [...state.listeners.values()].filter((l) => arns.includes(l.arn));
  }
  const page = pageOf(selected, params);
  return [
    ['Listeners', xmlList('member', page.items, listenerXml)],
    ['NextMarker', page.nextMarker],
  ];
};

const modifyListener: Handler = ({ state, params }) => {
  const arn = params.req('ListenerArn');
  checkListenerArn(arn);
  const current = state.listener(arn);
  const lb = state.lb(current.lbArn);
  const protocol = params.str('Protocol') ?? current.protocol;
  checkProtocol(protocol);
  const port = params.int('Port') ?? current.port;
  checkRange('port', port, 1, 65535);
  const hasActions = params.structs('DefaultActions.member').length > 0;
  const tgArn = hasActions ? readForwardTarget(params) : current.targetGroupArn;
  checkBinding(state, lb, protocol, tgArn);
  const newCerts = readCertificates(params);
  const certificateArns =
    protocol === 'TLS' ? (newCerts.length > 0 ? newCerts : current.certificateArns) : [];
  checkTls(protocol, certificateArns);
  if (portTaken(state, lb.arn, port, arn)) {
    throw new AwsFault(
      'DuplicateListener',
      `A listener already exists on port ${port} of load balancer '${lb.arn}'`,
    );
  }
  // Every check passed: apply the whole change at once, as AWS does.
  const next: Listener = { ...current, protocol, port, targetGroupArn: tgArn, certificateArns };
  if (protocol === 'TLS')
    next.sslPolicy = params.str('SslPolicy') ?? current.sslPolicy ?? 'ELBSecurityPolicy-2016-08';
  else delete next.sslPolicy;
  state.listeners.set(arn, next);
  return [['Listeners', [['member', listenerXml(next)]]]];
};

const deleteListener: Handler = ({ state, params }) => {
  const arn = params.req('ListenerArn');
  checkListenerArn(arn);
  state.listener(arn);
  state.listeners.delete(arn);
  state.tags.delete(arn);
  return [];
};

/** Handlers keyed by action name. */
export const listenerHandlers: Record<string, Handler> = {
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  DeleteListener: deleteListener,
};
