/**
 * nlbkit shapes <-> Compute Engine resources. An NLB named N is a forwarding rule N (its listener) to a
 * backend service N (protocol, scheme, session affinity) with health check N and one GCE_VM_IP network
 * endpoint group `N-neg-<zone letter>` per zone holding VMs. Each resource's description marks it as
 * nlbkit's, for which NLB and which create call; the forwarding rule's also keeps the VPC and tags.
 */
import { z } from 'zod';
import { lenient } from '../../common/provider-answer.js';
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import type {
  HashFields,
  HealthCheckProtocol,
  KeyValue,
  NLBInfo,
  ResolvedHealthCheckerInfo,
  VMGroupMember,
} from '../../interfaces/types.js';
import type { BackendService, ForwardingRule, HealthCheck } from './gcp-api.js';

/** What nlbkit keeps in a resource's description. */
export interface Marker {
  /** The NLB's name. */
  nlb: string;
  /** The create call that made the resource (its undo removes only what it made). */
  createId: string;
  /** Forwarding rule only: the VPC (network) name and the user's tags. */
  vpc?: string;
  tags?: KeyValue[];
  /** Forwarding rule only: the listener's family when not IPV4 (DUAL_STACK: see {@link v6RuleName}). */
  af?: 'IPV6' | 'DUAL_STACK';
}

/** The second forwarding rule of a DUAL_STACK NLB: its IPv6 one. */
export const v6RuleName = (nlb: string) => `${nlb}-v6`;

/** An address as a forwarding rule reports it (an IPv6 one may carry its /96). */
const bare = (ip: string | null | undefined) => (ip ? ip.replace(/\/\d+$/, '') : undefined);

const PREFIX = 'nlbkit:';
/** Compute Engine's limit on a description. */
export const MAX_DESCRIPTION = 2048;

export const describe = (m: Marker) => `${PREFIX}${JSON.stringify(m)}`;

/**
 * A description's marker as parsed: the NLB and the create call decide whether the resource is
 * nlbkit's; a malformed optional field (edited by hand) is dropped, never trusted.
 */
const markerSchema = z.object({
  nlb: z.string(),
  createId: z.string(),
  vpc: lenient(z.string()),
  tags: lenient(z.array(z.object({ key: z.string(), value: z.string() }))),
  af: lenient(z.enum(['IPV6', 'DUAL_STACK'])),
});

/** The marker in a description, or undefined when the resource is not nlbkit's. */
export function markerOf(description: string | null | undefined): Marker | undefined {
  if (!description?.startsWith(PREFIX)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(description.slice(PREFIX.length));
  } catch {
    return undefined;
  }
  const m = markerSchema.safeParse(json);
  if (!m.success) return undefined;
  const { nlb, createId, vpc, tags, af } = m.data;
  return {
    nlb,
    createId,
    ...(vpc === undefined ? {} : { vpc }),
    ...(tags ? { tags } : {}),
    ...(af ? { af } : {}),
  };
}

/** Is this resource nlbkit's, for NLB `nlb`? */
export const ownedBy = (r: { description?: string | null } | undefined, nlb: string) =>
  markerOf(r?.description)?.nlb === nlb;

/**
 * The labels that mark an adopted forwarding rule (adoptNLB): a forwarding rule's description cannot
 * change after it is made, its labels can (setLabels), and label values hold RFC 1035 names.
 */
export const ADOPTED_LABEL = 'nlbkit-nlb';
export const ADOPTED_VPC_LABEL = 'nlbkit-vpc';
/** The createId of what adoptNLB marked (nothing of it was made by a create call). */
export const ADOPTED = 'adopted';

/** A forwarding rule's marker: its description's when nlbkit made it, else its labels' when adopted. */
export function ruleMarker(fr: ForwardingRule | undefined): Marker | undefined {
  const made = markerOf(fr?.description);
  if (made) return made;
  const nlb = fr?.labels?.[ADOPTED_LABEL];
  if (!nlb) return undefined;
  const vpc = fr?.labels?.[ADOPTED_VPC_LABEL];
  return { nlb, createId: ADOPTED, ...(vpc ? { vpc } : {}) };
}

/** Is this forwarding rule nlbkit's (made or adopted), for NLB `nlb`? */
export const ruleOwnedBy = (fr: ForwardingRule | undefined, nlb: string) => ruleMarker(fr)?.nlb === nlb;

/** The last segment of a resource URL (its name). */
export const nameOf = (url: string | null | undefined) => (url ?? '').split('/').filter(Boolean).at(-1) ?? '';
/** The zone of a zonal resource URL. */
export const zoneOf = (url: string | null | undefined) => (url ?? '').match(/\/zones\/([^/]+)/)?.[1] ?? '';

/** The NEG name of an NLB in a zone: `<nlb>-neg-<zone letter>`. */
export const negName = (nlb: string, zone: string) => `${nlb}-neg-${zone.slice(zone.lastIndexOf('-') + 1)}`;
/** An RE2 pattern for every NEG name of an NLB. */
export const negPattern = (nlb: string) => `${nlb}-neg-[a-z0-9]+`;

/** Session affinity for nlbkit's hash fields. */
export const affinityOf = (h?: HashFields) => (h === 'SOURCE_IP' ? 'CLIENT_IP' : 'NONE');

/** The health check resource for `hc` on a group served on `groupPort`. */
export function healthCheckOf(
  name: string,
  hc: ResolvedHealthCheckerInfo,
  groupPort: number,
  marker: Marker,
): HealthCheck {
  const port = hc.port ?? groupPort;
  const spec = hc.protocol === 'TCP' ? { port } : { port, requestPath: hc.httpPath ?? '/' };
  return {
    name,
    description: describe(marker),
    type: hc.protocol,
    checkIntervalSec: hc.interval,
    timeoutSec: hc.timeout,
    healthyThreshold: hc.healthyThreshold,
    unhealthyThreshold: hc.unhealthyThreshold,
    [`${hc.protocol.toLowerCase()}HealthCheck`]: spec,
  };
}

/** The parts of a backend service nlbkit sets on create. */
export function backendServiceOf(
  name: string,
  scheme: 'EXTERNAL' | 'INTERNAL',
  group: Pick<ResolvedVMGroup, 'protocol' | 'hashFields' | 'drainTimeoutSec'>,
  healthCheckUrl: string,
  negUrls: string[],
  networkUrl: string,
  marker: Marker,
): BackendService {
  return {
    name,
    description: describe(marker),
    loadBalancingScheme: scheme,
    protocol: group.protocol,
    sessionAffinity: affinityOf(group.hashFields),
    ...(group.drainTimeoutSec === undefined
      ? {}
      : { connectionDraining: { drainingTimeoutSec: group.drainTimeoutSec } }),
    healthChecks: [healthCheckUrl],
    backends: negUrls.map((group) => ({ group, balancingMode: 'CONNECTION' })),
    ...(scheme === 'INTERNAL' ? { network: networkUrl } : {}),
  };
}

const HC_PROTOCOLS = new Set<HealthCheckProtocol>(['TCP', 'HTTP', 'HTTPS']);

/** The NLB its forwarding rule, backend service, health check and members describe. */
export function toNLBInfo(
  fr: ForwardingRule,
  bs: BackendService | undefined,
  hc: HealthCheck | undefined,
  vms: VMGroupMember[],
  networkUrl: string,
  /** The IPv6 forwarding rule of a DUAL_STACK NLB. */
  v6?: ForwardingRule,
): NLBInfo {
  const marker = ruleMarker(fr);
  const protocol = fr.IPProtocol === 'UDP' ? 'UDP' : 'TCP';
  const port = Number(fr.ports?.[0] ?? fr.portRange?.split('-')[0] ?? 0);
  const hcProtocol = HC_PROTOCOLS.has(hc?.type as HealthCheckProtocol)
    ? (hc?.type as HealthCheckProtocol)
    : 'TCP';
  const spec = (hc?.[`${hcProtocol.toLowerCase()}HealthCheck` as 'tcpHealthCheck'] ?? {}) as {
    port?: number | null;
    requestPath?: string | null;
  };
  const healthyThreshold = hc?.healthyThreshold ?? 2;
  const keyValueList: KeyValue[] = [
    { key: 'forwardingRule', value: fr.selfLink ?? '' },
    { key: 'loadBalancingScheme', value: fr.loadBalancingScheme ?? '' },
  ];
  if (hc?.selfLink) keyValueList.push({ key: 'healthCheck', value: hc.selfLink });
  // An adopted NLB's parts keep their own names; releaseNLB applies to it.
  if (marker?.createId === ADOPTED) keyValueList.push({ key: 'adopted', value: 'true' });
  return {
    iid: { nameId: fr.name ?? '', systemId: String(fr.id ?? '') },
    vpcIID: { nameId: marker?.vpc ?? '', systemId: networkUrl },
    type: fr.loadBalancingScheme === 'INTERNAL' ? 'INTERNAL' : 'PUBLIC',
    scope: 'REGION',
    listener: {
      protocol,
      port,
      ...(fr.IPAddress ? { ip: bare(fr.IPAddress) } : {}),
      ...(fr.selfLink ? { cspId: fr.selfLink } : {}),
      addressFamily: marker?.af ?? (fr.ipVersion === 'IPV6' ? 'IPV6' : 'IPV4'),
      ...(fr.ipVersion === 'IPV6' && fr.IPAddress ? { ipv6: bare(fr.IPAddress) } : {}),
      ...(v6?.IPAddress ? { ipv6: bare(v6.IPAddress) } : {}),
    },
    vmGroup: {
      protocol: bs?.protocol === 'UDP' ? 'UDP' : protocol,
      port,
      vms: [...vms].sort((a, b) => a.nameId.localeCompare(b.nameId)),
      algorithm: 'SOURCE_HASH',
      hashFields: bs?.sessionAffinity === 'CLIENT_IP' ? 'SOURCE_IP' : 'FIVE_TUPLE',
      ...(bs?.selfLink ? { cspId: bs.selfLink } : {}),
      ...(bs ? { drainTimeoutSec: bs.connectionDraining?.drainingTimeoutSec ?? 0 } : {}),
    },
    healthChecker: {
      protocol: hcProtocol,
      port: spec.port ?? port,
      interval: hc?.checkIntervalSec ?? 5,
      timeout: hc?.timeoutSec ?? 5,
      threshold: healthyThreshold,
      healthyThreshold,
      unhealthyThreshold: hc?.unhealthyThreshold ?? 2,
      ...(hcProtocol === 'TCP' ? {} : { httpPath: spec.requestPath ?? '/', expectedCodes: '200' }),
    },
    createdTime: new Date(fr.creationTimestamp ?? 0),
    tagList: marker?.tags ?? [],
    keyValueList,
  };
}
