/**
 * What an Azure Standard Load Balancer accepts, as nlbkit capabilities (Microsoft.Network, late 2026).
 * Requests outside these rules are rejected by the guarded handler before any Azure call.
 */
import { deepFreeze } from '../../common/deep-freeze.js';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';

/** nlbkit's cap on backend addresses per load balancer (Standard allows more; quotas decide). */
export const AZURE_MAX_BACKENDS = 1000;

/** The Azure driver's capabilities; see docs/drivers/azure.md for the table and the reasons. */
export const AZURE_CAPABILITIES: DriverCapabilities = deepFreeze({
  driver: AZURE_DRIVER_NAME,
  types: ['PUBLIC', 'INTERNAL'],
  // Cross-region load balancers are another SKU (Global tier); not offered.
  scopes: ['REGION'],
  listenerProtocols: ['TCP', 'UDP'],
  vmGroupProtocols: ['TCP', 'UDP'],
  sameProtocolRequired: true,
  // INTERNAL: a static private address in the VNet's subnet. (PUBLIC: Azure assigns it; refused.)
  listenerIP: true,
  vpcRequired: true,
  // loadDistribution: Default hashes the 5-tuple, SourceIP the 2-tuple. No round robin, no weights.
  algorithms: ['SOURCE_HASH'],
  hashFields: ['SOURCE_IP', 'FIVE_TUPLE'],
  maxNameLength: 80,
  weights: false,
  maxVMs: AZURE_MAX_BACKENDS,
  healthCheck: {
    protocols: ['TCP', 'HTTP', 'HTTPS'],
    protocolsForUdpGroup: ['TCP', 'HTTP', 'HTTPS'],
    // intervalInSeconds >= 5; Azure names no maximum, a day is nlbkit's.
    interval: { min: 5, max: 86_400 },
    // Not settable: a probe that has not answered by the next one has failed (reported as the interval).
    timeout: null,
    // probeThreshold: one count for both directions.
    healthyThreshold: { min: 1, max: 100 },
    unhealthyThreshold: { min: 1, max: 100 },
    separateThresholds: false,
    customPort: true,
    // requestPath; Azure's HTTP(S) probes want a 200, so expectedCodes may only be "200".
    httpOptions: true,
    fixedExpectedCodes: '200',
    defaults: { interval: 5, timeout: 86_400, healthyThreshold: 1, unhealthyThreshold: 1 },
  },
  changes: {
    listenerProtocol: false,
    listenerPort: true,
    listenerIP: false,
    vmGroupProtocol: false,
    vmGroupPort: true,
    algorithm: true,
    healthChecker: true,
  },
  // Dual stack: an IPv6 frontend (Standard static IPv6 public IP, or a private address in a dual-stack
  // subnet), an IPv6 pool of the VMs' IPv6 addresses and a rule for it, beside the IPv4 ones. Azure
  // refuses an IPv6 frontend without an IPv4 one, so there is no IPV6. The family is fixed after create.
  addressFamilies: { families: ['IPV4', 'DUAL_STACK'], default: 'IPV4', change: false },
  // Adoption (issue 20): tagging an existing Standard load balancer of nlbkit's shape (azure-adopt.ts).
  adoption: true,
  // Draining (issue 20): Azure Load Balancer has no drain timeout to set.
  noDraining:
    'Azure Load Balancer has no drain timeout; a removed or unhealthy VM gets no new flows at once, and its established flows are not timed by the load balancer (they go on until they close or reach the TCP idle timeout of the load-balancing rule)',
} satisfies DriverCapabilities);
