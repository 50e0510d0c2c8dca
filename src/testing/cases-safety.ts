/** Conformance cases: bad input, capabilities, copies, concurrency and abort. */
import { checkEqual, checkRejects, names } from './assertions.js';
import { type ConformanceCase, createBase, snapshot } from './case.js';
import { baseRequest, essence, uniqueName, unsupportedRequest } from './world.js';

/** Invalid input, capabilities, copies, concurrency, abort. */
export const safetyCases: ConformanceCase[] = [
  {
    name: 'invalid input is INVALID_ARGUMENT naming the field, and nothing changes',
    async run(world) {
      const { driver } = world;
      const caps = driver.capabilities;
      const nlb = await createBase(world, 'inv');
      const before = await snapshot(driver);
      const bad = (patch: (r: ReturnType<typeof baseRequest>) => void) => {
        const r = baseRequest(caps, world, uniqueName('bad'), world.vms.slice(0, 1));
        patch(r);
        return r;
      };
      await checkRejects(
        driver.createNLB(
          bad((r) => {
            r.listener.port = 0;
          }),
        ),
        'INVALID_ARGUMENT',
        'port 0',
        'listener.port',
      );
      await checkRejects(
        driver.createNLB(
          bad((r) => {
            r.iid.nameId = 'x;drop table';
          }),
        ),
        'INVALID_ARGUMENT',
        "a name with ';'",
        'iid.nameId',
      );
      await checkRejects(
        driver.createNLB(
          bad((r) => {
            r.vmGroup.port = 65536;
          }),
        ),
        'INVALID_ARGUMENT',
        'port 65536',
        'vmGroup.port',
      );
      await checkRejects(
        driver.createNLB(
          bad((r) => {
            r.listener.ip = '10.0.0.1\n';
          }),
        ),
        'INVALID_ARGUMENT',
        'an address with a newline',
        'listener.ip',
      );
      await checkRejects(
        driver.changeListener(nlb.iid, { protocol: 'TCP', port: 70000 }),
        'INVALID_ARGUMENT',
        'changeListener port 70000',
        'listener.port',
      );
      await checkRejects(
        driver.changeHealthCheckerInfo(nlb.iid, { protocol: 'TCP', interval: 10, timeout: 20 }),
        'INVALID_ARGUMENT',
        'timeout above interval',
        'healthChecker.timeout',
      );
      await checkRejects(driver.addVMs(nlb.iid, []), 'INVALID_ARGUMENT', 'addVMs with no VMs', 'vms');
      await checkRejects(
        driver.getNLB({ nameId: 'a"b' }),
        'INVALID_ARGUMENT',
        'a name with a quote',
        'iid.nameId',
      );
      checkEqual(await snapshot(driver), before, 'nothing changed');
    },
  },
  {
    name: 'a request outside the capabilities is rejected before any side effect',
    async run(world) {
      const { driver } = world;
      const base = baseRequest(driver.capabilities, world, uniqueName('cap'), world.vms.slice(0, 2));
      const outside = unsupportedRequest(driver.capabilities, base);
      if (!outside) return 'skipped';
      const before = await snapshot(driver);
      await checkRejects(
        driver.createNLB(outside.request),
        ['UNSUPPORTED', 'INVALID_ARGUMENT'],
        `createNLB with ${outside.path} outside the capabilities`,
        outside.path,
      );
      checkEqual(await snapshot(driver), before, 'nothing was created');
    },
  },
  {
    name: 'returned objects are copies: mutating them or the request changes nothing',
    async run(world) {
      const { driver } = world;
      const req = baseRequest(driver.capabilities, world, uniqueName('copy'), world.vms.slice(0, 2));
      const created = await driver.createNLB(req);
      const expected = essence(created);
      created.listener.port = 1;
      created.vmGroup.vms.push({ nameId: 'intruder' });
      req.vmGroup.vms.push({ nameId: 'intruder2' });
      req.listener.port = 2;
      const got = await driver.getNLB(created.iid);
      checkEqual(essence(got), expected, 'mutating the result or the request did not reach the driver');
      got.healthChecker.interval = 9999;
      got.vmGroup.vms.length = 0;
      (await driver.listNLB()).forEach((n) => {
        n.listener.port = 3;
      });
      checkEqual(
        essence(await driver.getNLB(created.iid)),
        expected,
        'mutating getNLB/listNLB results did not reach the driver',
      );
    },
  },
  {
    name: 'concurrent addVMs on one NLB all land',
    async run(world) {
      const { driver } = world;
      const nlb = await createBase(world, 'conc', 0);
      const vms = world.vms.slice(0, 4).map((vm) => ({ nameId: vm.nameId }));
      await Promise.all(vms.map((vm) => driver.addVMs(nlb.iid, [vm])));
      checkEqual(names((await driver.getNLB(nlb.iid)).vmGroup.vms), names(vms), 'every VM landed');
    },
  },
  {
    name: 'an aborted signal stops the call with ABORTED and changes nothing',
    async run(world) {
      const { driver } = world;
      const controller = new AbortController();
      controller.abort(new Error('caller gave up'));
      const req = baseRequest(driver.capabilities, world, uniqueName('abort'), world.vms.slice(0, 1));
      await checkRejects(
        driver.createNLB(req, { signal: controller.signal }),
        'ABORTED',
        'createNLB with an aborted signal',
      );
      await checkRejects(driver.getNLB(req.iid), 'NOT_FOUND', 'the aborted create made nothing');
      const nlb = await createBase(world, 'abort2');
      await checkRejects(
        driver.addVMs(nlb.iid, [{ nameId: world.vms[3]!.nameId }], { signal: controller.signal }),
        'ABORTED',
        'addVMs with an aborted signal',
      );
      checkEqual(
        names((await driver.getNLB(nlb.iid)).vmGroup.vms),
        names(nlb.vmGroup.vms),
        'the aborted addVMs changed nothing',
      );
    },
  },
];
