/**
 * Compute Engine's rules for the regional passthrough-NLB resources the driver uses, as the API
 * enforces them: RFC 1035 names, health-check ranges, a backend service's health check and NEG
 * backends that must exist, a forwarding rule whose protocol and scheme match its backend service,
 * and nothing deleted while another resource uses it.
 */

import { labelsOf, withLabels } from './labels.js';
import {
  fingerprint,
  GceFault,
  type GceState,
  inUse,
  invalid,
  type Json,
  lastSegment,
  NAME,
  newId,
  notFound,
  type Subnet,
  zoneOf,
} from './state.js';

const HC_TYPES = new Set(['TCP', 'HTTP', 'HTTPS']);
const AFFINITIES = new Set(['NONE', 'CLIENT_IP', 'CLIENT_IP_PROTO', 'CLIENT_IP_PORT_PROTO']);
const SCHEMES = new Set(['EXTERNAL', 'INTERNAL']);

export function checkName(kind: string, body: Json): string {
  const name = body.name;
  if (typeof name !== 'string' || !NAME.test(name))
    throw invalid(
      `Invalid value for field 'resource.name': '${String(name)}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)' (${kind})`,
    );
  if (typeof body.description === 'string' && body.description.length > 2048)
    throw invalid(`Invalid value for field 'resource.description': longer than 2048 characters`);
  return name;
}

const int = (v: unknown, field: string, min: number, max: number, fallback: number): number => {
  const n = v ?? fallback;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw invalid(`Invalid value for field 'resource.${field}': '${String(v)}'. Must be ${min}-${max}.`);
  return n;
};

/** A health check as stored, defaults filled; throws on what the API refuses. */
export function healthCheckOf(state: GceState, body: Json, name: string, existing?: Json): Json {
  const type = body.type;
  if (typeof type !== 'string' || !HC_TYPES.has(type))
    throw invalid(`Invalid value for field 'resource.type': '${String(type)}'.`);
  const interval = int(body.checkIntervalSec, 'checkIntervalSec', 1, 300, 5);
  const timeout = int(body.timeoutSec, 'timeoutSec', 1, 300, 5);
  if (timeout > interval)
    throw invalid(
      'Timeout sec (timeoutSec) must be less than or equal to check interval sec (checkIntervalSec).',
    );
  const key = `${type.toLowerCase()}HealthCheck`;
  const spec = (body[key] ?? {}) as Json;
  const port = int(spec.port, `${key}.port`, 1, 65535, type === 'HTTPS' ? 443 : 80);
  if (
    spec.requestPath !== undefined &&
    (typeof spec.requestPath !== 'string' || !spec.requestPath.startsWith('/'))
  )
    throw invalid(`Invalid value for field 'resource.${key}.requestPath'.`);
  for (const other of ['tcpHealthCheck', 'httpHealthCheck', 'httpsHealthCheck'])
    if (other !== key && body[other] !== undefined)
      throw invalid(`Invalid value for field 'resource.${other}': does not match type ${type}.`);
  return {
    kind: 'compute#healthCheck',
    id: existing?.id ?? newId(),
    creationTimestamp: existing?.creationTimestamp ?? new Date().toISOString(),
    name,
    description: body.description ?? '',
    checkIntervalSec: interval,
    timeoutSec: timeout,
    healthyThreshold: int(body.healthyThreshold, 'healthyThreshold', 1, 10, 2),
    unhealthyThreshold: int(body.unhealthyThreshold, 'unhealthyThreshold', 1, 10, 2),
    type,
    [key]: {
      port,
      ...(type === 'TCP' ? {} : { requestPath: (spec.requestPath as string | undefined) ?? '/' }),
    },
    selfLink: state.regionUrl('healthChecks', name),
    region: state.regionSelf,
  };
}

/** `connectionDraining.drainingTimeoutSec`: 0-3600 s, 0 (no draining) when left out, as on GCE. */
function drainingOf(draining: unknown): number {
  if (draining === undefined || draining === null) return 0;
  const seconds: unknown = (draining as Json).drainingTimeoutSec ?? 0;
  if (
    typeof draining !== 'object' ||
    typeof seconds !== 'number' ||
    !Number.isInteger(seconds) ||
    seconds < 0 ||
    seconds > 3600
  )
    throw invalid(
      `Invalid value for field 'resource.connectionDraining.drainingTimeoutSec': '${String(seconds)}'. Must be between 0 and 3600.`,
    );
  return seconds;
}

/** A backend service as stored; checks its references. */
export function backendServiceOf(state: GceState, body: Json, name: string, existing?: Json): Json {
  const scheme = body.loadBalancingScheme ?? 'EXTERNAL';
  if (typeof scheme !== 'string' || !SCHEMES.has(scheme))
    throw invalid(`Invalid value for field 'resource.loadBalancingScheme': '${String(scheme)}'.`);
  if (existing && existing.loadBalancingScheme !== scheme)
    throw invalid("Invalid value for field 'resource.loadBalancingScheme': cannot be changed.");
  const protocol = body.protocol;
  if (protocol !== 'TCP' && protocol !== 'UDP')
    throw invalid(
      `Invalid value for field 'resource.protocol': '${String(protocol)}'. Passthrough load balancing needs TCP or UDP.`,
    );
  const affinity = body.sessionAffinity ?? 'NONE';
  if (typeof affinity !== 'string' || !AFFINITIES.has(affinity))
    throw invalid(`Invalid value for field 'resource.sessionAffinity': '${String(affinity)}'.`);
  const drainingTimeoutSec = drainingOf(body.connectionDraining);
  const checks = body.healthChecks;
  if (!Array.isArray(checks) || checks.length !== 1)
    throw invalid("Invalid value for field 'resource.healthChecks': exactly one health check is required.");
  if (!state.healthChecks.has(lastSegment(String(checks[0]))))
    throw notFound(
      `projects/${state.project}/regions/${state.region}/healthChecks/${lastSegment(String(checks[0]))}`,
    );
  if (scheme === 'INTERNAL' && typeof body.network !== 'string')
    throw invalid("Invalid value for field 'resource.network': required for INTERNAL.");
  const backends = (body.backends ?? []) as Json[];
  if (!Array.isArray(backends)) throw invalid("Invalid value for field 'resource.backends'.");
  const seen = new Set<string>();
  for (const [i, b] of backends.entries()) {
    const group = String(b.group ?? '');
    // Unmanaged instance groups are backends too (made by hand: nlbkit adopts none of them).
    const groups = group.includes('/instanceGroups/') ? state.instanceGroups : state.negs;
    if (!groups.has(`${zoneOf(group)}/${lastSegment(group)}`)) throw notFound(group);
    if (seen.has(group))
      throw invalid(
        `Invalid value for field 'resource.backends[${i}].group': '${group}'. Duplicate instance groups in backend service.`,
      );
    seen.add(group);
    if ((b.balancingMode ?? 'CONNECTION') !== 'CONNECTION')
      throw invalid(
        `Invalid value for field 'resource.backends[${i}].balancingMode': passthrough backends use CONNECTION.`,
      );
  }
  return {
    kind: 'compute#backendService',
    id: existing?.id ?? newId(),
    creationTimestamp: existing?.creationTimestamp ?? new Date().toISOString(),
    name,
    description: body.description ?? '',
    loadBalancingScheme: scheme,
    protocol,
    sessionAffinity: affinity,
    connectionDraining: { drainingTimeoutSec },
    healthChecks: [state.regionUrl('healthChecks', lastSegment(String(checks[0])))],
    backends: backends.map((b) => ({
      group: state.zoneUrl(
        zoneOf(String(b.group)),
        String(b.group).includes('/instanceGroups/') ? 'instanceGroups' : 'networkEndpointGroups',
        lastSegment(String(b.group)),
      ),
      balancingMode: 'CONNECTION',
    })),
    ...(typeof body.network === 'string' ? { network: body.network } : {}),
    fingerprint: fingerprint(),
    selfLink: state.regionUrl('backendServices', name),
  };
}

/** Takes a requested address of a subnetwork's range (`prefix`), as GCP checks it. */
function claim(subnet: Subnet, ip: string, prefix: string, range: string): void {
  if (!ip.startsWith(prefix))
    throw invalid(`Invalid value for field 'resource.IPAddress': '${ip}' is not in ${range}.`);
  if (subnet.used.has(ip))
    throw new GceFault(409, 'alreadyExists', `IP address '${ip}' is already being used by another resource.`);
  subnet.used.add(ip);
}

/** A forwarding rule as stored; assigns its address when none is asked for. */
export function forwardingRuleOf(state: GceState, body: Json, name: string): Json {
  const bsUrl = String(body.backendService ?? '');
  const bs = state.backendServices.get(lastSegment(bsUrl));
  if (!bs) throw notFound(bsUrl || 'backendService');
  const scheme = body.loadBalancingScheme ?? 'EXTERNAL';
  if (scheme !== bs.loadBalancingScheme)
    throw invalid(
      `Invalid value for field 'resource.loadBalancingScheme': '${String(scheme)}' does not match the backend service's.`,
    );
  const protocol = body.IPProtocol ?? 'TCP';
  if (protocol !== bs.protocol)
    throw invalid(
      `Invalid value for field 'resource.IPProtocol': '${String(protocol)}'. It must match the backend service protocol (${String(bs.protocol)}).`,
    );
  const ports = body.ports as unknown;
  if (
    !Array.isArray(ports) ||
    ports.length < 1 ||
    ports.length > 5 ||
    ports.some((p) => typeof p !== 'string' || !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535)
  )
    throw invalid("Invalid value for field 'resource.ports': 1 to 5 port numbers are allowed.");
  let ip = body.IPAddress as string | undefined;
  let subnetwork: string | undefined;
  const ipVersion = body.ipVersion ?? 'IPV4';
  if (ipVersion !== 'IPV4' && ipVersion !== 'IPV6')
    throw invalid(`Invalid value for field 'resource.ipVersion': '${String(ipVersion)}'.`);
  if (ipVersion === 'IPV6') {
    // An IPv6 rule takes its address from the IPv6 range of a dual-stack subnetwork whose access type
    // matches the scheme (EXTERNAL: external IPv6, INTERNAL: internal IPv6).
    if (typeof body.subnetwork !== 'string')
      throw invalid("Invalid value for field 'resource.subnetwork': required for an IPv6 forwarding rule.");
    const subnet = state.subnetOf(body.subnetwork);
    if (!subnet) throw notFound(body.subnetwork);
    const v6 = subnet.ipv6;
    if (!v6 || v6.accessType !== scheme)
      throw invalid(
        `Invalid value for field 'resource.subnetwork': '${body.subnetwork}'. The subnetwork must have stackType IPV4_IPV6 and ipv6AccessType ${String(scheme)}.`,
      );
    subnetwork = body.subnetwork;
    if (ip !== undefined) claim(subnet, ip, v6.prefix, "the subnetwork's IPv6 range");
    else ip = state.takeIpv6({ ...subnet, ipv6: v6 });
  } else if (scheme === 'INTERNAL') {
    if (typeof body.subnetwork !== 'string')
      throw invalid("Invalid value for field 'resource.subnetwork': required for INTERNAL.");
    const subnet = state.subnetOf(body.subnetwork);
    if (!subnet) throw notFound(body.subnetwork);
    subnetwork = body.subnetwork;
    if (ip !== undefined) claim(subnet, ip, subnet.prefix, 'the subnetwork');
    else ip = state.takeInternal(subnet);
  } else if (ip !== undefined) {
    if (!state.reservedAddresses.has(ip))
      throw invalid(
        `Invalid value for field 'resource.IPAddress': '${ip}'. Specified IP address is not reserved in this project.`,
      );
    if (state.usedExternal.has(ip))
      throw invalid(
        `Invalid value for field 'resource.IPAddress': '${ip}'. Specified IP address is in-use and would result in a conflict.`,
      );
    state.usedExternal.add(ip);
  } else ip = state.takeExternal();
  return {
    kind: 'compute#forwardingRule',
    id: newId(),
    creationTimestamp: new Date().toISOString(),
    name,
    description: body.description ?? '',
    IPAddress: ip,
    IPProtocol: protocol,
    ipVersion,
    ports,
    backendService: state.regionUrl('backendServices', lastSegment(bsUrl)),
    loadBalancingScheme: scheme,
    networkTier: scheme === 'EXTERNAL' ? (body.networkTier ?? 'PREMIUM') : undefined,
    ...(typeof body.network === 'string' ? { network: body.network } : {}),
    ...(subnetwork ? { subnetwork } : {}),
    ...withLabels(labelsOf(body.labels)),
    fingerprint: fingerprint(),
    selfLink: state.regionUrl('forwardingRules', name),
  };
}

/** Frees a forwarding rule's address. */
export function releaseAddress(state: GceState, fr: Json): void {
  const ip = String(fr.IPAddress);
  if (fr.subnetwork) state.subnetOf(String(fr.subnetwork))?.used.delete(ip);
  else state.usedExternal.delete(ip);
}

/** Refuses to delete what a backend service or forwarding rule still uses. */
export function checkUnused(state: GceState, url: string, path: string): void {
  for (const bs of state.backendServices.values()) {
    const refs = [...(bs.healthChecks as string[]), ...(bs.backends as Json[]).map((b) => String(b.group))];
    if (refs.some((r) => r === url)) throw inUse(path, String(bs.selfLink));
  }
  for (const fr of state.forwardingRules.values())
    if (fr.backendService === url) throw inUse(path, String(fr.selfLink));
}
