/**
 * What AWS Network Load Balancers accept, as nlbkit capabilities (ELBv2 API, late 2026). Requests outside
 * these rules are rejected by the guarded handler before any AWS call is made.
 */
import { deepFreeze } from '../../common/deep-freeze.js';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import { AWS_DRIVER_NAME } from './aws-options.js';

/** AWS's limit on load balancer and target group names. */
export const AWS_MAX_NAME_LENGTH = 32;
/** AWS's limit on targets per target group of a network load balancer. */
export const AWS_MAX_TARGETS = 500;

/** The AWS driver's capabilities; see docs/drivers/aws.md for the table and the reasons. */
export const AWS_CAPABILITIES: DriverCapabilities = deepFreeze({
  driver: AWS_DRIVER_NAME,
  types: ['PUBLIC', 'INTERNAL'],
  // Cross-region needs Global Accelerator, which is another service.
  scopes: ['REGION'],
  listenerProtocols: ['TCP', 'UDP'],
  vmGroupProtocols: ['TCP', 'UDP'],
  sameProtocolRequired: true,
  // Would need Elastic IP subnet mappings per AZ; not implemented.
  listenerIP: false,
  vpcRequired: true,
  // An AWS NLB picks the target by a hash of the flow (protocol, addresses, ports): SOURCE_HASH over
  // FIVE_TUPLE is what it does; claiming round robin would be untrue.
  algorithms: ['SOURCE_HASH'],
  hashFields: ['FIVE_TUPLE'],
  maxNameLength: AWS_MAX_NAME_LENGTH,
  reservedNamePrefixes: ['internal-'],
  weights: false,
  maxVMs: AWS_MAX_TARGETS,
  healthCheck: {
    protocols: ['TCP', 'HTTP', 'HTTPS'],
    protocolsForUdpGroup: ['TCP', 'HTTP', 'HTTPS'],
    interval: { min: 5, max: 300 },
    timeout: { min: 2, max: 120 },
    healthyThreshold: { min: 2, max: 10 },
    unhealthyThreshold: { min: 2, max: 10 },
    separateThresholds: true,
    customPort: true,
    httpOptions: true,
    // AWS's own NLB target-group defaults (timeout: the TCP one).
    defaults: { interval: 30, timeout: 10, healthyThreshold: 5, unhealthyThreshold: 2 },
  },
  changes: {
    // Listener and target group protocols must match, and each call changes only one of them.
    listenerProtocol: false,
    listenerPort: true,
    listenerIP: false,
    vmGroupProtocol: false,
    vmGroupPort: true,
    algorithm: false,
    healthChecker: true,
  },
  // IpAddressType ipv4 | dualstack (SetIpAddressType changes it). An IPv6-only network load balancer
  // does not exist: `dualstack-without-public-ipv4` is for Application Load Balancers.
  addressFamilies: { families: ['IPV4', 'DUAL_STACK'], default: 'IPV4', change: true },
  // Draining (issue 20): the target group's deregistration delay. An unhealthy target's connections
  // are cut by AWS's default (`target_health_state.unhealthy.connection_termination.enabled`).
  draining: { timeoutSec: { min: 0, max: 3600 }, defaultSec: 300, unhealthy: false },
  // Adoption (issue 20): tagging an existing network load balancer and its target group.
  adoption: true,
} satisfies DriverCapabilities);
