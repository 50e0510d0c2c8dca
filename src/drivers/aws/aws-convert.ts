/**
 * Pure conversions between AWS objects and nlbkit's: no calls here, so they are tested without a fake
 * and used alike by reads (getNLB) and by writes (which build their answer from AWS's own replies).
 */
import type { Listener, LoadBalancer, Tag, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type {
  HealthCheckProtocol,
  IID,
  KeyValue,
  ListenerInfo,
  ListenerProtocol,
  NLBInfo,
  ResolvedHealthCheckerInfo,
  VMGroupProtocol,
} from '../../interfaces/types.js';
import { AWS_CAPABILITIES } from './aws-capabilities.js';
import { CREATE_ID_TAG_KEY, VPC_NAME_TAG_KEY } from './aws-options.js';

const defaults = AWS_CAPABILITIES.healthCheck.defaults;

/** Why an AWS NLB balances flows the way it does: see aws-capabilities.ts. */
export const AWS_ALGORITHM = 'SOURCE_HASH' as const;
export const AWS_HASH_FIELDS = 'FIVE_TUPLE' as const;

const isHttp = (p: string | undefined) => p === 'HTTP' || p === 'HTTPS';

/** The health checker a target group has. */
export function healthCheckerOf(tg: TargetGroup): ResolvedHealthCheckerInfo {
  const protocol = (tg.HealthCheckProtocol ?? 'TCP') as HealthCheckProtocol;
  const healthyThreshold = tg.HealthyThresholdCount ?? 0;
  const out: ResolvedHealthCheckerInfo = {
    protocol,
    interval: tg.HealthCheckIntervalSeconds ?? 0,
    timeout: tg.HealthCheckTimeoutSeconds ?? 0,
    threshold: healthyThreshold,
    healthyThreshold,
    unhealthyThreshold: tg.UnhealthyThresholdCount ?? 0,
  };
  if (tg.HealthCheckPort && tg.HealthCheckPort !== 'traffic-port') out.port = Number(tg.HealthCheckPort);
  if (isHttp(protocol)) {
    if (tg.HealthCheckPath) out.httpPath = tg.HealthCheckPath;
    if (tg.Matcher?.HttpCode) out.expectedCodes = tg.Matcher.HttpCode;
  }
  return out;
}

/** The health-check fields of CreateTargetGroup / ModifyTargetGroup for a resolved checker. */
export function healthCheckInput(hc: ResolvedHealthCheckerInfo) {
  const http = isHttp(hc.protocol);
  return {
    HealthCheckEnabled: true,
    HealthCheckProtocol: hc.protocol as 'TCP' | 'HTTP' | 'HTTPS',
    HealthCheckPort: hc.port === undefined ? 'traffic-port' : String(hc.port),
    HealthCheckIntervalSeconds: hc.interval,
    HealthCheckTimeoutSeconds: hc.timeout,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    ...(http
      ? { HealthCheckPath: hc.httpPath ?? '/', Matcher: { HttpCode: hc.expectedCodes ?? '200-399' } }
      : {}),
  };
}

/** The listener as nlbkit shows it; `undefined` listener means a half-created NLB. */
export function listenerOf(
  lb: LoadBalancer,
  listener: Listener | undefined,
  fallback: ListenerProtocol,
): ListenerInfo {
  const out: ListenerInfo = {
    protocol: (listener?.Protocol as ListenerProtocol | undefined) ?? fallback,
    port: listener?.Port ?? 0,
  };
  if (lb.DNSName) out.dnsName = lb.DNSName;
  if (listener?.ListenerArn) out.cspId = listener.ListenerArn;
  // The DNS name answers A and AAAA for dualstack; the addresses themselves are AWS's to change.
  out.addressFamily = lb.IpAddressType === 'dualstack' ? 'DUAL_STACK' : 'IPV4';
  return out;
}

/** The target group a listener forwards to. */
export function forwardTargetGroupArn(listener: Listener | undefined): string | undefined {
  const action = listener?.DefaultActions?.find((a) => a.Type === 'forward');
  return action?.TargetGroupArn ?? action?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
}

/** The VM group as nlbkit shows it. */
export function vmGroupOf(
  tg: TargetGroup | undefined,
  vms: IID[],
  fallback: VMGroupProtocol,
  drainTimeoutSec?: number,
): NLBInfo['vmGroup'] {
  const out: NLBInfo['vmGroup'] = {
    protocol: (tg?.Protocol as VMGroupProtocol | undefined) ?? fallback,
    port: tg?.Port ?? 0,
    vms: [...vms].sort((a, b) => (a.nameId < b.nameId ? -1 : a.nameId > b.nameId ? 1 : 0)),
    algorithm: AWS_ALGORITHM,
    hashFields: AWS_HASH_FIELDS,
  };
  if (tg?.TargetGroupArn) out.cspId = tg.TargetGroupArn;
  if (drainTimeoutSec !== undefined) out.drainTimeoutSec = drainTimeoutSec;
  return out;
}

/** Tags as AWS takes them: the user's plus nlbkit's own. */
export function awsTags(managedTagKey: string, name: string, vpc: IID | undefined, user: KeyValue[]): Tag[] {
  const own: Tag[] = [{ Key: managedTagKey, Value: name }];
  if (vpc) own.push({ Key: VPC_NAME_TAG_KEY, Value: vpc.nameId });
  const reserved = new Set([managedTagKey, VPC_NAME_TAG_KEY, CREATE_ID_TAG_KEY]);
  return [...own, ...user.filter((t) => !reserved.has(t.key)).map((t) => ({ Key: t.key, Value: t.value }))];
}

/** Everything needed to describe one NLB. */
export interface LbParts {
  lb: LoadBalancer;
  tags: Tag[];
  listener?: Listener;
  targetGroup?: TargetGroup;
  /** The VM group's members (draining targets already left out), with names. */
  vms: IID[];
  /** The target group's deregistration delay, when read. */
  drainTimeoutSec?: number;
}

/** Builds the NLBInfo of an AWS network load balancer and its parts. */
export function toNLBInfo(parts: LbParts, managedTagKey: string): NLBInfo {
  const { lb, tags, listener, targetGroup } = parts;
  const protocol = (listener?.Protocol ?? targetGroup?.Protocol ?? 'TCP') as ListenerProtocol;
  const tag = (key: string) => tags.find((t) => t.Key === key)?.Value;
  const vpcId = lb.VpcId ?? '';
  const keyValueList: KeyValue[] = [
    { key: 'LoadBalancerArn', value: lb.LoadBalancerArn ?? '' },
    { key: 'Scheme', value: lb.Scheme ?? '' },
    { key: 'State', value: lb.State?.Code ?? '' },
  ];
  if (!listener || !targetGroup) keyValueList.push({ key: 'Incomplete', value: 'true' });
  const hc: ResolvedHealthCheckerInfo = targetGroup
    ? healthCheckerOf(targetGroup)
    : // No group to read (a cut-short create): AWS's defaults, so the NLB can still be passed around.
      { protocol: 'TCP', ...defaults, threshold: defaults.healthyThreshold };
  return {
    iid: { nameId: lb.LoadBalancerName ?? '', systemId: lb.LoadBalancerArn },
    vpcIID: { nameId: tag(VPC_NAME_TAG_KEY) ?? vpcId, systemId: vpcId },
    type: lb.Scheme === 'internal' ? 'INTERNAL' : 'PUBLIC',
    scope: 'REGION',
    listener: listenerOf(lb, listener, protocol),
    vmGroup: vmGroupOf(targetGroup, parts.vms, protocol, parts.drainTimeoutSec),
    healthChecker: hc,
    createdTime: lb.CreatedTime instanceof Date ? lb.CreatedTime : new Date(lb.CreatedTime ?? 0),
    tagList: tags
      .filter((t) => t.Key !== managedTagKey && t.Key !== VPC_NAME_TAG_KEY && t.Key !== CREATE_ID_TAG_KEY)
      .map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' })),
    keyValueList,
  };
}
