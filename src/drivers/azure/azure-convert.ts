/**
 * nlbkit shapes <-> the Azure LoadBalancer resource. One frontend, one IP-based backend pool (each
 * address named after its VM), one probe and one load-balancing rule; a dual-stack NLB adds an IPv6
 * frontend, pool and rule (see azure-parts.ts) sharing the probe. A change edits the resource and PUTs
 * it whole, which Azure applies atomically.
 */
import type { LoadBalancer, LoadBalancingRule, Probe, PublicIPAddress } from '@azure/arm-network';
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import type {
  HashFields,
  HealthCheckProtocol,
  IID,
  KeyValue,
  NLBInfo,
  ResolvedHealthCheckerInfo,
} from '../../interfaces/types.js';
import { type AzureApi, PART } from './azure-api.js';
import type { ResolvedVM } from './azure-lookup.js';
import { nameOf } from './azure-lookup.js';
import { PART6, partsOf } from './azure-parts.js';

/** Tags keeping the VPC's name as the user gave it, and when the NLB was made (ARM keeps no date). */
export const VPC_TAG = 'nlbkit-vpc';
export const CREATED_TAG = 'nlbkit-created';
/** Tag with an id per create call: its undo removes only what that call made. */
export const CREATE_ID_TAG = 'nlbkit-create-id';
/** Tag on an adopted load balancer: its public IP is not nlbkit's, and deleteNLB leaves it. */
export const ADOPTED_TAG = 'nlbkit-adopted';

/** Azure's loadDistribution for nlbkit's hash fields. */
export const loadDistribution = (h?: HashFields) => (h === 'FIVE_TUPLE' ? 'Default' : 'SourceIP');

const PROBE_PROTOCOL: Record<string, 'Tcp' | 'Http' | 'Https'> = { TCP: 'Tcp', HTTP: 'Http', HTTPS: 'Https' };

/** The probe for `hc` on a group served on `groupPort`. */
export function probeOf(hc: ResolvedHealthCheckerInfo, groupPort: number): Probe {
  const http = hc.protocol === 'HTTP' || hc.protocol === 'HTTPS';
  return {
    name: PART.probe,
    protocol: PROBE_PROTOCOL[hc.protocol] ?? 'Tcp',
    port: hc.port ?? groupPort,
    intervalInSeconds: hc.interval,
    probeThreshold: hc.healthyThreshold,
    ...(http ? { requestPath: hc.httpPath ?? '/' } : {}),
  };
}

/** Backend addresses of the IPv4 pool, or with `v6` of the IPv6 pool. */
export const addressesOf = (vms: ResolvedVM[], vnetId: string, v6 = false) =>
  vms.map((vm) => ({
    name: vm.nameId,
    ipAddress: v6 ? vm.address6 : vm.address,
    virtualNetwork: { id: vnetId },
  }));

/** The rule joining frontend, pool and probe (with `v6`: the IPv6 frontend and pool). */
export function ruleOf(
  api: AzureApi,
  lb: string,
  protocol: 'TCP' | 'UDP',
  frontendPort: number,
  group: Pick<ResolvedVMGroup, 'port' | 'hashFields'>,
  v6 = false,
): LoadBalancingRule {
  const part = v6 ? PART6 : PART;
  return {
    name: part.rule,
    protocol: protocol === 'UDP' ? 'Udp' : 'Tcp',
    frontendPort,
    backendPort: group.port,
    frontendIPConfiguration: { id: api.lbId(lb, ['frontendIPConfigurations', part.frontend]) },
    backendAddressPool: { id: api.lbId(lb, ['backendAddressPools', part.pool]) },
    probe: { id: api.lbId(lb, ['probes', PART.probe]) },
    loadDistribution: loadDistribution(group.hashFields),
    enableFloatingIP: false,
    // Outbound traffic of the VMs is not this load balancer's business.
    disableOutboundSnat: true,
  };
}

/** The load balancer's tags: nlbkit's mark (value: the NLB's name), the VPC's name, the user's tags. */
export function lbTags(managedKey: string, name: string, vpc: IID, user: KeyValue[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of user) tags[t.key] = t.value;
  tags[managedKey] = name;
  tags[VPC_TAG] = vpc.nameId;
  tags[CREATED_TAG] = new Date().toISOString();
  return tags;
}

const HEALTH_PROTOCOL: Record<string, HealthCheckProtocol> = { Tcp: 'TCP', Http: 'HTTP', Https: 'HTTPS' };

/** The NLB a load balancer (and its public IPs by id, for PUBLIC) describes. */
export function toNLBInfo(
  api: AzureApi,
  lb: LoadBalancer,
  managedKey: string,
  publicIps: PublicIPAddress[] = [],
): NLBInfo {
  const { frontend, pool, probe, rule, frontend6 } = partsOf(lb);
  const ipOf = (f: typeof frontend) =>
    publicIps.find((ip) => ip.id && ip.id.toLowerCase() === f?.publicIPAddress?.id?.toLowerCase());
  const publicIp = ipOf(frontend);
  const ipv6 = frontend6 ? (ipOf(frontend6)?.ipAddress ?? frontend6.privateIPAddress) : undefined;
  const protocol = rule?.protocol === 'Udp' ? 'UDP' : 'TCP';
  const groupPort = rule?.backendPort ?? 0;
  const tags = lb.tags ?? {};
  const hcProtocol = HEALTH_PROTOCOL[probe?.protocol ?? 'Tcp'] ?? 'TCP';
  const interval = probe?.intervalInSeconds ?? 0;
  const threshold = probe?.probeThreshold ?? 1;
  const keyValueList: KeyValue[] = [{ key: 'provisioningState', value: lb.provisioningState ?? '' }];
  if (frontend?.privateIPAddress)
    keyValueList.push({ key: 'privateIPAddress', value: frontend.privateIPAddress });
  if (publicIp?.id) keyValueList.push({ key: 'publicIPAddressId', value: publicIp.id });
  return {
    iid: { nameId: lb.name ?? '', systemId: lb.id ?? '' },
    // The VNet is in the load balancer's resource group (the driver looks it up there).
    vpcIID: { nameId: tags[VPC_TAG] ?? '', systemId: tags[VPC_TAG] ? api.vnetId(tags[VPC_TAG]) : '' },
    type: frontend?.publicIPAddress ? 'PUBLIC' : 'INTERNAL',
    scope: 'REGION',
    listener: {
      protocol,
      port: rule?.frontendPort ?? 0,
      ip: publicIp?.ipAddress ?? frontend?.privateIPAddress,
      ...(publicIp?.dnsSettings?.fqdn ? { dnsName: publicIp.dnsSettings.fqdn } : {}),
      ...(frontend?.id ? { cspId: frontend.id } : {}),
      // An IPv6 frontend beside the IPv4 one is dual stack (Azure has no IPv6-only load balancer).
      addressFamily: frontend6 ? 'DUAL_STACK' : 'IPV4',
      ...(ipv6 ? { ipv6 } : {}),
    },
    vmGroup: {
      protocol,
      port: groupPort,
      vms: (pool?.loadBalancerBackendAddresses ?? [])
        .map((a) => ({ nameId: a.name ?? '', systemId: api.vmId(a.name ?? '') }))
        .sort((a, b) => a.nameId.localeCompare(b.nameId)),
      algorithm: 'SOURCE_HASH',
      hashFields: rule?.loadDistribution === 'Default' ? 'FIVE_TUPLE' : 'SOURCE_IP',
      ...(pool?.id ? { cspId: pool.id } : {}),
    },
    healthChecker: {
      protocol: hcProtocol,
      port: probe?.port ?? groupPort,
      interval,
      timeout: interval,
      threshold,
      healthyThreshold: threshold,
      unhealthyThreshold: threshold,
      ...(hcProtocol === 'TCP' ? {} : { httpPath: probe?.requestPath ?? '/', expectedCodes: '200' }),
    },
    createdTime: new Date(tags[CREATED_TAG] ?? 0),
    tagList: Object.entries(tags)
      .filter(([k]) => ![managedKey, VPC_TAG, CREATED_TAG, CREATE_ID_TAG, ADOPTED_TAG].includes(k))
      .map(([key, value]) => ({ key, value })),
    keyValueList,
  };
}

/** The names of an NLB's public IPs (IPv4; IPv6 of a dual-stack one), and those a load balancer uses. */
export const publicIpName = (nlb: string) => `${nlb}-nlbkit-ip`;
export const publicIpName6 = (nlb: string) => `${nlb}-nlbkit-ipv6`;
export const publicIpsOf = (lb: LoadBalancer): string[] =>
  (lb.frontendIPConfigurations ?? []).map((f) => nameOf(f.publicIPAddress?.id)).filter((n) => n !== '');
