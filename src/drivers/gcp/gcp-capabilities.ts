/**
 * What a regional passthrough Network Load Balancer on Compute Engine accepts, as nlbkit capabilities
 * (compute v1, late 2026). Requests outside these rules are rejected by the guarded handler before any
 * Google Cloud call.
 */
import { deepFreeze } from '../../common/deep-freeze.js';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

/** nlbkit's cap on VMs per NLB (GCE_VM_IP NEGs hold more; quotas decide). */
export const GCP_MAX_VMS = 1000;
/**
 * The longest NLB name: Compute Engine names are at most 63 characters and the driver's network
 * endpoint groups are named `<nlb>-neg-<zone letter>`.
 */
export const GCP_MAX_NAME_LENGTH = 50;

/** The GCP driver's capabilities; see docs/drivers/gcp.md for the table and the reasons. */
export const GCP_CAPABILITIES: DriverCapabilities = deepFreeze({
  driver: GCP_DRIVER_NAME,
  // EXTERNAL and INTERNAL load-balancing schemes.
  types: ['PUBLIC', 'INTERNAL'],
  // Global passthrough NLBs are another product; not offered.
  scopes: ['REGION'],
  listenerProtocols: ['TCP', 'UDP'],
  vmGroupProtocols: ['TCP', 'UDP'],
  sameProtocolRequired: true,
  // Passthrough: packets reach the VMs with their destination port unchanged.
  samePortRequired: true,
  // INTERNAL: an unused address of the subnet. PUBLIC: a reserved regional external address.
  listenerIP: true,
  // The VPC is a network name; `default` when none is given, as on Compute Engine.
  vpcRequired: false,
  // sessionAffinity: NONE hashes the 5-tuple, CLIENT_IP the 2-tuple. No round robin, no weights.
  algorithms: ['SOURCE_HASH'],
  hashFields: ['SOURCE_IP', 'FIVE_TUPLE'],
  maxNameLength: GCP_MAX_NAME_LENGTH,
  namePattern: {
    pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
    text: 'lowercase letters, digits and -, starting with a letter and not ending with - (RFC 1035)',
  },
  weights: false,
  maxVMs: GCP_MAX_VMS,
  healthCheck: {
    protocols: ['TCP', 'HTTP', 'HTTPS'],
    protocolsForUdpGroup: ['TCP', 'HTTP', 'HTTPS'],
    interval: { min: 1, max: 300 },
    timeout: { min: 1, max: 300 },
    healthyThreshold: { min: 1, max: 10 },
    unhealthyThreshold: { min: 1, max: 10 },
    separateThresholds: true,
    customPort: true,
    // requestPath; Compute Engine's HTTP(S) checks want a 200.
    httpOptions: true,
    fixedExpectedCodes: '200',
    defaults: { interval: 5, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
  },
  changes: {
    listenerProtocol: false,
    // Forwarding rules cannot be changed in place, and the port is the VMs' port too.
    listenerPort: false,
    listenerIP: false,
    vmGroupProtocol: false,
    vmGroupPort: false,
    algorithm: true,
    healthChecker: true,
  },
  // IPV6: a forwarding rule with ipVersion IPV6 on a dual-stack subnetwork; DUAL_STACK: an IPv4 and
  // an IPv6 rule to one backend service. Forwarding rules cannot be changed in place.
  addressFamilies: { families: ['IPV4', 'IPV6', 'DUAL_STACK'], default: 'IPV4', change: false },
  // Draining (issue 20): the backend service's connectionDraining, applied when an endpoint leaves
  // its zonal NEG (removeVMs). Unhealthy backends follow connectionTrackingPolicy, not this.
  draining: { timeoutSec: { min: 0, max: 3600 }, defaultSec: 0, unhealthy: false },
  // adoptNLB / releaseNLB: an existing NLB of one forwarding rule to GCE_VM_IP NEGs (gcp-adopt-shape.ts).
  adoption: true,
} satisfies DriverCapabilities);
