/**
 * The capability rules of calls on a live NLB, beside the request checks of capabilities.ts: the
 * defaults a request leaves to the driver (algorithm, hash fields), the limits of addVMs, whether the
 * health checker may change, and the checker as a request would give it when the VM group changes.
 */
import { checkHealthChecker, type DriverCapabilities, defaultHashFields } from './capabilities.js';
import type { Violation } from './errors.js';
import type { ValidHealthChecker, ValidVMMember } from './schemas.js';
import type { Algorithm, HashFields, HealthCheckerInfo, NLBInfo, VMGroupProtocol } from './types.js';

/**
 * The algorithm of a create request that names none: ROUND_ROBIN unless the driver cannot (AWS's flow
 * hash), then the driver's first algorithm.
 *
 * @example
 * defaultAlgorithm({ algorithms: ['SOURCE_HASH'] }); // 'SOURCE_HASH'
 */
export function defaultAlgorithm(caps: Pick<DriverCapabilities, 'algorithms'>): Algorithm {
  return caps.algorithms.includes('ROUND_ROBIN') ? 'ROUND_ROBIN' : (caps.algorithms[0] ?? 'ROUND_ROBIN');
}

/**
 * The hash fields in force for `algorithm`: none for ROUND_ROBIN; else the requested ones, else `kept`
 * (those in force, when the algorithm is kept), else the algorithm's default. The result never
 * depends on what came before unless the algorithm itself is kept.
 *
 * @example
 * resolveHashFields('MAGLEV', undefined, undefined, {}); // 'FIVE_TUPLE'
 */
export function resolveHashFields(
  algorithm: Algorithm,
  requested: HashFields | undefined,
  kept: HashFields | undefined,
  caps: Pick<DriverCapabilities, 'hashFields'>,
): HashFields | undefined {
  if (algorithm === 'ROUND_ROBIN') return undefined;
  return requested ?? kept ?? defaultHashFields(algorithm, caps);
}

const unsupported = (path: string, message: string): Violation => ({ path, message, code: 'UNSUPPORTED' });

/**
 * Checks VMs to add to a group of `groupSize` VMs: the driver's most VMs per NLB, and weights where
 * the driver honours none.
 *
 * @example
 * checkAddVMs({ driver: 'x', maxVMs: 2, weights: false }, 2, [{ nameId: 'web3' }]); // [{ path: 'vms', ... }]
 */
export function checkAddVMs(
  caps: Pick<DriverCapabilities, 'driver' | 'maxVMs' | 'weights'>,
  groupSize: number,
  vms: readonly ValidVMMember[],
): Violation[] {
  const out: Violation[] = [];
  if (groupSize + vms.length > caps.maxVMs)
    out.push(unsupported('vms', `at most ${caps.maxVMs} VMs per NLB`));
  if (!caps.weights) {
    const i = vms.findIndex((vm) => vm.weight !== undefined && vm.weight !== 1);
    if (i >= 0) out.push(unsupported(`vms[${i}].weight`, `weights are not supported on ${caps.driver}`));
  }
  return out;
}

/**
 * Checks a health-checker change: refused as a whole where the driver cannot change the checker, else
 * checked like a create's, against the VM group it checks.
 */
export function checkHealthCheckerChange(
  caps: DriverCapabilities,
  next: ValidHealthChecker,
  group: { protocol: VMGroupProtocol; port: number },
): Violation[] {
  if (!caps.changes.healthChecker)
    return [unsupported('healthChecker', `cannot be changed on ${caps.driver}`)];
  return checkHealthChecker(caps, next, group);
}

/**
 * The NLB's health checker as a request would give it: without the settings the driver fixes (Azure's
 * timeout) and without a port that is just the group's, so it can be checked against a new group.
 */
export function requestedHealthChecker(caps: DriverCapabilities, current: NLBInfo): HealthCheckerInfo {
  const hc: HealthCheckerInfo = { ...current.healthChecker };
  const limits = caps.healthCheck;
  if (!limits.interval) delete hc.interval;
  if (!limits.timeout) delete hc.timeout;
  if (!limits.healthyThreshold || !limits.unhealthyThreshold) {
    delete hc.threshold;
    if (!limits.healthyThreshold) delete hc.healthyThreshold;
    if (!limits.unhealthyThreshold) delete hc.unhealthyThreshold;
  }
  if (hc.port === current.vmGroup.port) delete hc.port;
  return hc;
}
