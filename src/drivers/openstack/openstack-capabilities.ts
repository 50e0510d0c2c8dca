/**
 * What Octavia (v2 API, amphora provider) accepts, as nlbkit capabilities. Requests outside these rules
 * are rejected by the guarded handler before any OpenStack call is made.
 */
import { deepFreeze } from '../../common/deep-freeze.js';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';

/** nlbkit's cap on members per pool (Octavia itself has none; project quotas decide). */
export const OPENSTACK_MAX_MEMBERS = 1000;

/** The OpenStack driver's capabilities; see docs/drivers/openstack.md for the table and the reasons. */
export const OPENSTACK_CAPABILITIES: DriverCapabilities = deepFreeze({
  driver: OPENSTACK_DRIVER_NAME,
  // PUBLIC = the VIP plus a floating IP from `floatingNetwork`.
  types: ['PUBLIC', 'INTERNAL'],
  scopes: ['REGION'],
  listenerProtocols: ['TCP', 'UDP'],
  vmGroupProtocols: ['TCP', 'UDP'],
  sameProtocolRequired: true,
  // vip_address (INTERNAL) or floating_ip_address (PUBLIC) on create; fixed afterwards.
  listenerIP: true,
  vpcRequired: true,
  // ROUND_ROBIN honours member weights; SOURCE_IP / SOURCE_IP_PORT are Octavia's hashing algorithms.
  algorithms: ['ROUND_ROBIN', 'SOURCE_HASH'],
  hashFields: ['SOURCE_IP', 'SOURCE_IP_PORT'],
  weights: true,
  maxVMs: OPENSTACK_MAX_MEMBERS,
  healthCheck: {
    protocols: ['TCP', 'HTTP', 'HTTPS'],
    // UDP pools take UDP-CONNECT (nlbkit's UDP), TCP or HTTP monitors.
    protocolsForUdpGroup: ['UDP', 'TCP', 'HTTP'],
    // Octavia has no upper bound on delay; a day is nlbkit's. The timeout must be below the delay.
    interval: { min: 2, max: 86_400 },
    timeout: { min: 1, max: 86_399 },
    healthyThreshold: { min: 1, max: 10 },
    unhealthyThreshold: { min: 1, max: 10 },
    separateThresholds: true,
    timeoutBelowInterval: true,
    // Through each member's monitor_port.
    customPort: true,
    httpOptions: true,
    // Octavia's udp_connect_min_interval_health_monitor (default 3).
    minIntervalFor: { UDP: 3 },
    defaults: { interval: 10, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
  },
  changes: {
    // A pool's protocol is fixed and must match its listener's.
    listenerProtocol: false,
    // A listener's port is fixed: a new listener on the same pool replaces it (no gap).
    listenerPort: true,
    listenerIP: false,
    vmGroupProtocol: false,
    vmGroupPort: true,
    algorithm: true,
    healthChecker: true,
  },
  // A VIP on the network's IPv6 subnet; dual stack: an IPv4 VIP plus `additional_vips` on the IPv6
  // subnet (Octavia 2023.1+). VIPs cannot be changed on a live load balancer.
  addressFamilies: { families: ['IPV4', 'IPV6', 'DUAL_STACK'], default: 'IPV4', change: false },
  // Draining (issue 20): a removed VM's member goes to weight 0 and is deleted when the timeout ends
  // (kept with the member as tags, so it outlives the process). 0, the default: deleted at once. A
  // member failing its checks is taken out by the amphora's own health rules, not by this timeout.
  draining: { timeoutSec: { min: 0, max: 3600 }, defaultSec: 0, unhealthy: false },
  // Adoption (issue 20): tagging an existing load balancer and its members (openstack-adopt.ts).
  adoption: true,
} satisfies DriverCapabilities);

/**
 * The OVN provider's capabilities (ovn-octavia-provider, late 2026): no round robin or weights (it
 * ignores weights, so they are refused rather than dropped), the SOURCE_IP_PORT hash only (SOURCE_IP
 * arrived in mid-2026 and older clouds refuse it), TCP checks (UDP-CONNECT for UDP pools) without HTTP
 * options or a separate check port (monitor options are refused), and no second listener on a pool,
 * which a listener-port change would need (its checks follow the listener's port).
 */
export const OPENSTACK_OVN_CAPABILITIES: DriverCapabilities = deepFreeze({
  ...OPENSTACK_CAPABILITIES,
  algorithms: ['SOURCE_HASH'],
  hashFields: ['SOURCE_IP_PORT'],
  weights: false,
  healthCheck: {
    ...OPENSTACK_CAPABILITIES.healthCheck,
    protocols: ['TCP'],
    protocolsForUdpGroup: ['UDP', 'TCP'],
    customPort: false,
    httpOptions: false,
  },
  changes: { ...OPENSTACK_CAPABILITIES.changes, listenerPort: false },
  draining: undefined,
  noDraining:
    'the OVN provider has no member weights: a removed member is deleted at once and gets no new connections; its established flows are left to OVN conntrack, neither timed nor cut by Octavia',
} satisfies DriverCapabilities);

/** The capabilities for an Octavia provider (`amphora` when none is named). */
export const openStackCapabilitiesFor = (provider?: 'amphora' | 'ovn'): DriverCapabilities =>
  provider === 'ovn' ? OPENSTACK_OVN_CAPABILITIES : OPENSTACK_CAPABILITIES;
