import { deepFreeze } from '../../common/deep-freeze.js';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';

/** The mock's default capabilities: everything the contract allows, so tests fail only on real errors. */
export const mockDefaultCapabilities: DriverCapabilities = deepFreeze({
  driver: 'mock',
  types: ['PUBLIC', 'INTERNAL'],
  scopes: ['REGION', 'GLOBAL'],
  listenerProtocols: ['TCP', 'UDP'],
  vmGroupProtocols: ['TCP', 'UDP', 'HTTP', 'HTTPS'],
  sameProtocolRequired: false,
  listenerIP: true,
  vpcRequired: false,
  algorithms: ['ROUND_ROBIN', 'SOURCE_HASH', 'MAGLEV'],
  weights: true,
  maxVMs: 1000,
  healthCheck: {
    protocols: ['TCP', 'HTTP', 'HTTPS', 'UDP'],
    interval: { min: 1, max: 3600 },
    timeout: { min: 1, max: 3600 },
    healthyThreshold: { min: 1, max: 100 },
    unhealthyThreshold: { min: 1, max: 100 },
    separateThresholds: true,
    customPort: true,
    httpOptions: true,
    defaults: { interval: 10, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
  },
  changes: {
    listenerProtocol: true,
    listenerPort: true,
    listenerIP: true,
    vmGroupProtocol: true,
    vmGroupPort: true,
    algorithm: true,
    healthChecker: true,
  },
  addressFamilies: { families: ['IPV4', 'IPV6', 'DUAL_STACK'], default: 'IPV4', change: true },
  // Draining and adoption (issue 20): kept as data, no connections to drain.
  draining: { timeoutSec: { min: 0, max: 3600 }, defaultSec: 0, unhealthy: true },
  adoption: true,
});

/** A partial override of capabilities; `healthCheck` and `changes` merge one level deep. */
export type CapabilitiesOverride = Partial<Omit<DriverCapabilities, 'healthCheck' | 'changes'>> & {
  healthCheck?: Partial<DriverCapabilities['healthCheck']> | undefined;
  changes?: Partial<DriverCapabilities['changes']> | undefined;
};

/** Merges an override onto a base, keeping the driver name of the override when it gives one. */
export function mergeCapabilities(
  base: DriverCapabilities,
  override?: CapabilitiesOverride,
): DriverCapabilities {
  if (!override) return structuredClone(base);
  return structuredClone({
    ...base,
    ...override,
    healthCheck: { ...base.healthCheck, ...override.healthCheck },
    changes: { ...base.changes, ...override.changes },
  });
}
