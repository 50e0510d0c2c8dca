import { deepFreeze } from '../../common/deep-freeze.js';
import type { AddressFamilyCapabilities, DriverCapabilities } from '../../interfaces/capabilities.js';
import type { ForwardingCapabilities } from '../../interfaces/forwarding.js';
import type { ForwardingMode } from '../../interfaces/types.js';

/** The driver's name, in errors and capabilities. */
export const DRIVER_NAME = 'native';

/**
 * What the native driver supports. Listener and VM-group protocols must match (DNAT cannot turn TCP
 * into UDP), so a protocol cannot be changed in place: one call would always leave the pair unequal;
 * delete and re-create instead. INTERNAL and PUBLIC are labels here: reachability follows the VIP pool.
 */
export const NATIVE_CAPABILITIES: DriverCapabilities = deepFreeze({
  driver: DRIVER_NAME,
  types: ['PUBLIC', 'INTERNAL'],
  scopes: ['REGION'],
  listenerProtocols: ['TCP', 'UDP'],
  vmGroupProtocols: ['TCP', 'UDP'],
  sameProtocolRequired: true,
  listenerIP: true,
  vpcRequired: false,
  algorithms: ['ROUND_ROBIN', 'SOURCE_HASH', 'MAGLEV'],
  weights: true,
  maxVMs: 1000,
  healthCheck: {
    protocols: ['TCP', 'HTTP', 'HTTPS', 'UDP'],
    interval: { min: 1, max: 3600 },
    timeout: { min: 1, max: 3600 },
    healthyThreshold: { min: 1, max: 10 },
    unhealthyThreshold: { min: 1, max: 10 },
    separateThresholds: true,
    customPort: true,
    httpOptions: true,
    // HAProxy's rise 2 / fall 3; a 10 s interval as most clouds.
    defaults: { interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
  },
  changes: {
    listenerProtocol: false,
    listenerPort: true,
    listenerIP: true,
    vmGroupProtocol: false,
    vmGroupPort: true,
    algorithm: true,
    healthChecker: true,
  },
  // One VIP per NLB, of either family; no default: see nativeAddressFamilies. A DUAL_STACK listener
  // would be two services, which the data plane does not pair.
  addressFamilies: { families: ['IPV4', 'IPV6'], change: true },
  // Draining (issue 20): a removed VM gets no new flows at once; its flows end after the timeout
  // (nft: conntrack entries deleted; IPVS: the real server deleted). Unset: they go on until they end.
  draining: { timeoutSec: { min: 0, max: 3600 }, defaultSec: null, unhealthy: false },
});

/**
 * The address families one driver instance offers: those its VIP pool has ranges of (a pool of one
 * family offers only that one, and no change of family).
 */
export function nativeAddressFamilies(poolFamilies: ReadonlySet<4 | 6>): AddressFamilyCapabilities {
  const families = (['IPV4', 'IPV6'] as const).filter((f) => poolFamilies.has(f === 'IPV4' ? 4 : 6));
  return { families, change: families.length > 1 };
}

/**
 * The forwarding capabilities for the modes the agents honour: `nat` the default; no change of mode
 * on a live NLB (it would break every connection); `dsr` and `tunnel` for IPv4 listeners only (nft
 * 1.0.6 cannot build dsr's IPv6 rules; IPv6 tunnels are untested). Throws on a list that is not `nat`
 * plus, optionally, `dsr` and `tunnel`.
 */
export function nativeForwarding(modes: unknown): ForwardingCapabilities {
  const ok =
    Array.isArray(modes) &&
    modes.includes('nat') &&
    modes.every((m) => m === 'nat' || m === 'dsr' || m === 'tunnel') &&
    new Set(modes).size === modes.length;
  if (!ok) throw new Error("forwardingModes must be 'nat' and, optionally, 'dsr' and 'tunnel'");
  const stateless = (modes as string[]).filter((m) => m !== 'nat') as ('dsr' | 'tunnel')[];
  return {
    modes: [...(modes as ForwardingMode[])],
    default: 'nat',
    change: false,
    ipv4Only: stateless,
  };
}
