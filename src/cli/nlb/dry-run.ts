/**
 * `--dry-run`: the checks the guarded handler runs before it touches anything (the library's schemas
 * and capability checks, the same functions), against the connection's capabilities, with no call
 * to the handler. Checks that need the NLB as it is now (may this driver change the listener's
 * port? does the health check fit the VM group in force?) need a read, so the real call makes them.
 */

import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import {
  checkCreate,
  checkHealthChecker,
  checkListener,
  checkVMGroup,
} from '../../interfaces/capabilities.js';
import { type Violation, violationsError } from '../../interfaces/errors.js';
import {
  createRequestSchema,
  healthCheckerSchema,
  listenerSchema,
  nlbIIDSchema,
  parseInput,
  vmChangeListSchema,
  vmGroupSchema,
} from '../../interfaces/schemas.js';
import type { IID } from '../../interfaces/types.js';

/** The operations `--dry-run` checks. */
export type DryRunOperation =
  | 'createNLB'
  | 'deleteNLB'
  | 'changeListener'
  | 'changeVMGroupInfo'
  | 'changeHealthCheckerInfo'
  | 'addVMs'
  | 'removeVMs';

/**
 * Checks `request` for `operation` on `iid` as the handler would; throws the same INVALID_ARGUMENT or
 * UNSUPPORTED NLBError, naming every violation, when it would be refused.
 */
export function checkDryRun(
  caps: DriverCapabilities,
  operation: DryRunOperation,
  iid: IID | undefined,
  request: unknown,
): void {
  const driver = caps.driver;
  const ctx = (root: string) => ({ driver, operation, root });
  const reject = (violations: Violation[]) => {
    if (violations.length > 0) throw violationsError(driver, operation, violations);
  };
  if (operation === 'createNLB') {
    reject(checkCreate(caps, parseInput(createRequestSchema, request, { driver, operation })));
    return;
  }
  parseInput(nlbIIDSchema, iid, ctx('iid'));
  switch (operation) {
    case 'changeListener':
      reject(checkListener(caps, parseInput(listenerSchema, request, ctx('listener')), false));
      return;
    case 'changeVMGroupInfo':
      reject(checkVMGroup(caps, parseInput(vmGroupSchema, request, ctx('vmGroup'))));
      return;
    case 'changeHealthCheckerInfo': {
      const hc = parseInput(healthCheckerSchema, request, ctx('healthChecker'));
      if (!caps.changes.healthChecker)
        reject([{ path: 'healthChecker', message: `cannot be changed on ${driver}`, code: 'UNSUPPORTED' }]);
      // The group in force is not read: checked as a TCP group on the port checked, so the ranges,
      // protocols and HTTP options are; a UDP group's narrower list waits for the real call.
      reject(checkHealthChecker(caps, hc, { protocol: 'TCP', port: hc.port ?? 0 }));
      return;
    }
    case 'addVMs':
    case 'removeVMs':
      parseInput(vmChangeListSchema, request, ctx('vms'));
      return;
    case 'deleteNLB':
      return;
  }
}
