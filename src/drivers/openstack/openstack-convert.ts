/**
 * nlbkit shapes <-> Octavia bodies. What Octavia has no field for lives in tags (plain strings, at most
 * 255 characters): the managed marker, the VPC's name, the type, the user's tags, each member's server
 * id and a custom health-check port.
 */
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import { violationsError } from '../../interfaces/errors.js';
import type {
  AddressFamily,
  Algorithm,
  HashFields,
  HealthCheckProtocol,
  IID,
  KeyValue,
  NLBInfo,
  NLBType,
  ResolvedHealthCheckerInfo,
  VMGroupMember,
} from '../../interfaces/types.js';
import { drainTimeoutOf, isDraining } from './openstack-drain.js';
import type { ResolvedVM } from './openstack-lookup.js';
import type {
  OctaviaLb,
  OctaviaListener,
  OctaviaMember,
  OctaviaMonitor,
  OctaviaPool,
} from './openstack-octavia.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';

/** The tag every load balancer nlbkit made carries; lists filter on it. */
export const MANAGED_TAG = 'nlbkit-managed';
const VPC = 'nlbkit:vpc=';
const TYPE = 'nlbkit:type=';
const USER = 'nlbkit:tag:';
const VM = 'nlbkit:vm=';
const PORT = 'nlbkit:port=';
const GROUP_PORT = 'nlbkit:group-port=';
const MAX_TAG = 255;

/** The load balancer's tags; a user tag too long for Octavia is INVALID_ARGUMENT before any call. */
export function lbTags(vpc: IID, type: NLBType, tagList: KeyValue[], operation: string): string[] {
  const user = tagList.map((t) => `${USER}${encodeURIComponent(t.key)}=${encodeURIComponent(t.value)}`);
  const tooLong = user.findIndex((t) => t.length > MAX_TAG);
  if (tooLong >= 0)
    throw violationsError(OPENSTACK_DRIVER_NAME, operation, [
      {
        path: `tagList[${tooLong}]`,
        message: `key and value take more than Octavia's ${MAX_TAG}-character tag (URL-encoded, with nlbkit's prefix)`,
        code: 'UNSUPPORTED',
      },
    ]);
  return [MANAGED_TAG, `${VPC}${encodeURIComponent(vpc.nameId)}`, `${TYPE}${type}`, ...user];
}

const tagValue = (tags: string[] | undefined, prefix: string) =>
  tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length);

/** The user's tags back from the load balancer's tags. */
export function userTags(tags: string[] | undefined): KeyValue[] {
  return (tags ?? [])
    .filter((t) => t.startsWith(USER))
    .map((t) => {
      const [k = '', v = ''] = t.slice(USER.length).split('=');
      return { key: decodeURIComponent(k), value: decodeURIComponent(v) };
    });
}

/** Octavia's lb_algorithm for an nlbkit algorithm. */
export function lbAlgorithm(algorithm: Algorithm, hashFields?: HashFields): string {
  if (algorithm === 'ROUND_ROBIN') return 'ROUND_ROBIN';
  return hashFields === 'SOURCE_IP_PORT' ? 'SOURCE_IP_PORT' : 'SOURCE_IP';
}

/** nlbkit's algorithm for Octavia's (LEAST_CONNECTIONS, made elsewhere, reads as ROUND_ROBIN's kin). */
function algorithmOf(lbAlg: string): { algorithm: Algorithm; hashFields?: HashFields } {
  if (lbAlg === 'SOURCE_IP') return { algorithm: 'SOURCE_HASH', hashFields: 'SOURCE_IP' };
  if (lbAlg === 'SOURCE_IP_PORT') return { algorithm: 'SOURCE_HASH', hashFields: 'SOURCE_IP_PORT' };
  return { algorithm: 'ROUND_ROBIN' };
}

const MONITOR_TYPE: Record<HealthCheckProtocol, string> = {
  TCP: 'TCP',
  HTTP: 'HTTP',
  HTTPS: 'HTTPS',
  UDP: 'UDP-CONNECT',
};

/** The health monitor's settings (without pool_id), as POST and PUT take them. */
export function monitorBody(hc: ResolvedHealthCheckerInfo, groupPort: number, forUpdate = false) {
  const http = hc.protocol === 'HTTP' || hc.protocol === 'HTTPS';
  return {
    ...(forUpdate ? {} : { type: MONITOR_TYPE[hc.protocol] }),
    delay: hc.interval,
    timeout: hc.timeout,
    max_retries: hc.healthyThreshold,
    max_retries_down: hc.unhealthyThreshold,
    ...(http
      ? { http_method: 'GET', url_path: hc.httpPath ?? '/', expected_codes: hc.expectedCodes ?? '200-399' }
      : {}),
    tags: monitorPort(hc, groupPort) === undefined ? [] : [`${PORT}${hc.port}`],
  };
}

/** The member's monitor_port: the health-check port when it differs from the group's. */
export function monitorPort(hc: ResolvedHealthCheckerInfo, groupPort: number): number | undefined {
  return hc.port !== undefined && hc.port !== groupPort ? hc.port : undefined;
}

/** A member of the batch member update. */
export function memberBody(vm: ResolvedVM, port: number, monitor: number | undefined) {
  return {
    name: vm.nameId,
    address: vm.address,
    protocol_port: port,
    subnet_id: vm.subnetId,
    weight: vm.weight ?? 1,
    ...(monitor === undefined ? {} : { monitor_port: monitor }),
    tags: [`${VM}${vm.systemId}`],
  };
}

/** A member as a ResolvedVM again (to rebuild a batch from what exists). */
export function vmOfMember(m: OctaviaMember): ResolvedVM {
  return {
    nameId: m.name,
    systemId: tagValue(m.tags, VM) ?? '',
    address: m.address,
    subnetId: m.subnet_id ?? '',
    ...(m.weight !== 1 ? { weight: m.weight } : {}),
  };
}

/** Everything that makes up one NLB on Octavia. */
export interface OctaviaTree {
  lb: OctaviaLb;
  listener?: OctaviaListener;
  pool?: OctaviaPool;
  members: OctaviaMember[];
  monitor?: OctaviaMonitor;
  floatingIp?: { id: string; floating_ip_address: string };
}

const PROTOCOL_OF_MONITOR: Record<string, HealthCheckProtocol> = {
  TCP: 'TCP',
  HTTP: 'HTTP',
  HTTPS: 'HTTPS',
  'UDP-CONNECT': 'UDP',
};

/** The NLB a tree describes. */
export function toNLBInfo(tree: OctaviaTree): NLBInfo {
  const { lb, listener, pool, members, monitor, floatingIp } = tree;
  const type: NLBType = tagValue(lb.tags, TYPE) === 'PUBLIC' || floatingIp ? 'PUBLIC' : 'INTERNAL';
  const protocol = (listener?.protocol === 'UDP' ? 'UDP' : 'TCP') as 'TCP' | 'UDP';
  // The tag is kept with every group change; members are the fallback for a hand-tagged load balancer.
  // Draining members (weight 0 until their drain ends) are no longer the group's VMs.
  const serving = members.filter((m) => !isDraining(m));
  const groupPort = Number(tagValue(lb.tags, GROUP_PORT) ?? serving[0]?.protocol_port ?? 0);
  // Draining is the amphora's (weights); OVN has none, so its NLBs report no drain timeout.
  const drain = drainTimeoutOf(lb.tags) ?? (lb.provider === 'ovn' ? undefined : 0);
  const vms: VMGroupMember[] = serving
    .map((m) => ({
      nameId: m.name,
      systemId: tagValue(m.tags, VM) ?? m.id,
      ...(m.weight !== 1 ? { weight: m.weight } : {}),
    }))
    .sort((a, b) => a.nameId.localeCompare(b.nameId));
  const customPort = tagValue(monitor?.tags, PORT);
  const hcProtocol = PROTOCOL_OF_MONITOR[monitor?.type ?? 'TCP'] ?? 'TCP';
  const http = hcProtocol === 'HTTP' || hcProtocol === 'HTTPS';
  const keyValueList: KeyValue[] = [
    { key: 'vipAddress', value: lb.vip_address },
    { key: 'vipPortId', value: lb.vip_port_id },
    { key: 'provisioningStatus', value: lb.provisioning_status },
  ];
  if (lb.operating_status) keyValueList.push({ key: 'operatingStatus', value: lb.operating_status });
  if (floatingIp) keyValueList.push({ key: 'floatingIpId', value: floatingIp.id });
  return {
    iid: { nameId: lb.name, systemId: lb.id },
    vpcIID: { nameId: decodeURIComponent(tagValue(lb.tags, VPC) ?? ''), systemId: lb.vip_network_id },
    type,
    scope: 'REGION',
    listener: {
      protocol,
      port: listener?.protocol_port ?? 0,
      ip: floatingIp?.floating_ip_address ?? lb.vip_address,
      ...(listener ? { cspId: listener.id } : {}),
      ...addressesOf(lb),
    },
    vmGroup: {
      protocol,
      port: groupPort,
      vms,
      ...algorithmOf(pool?.lb_algorithm ?? 'ROUND_ROBIN'),
      ...(pool ? { cspId: pool.id } : {}),
      ...(drain === undefined ? {} : { drainTimeoutSec: drain }),
    },
    healthChecker: {
      protocol: hcProtocol,
      port: customPort ? Number(customPort) : groupPort,
      interval: monitor?.delay ?? 0,
      timeout: monitor?.timeout ?? 0,
      threshold: monitor?.max_retries ?? 0,
      healthyThreshold: monitor?.max_retries ?? 0,
      unhealthyThreshold: monitor?.max_retries_down ?? 0,
      ...(http
        ? { httpPath: monitor?.url_path ?? '/', expectedCodes: monitor?.expected_codes ?? '200' }
        : {}),
    },
    createdTime: new Date(lb.created_at ?? 0),
    tagList: userTags(lb.tags),
    keyValueList,
  };
}

/** A member's tags with its server's id (replacing any other). */
export const withMemberVm = (tags: string[] | undefined, serverId: string) => [
  ...withoutMemberVm(tags),
  `${VM}${serverId}`,
];

/** A member's tags without its server's id. */
export const withoutMemberVm = (tags: string[] | undefined) => (tags ?? []).filter((t) => !t.startsWith(VM));

/** A load balancer's tags without nlbkit's marks; the user's tags (`nlbkit:tag:`) and others' stay. */
export const withoutMarks = (tags: string[] | undefined) =>
  (tags ?? []).filter((t) => t !== MANAGED_TAG && (!t.startsWith('nlbkit:') || t.startsWith(USER)));

/** The tag with the id of the create call that made a load balancer. */
export const createIdTag = (id: string) => `nlbkit:create-id=${id}`;

/** The group port tag: kept so an NLB with no members still knows its backend port. */
export const groupPortTag = (port: number) => `${GROUP_PORT}${port}`;

/** Replaces the group-port tag in `tags`. */
export function withGroupPort(tags: string[] | undefined, port: number): string[] {
  return [...(tags ?? []).filter((t) => !t.startsWith(GROUP_PORT)), groupPortTag(port)];
}

/** Members for `group` on `port` (a ResolvedVMGroup's VMs already resolved to addresses). */
export function memberBatch(
  vms: ResolvedVM[],
  group: Pick<ResolvedVMGroup, 'port'>,
  monitor: number | undefined,
) {
  return vms.map((vm) => memberBody(vm, group.port, monitor));
}

/** The listener's family and IPv6 address: the VIP's, and its additional VIPs' (dual stack). */
function addressesOf(lb: OctaviaLb): { addressFamily: AddressFamily; ipv6?: string } {
  const v6 = [lb.vip_address, ...(lb.additional_vips ?? []).map((v) => v.ip_address)].find((a) =>
    a.includes(':'),
  );
  if (!v6) return { addressFamily: 'IPV4' };
  return { addressFamily: lb.vip_address.includes(':') ? 'IPV6' : 'DUAL_STACK', ipv6: v6 };
}
