/**
 * Conformance case: NLB names that are also members of Object.prototype. A driver that keeps NLBs in a
 * plain object by name answers `constructor` or `toString` from the prototype (a function where an NLB
 * should be, or nothing found that is there); `__proto__` is refused by the name rules everywhere.
 */
import { checkName } from '../interfaces/capabilities.js';
import { NLB_NAME_PATTERN } from '../interfaces/schemas.js';
import { check, checkEqual, checkRejects, names } from './assertions.js';
import { type ConformanceCase, snapshot } from './case.js';
import { baseRequest } from './world.js';

/** Object.prototype members, in the order the case tries them. */
export const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'] as const;

/** The case. */
export const nameCases: ConformanceCase[] = [
  {
    name: 'NLBs named like Object.prototype members work as any other name (or are refused where the name rules say so)',
    async run(world) {
      const { driver } = world;
      const caps = driver.capabilities;
      for (const name of PROTOTYPE_NAMES) {
        const iid = { nameId: name };
        const request = baseRequest(caps, world, name, world.vms.slice(0, 2));
        if (!NLB_NAME_PATTERN.test(name)) {
          const before = await snapshot(driver);
          await checkRejects(driver.getNLB(iid), 'INVALID_ARGUMENT', `getNLB('${name}')`, 'iid.nameId');
          await checkRejects(
            driver.createNLB(request),
            'INVALID_ARGUMENT',
            `createNLB('${name}')`,
            'iid.nameId',
          );
          checkEqual(await snapshot(driver), before, `nothing changed after '${name}'`);
          continue;
        }
        if (checkName(caps, name).length > 0) {
          // The provider's own name rules (capabilities.namePattern) forbid it: refused, before any change.
          const before = await snapshot(driver);
          await checkRejects(
            driver.createNLB(request),
            ['INVALID_ARGUMENT', 'UNSUPPORTED'],
            `createNLB('${name}') against ${caps.driver}'s name rules`,
            'iid.nameId',
          );
          checkEqual(await snapshot(driver), before, `nothing changed after '${name}'`);
          continue;
        }
        await checkRejects(driver.getNLB(iid), 'NOT_FOUND', `getNLB('${name}') before it exists`);
        await checkRejects(
          driver.getVMGroupHealthInfo(iid),
          'NOT_FOUND',
          `getVMGroupHealthInfo('${name}') before it exists`,
        );
        const created = await driver.createNLB(request);
        checkEqual(created.iid.nameId, name, `createNLB('${name}') returns it`);
        checkEqual((await driver.getNLB(iid)).iid.nameId, name, `getNLB('${name}') finds it`);
        check(
          (await driver.listNLB()).filter((n) => n.iid.nameId === name).length === 1,
          `listNLB holds '${name}' once`,
        );
        const health = await driver.getVMGroupHealthInfo(iid);
        checkEqual(names(health.allVMs), names(request.vmGroup.vms), `health of '${name}' covers its VMs`);
        check(await driver.deleteNLB(iid), `deleteNLB('${name}') deletes it`);
        await checkRejects(driver.getNLB(iid), 'NOT_FOUND', `getNLB('${name}') after delete`);
      }
    },
  },
];
