/**
 * Conformance cases: connection draining (`vmGroup.drainTimeoutSec`). A driver that publishes
 * `capabilities.draining` keeps the value (getNLB reflects it, a change without it keeps it) and
 * refuses values outside its range; one that does not refuses the field with UNSUPPORTED. Either way a
 * refused request changes nothing.
 */
import { check, checkEqual, checkRejects } from './assertions.js';
import { type ConformanceCase, createBase, snapshot } from './case.js';
import { baseRequest, uniqueName } from './world.js';

/** Draining: kept, reflected, refused outside the driver's range. */
export const drainingCases: ConformanceCase[] = [
  {
    name: 'drainTimeoutSec: create and change keep it, getNLB reflects it, a change without it keeps it',
    async run(world) {
      const { driver } = world;
      const caps = driver.capabilities;
      const range = caps.draining?.timeoutSec;
      if (!range) return 'skipped';
      const first = Math.min(range.max, Math.max(range.min, 30));
      const req = baseRequest(caps, world, uniqueName('drain'), world.vms.slice(0, 2));
      req.vmGroup.drainTimeoutSec = first;
      const nlb = await driver.createNLB(req);
      checkEqual(nlb.vmGroup.drainTimeoutSec, first, 'createNLB returns the drain timeout');
      checkEqual((await driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec, first, 'getNLB after create');
      const { protocol, port, vms } = req.vmGroup;
      const second = range.min === first ? range.max : range.min;
      const changed = await driver.changeVMGroupInfo(nlb.iid, {
        protocol,
        port,
        vms,
        drainTimeoutSec: second,
      });
      checkEqual(changed.vmGroup.drainTimeoutSec, second, 'changeVMGroupInfo returns the new timeout');
      checkEqual((await driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec, second, 'getNLB after change');
      const kept = await driver.changeVMGroupInfo(nlb.iid, { protocol, port, vms: vms.slice(0, 1) });
      checkEqual(kept.vmGroup.drainTimeoutSec, second, 'a change without drainTimeoutSec keeps it');
      checkEqual((await driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec, second, 'getNLB after a keep');
    },
  },
  {
    name: 'drainTimeoutSec: an NLB created without it reports the default the capabilities name',
    async run(world) {
      const { driver } = world;
      const draining = driver.capabilities.draining;
      if (!draining) return 'skipped';
      const nlb = await createBase(world, 'drdef');
      const expected = draining.defaultSec ?? undefined;
      checkEqual(nlb.vmGroup.drainTimeoutSec, expected, 'createNLB without drainTimeoutSec');
      checkEqual((await driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec, expected, 'getNLB');
    },
  },
  {
    name: 'drainTimeoutSec outside the capabilities is refused before any call, and nothing changes',
    async run(world) {
      const { driver } = world;
      const caps = driver.capabilities;
      const nlb = await createBase(world, 'drbad');
      const before = await snapshot(driver);
      const drainBefore = (await driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec;
      const path = 'vmGroup.drainTimeoutSec';
      const req = baseRequest(caps, world, uniqueName('drbad'), world.vms.slice(0, 1));
      const { protocol, port, vms } = req.vmGroup;
      const range = caps.draining?.timeoutSec;
      const refused = range
        ? [range.min > 0 ? range.min - 1 : undefined, range.max < 3600 ? range.max + 1 : undefined]
        : [0, 30];
      const tried = refused.filter((s): s is number => s !== undefined);
      for (const seconds of tried) {
        const error = await checkRejects(
          driver.createNLB({ ...req, vmGroup: { ...req.vmGroup, drainTimeoutSec: seconds } }),
          'UNSUPPORTED',
          `createNLB with drainTimeoutSec ${seconds}`,
          path,
        );
        if (!range)
          check(
            caps.noDraining === undefined || error.message.includes(caps.noDraining),
            `the refusal says what ${caps.driver} does instead: ${error.message}`,
          );
        await checkRejects(
          driver.changeVMGroupInfo(nlb.iid, { protocol, port, vms, drainTimeoutSec: seconds }),
          'UNSUPPORTED',
          `changeVMGroupInfo with drainTimeoutSec ${seconds}`,
          path,
        );
      }
      await checkRejects(
        driver.createNLB({ ...req, vmGroup: { ...req.vmGroup, drainTimeoutSec: 3601 } }),
        'INVALID_ARGUMENT',
        'drainTimeoutSec 3601 (beyond every driver)',
        path,
      );
      checkEqual(await snapshot(driver), before, 'nothing changed');
      checkEqual((await driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec, drainBefore, 'the drain kept');
    },
  },
];
