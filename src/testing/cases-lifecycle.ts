/** Conformance cases: the lifecycle of an NLB and its VM group. */
import { check, checkEqual, checkRejects, names } from './assertions.js';
import { type ConformanceCase, createBase } from './case.js';
import { baseRequest, essence, healthCheckerFor, uniqueName } from './world.js';

/** Create, read, delete, membership, every change method, health partition. */
export const lifecycleCases: ConformanceCase[] = [
  {
    name: 'create, get, list, listIID and delete round-trip',
    async run(world) {
      const { driver } = world;
      const req = baseRequest(driver.capabilities, world, uniqueName('crud'), world.vms.slice(0, 2));
      const created = await driver.createNLB(req);
      check(created.iid.nameId === req.iid.nameId, 'createNLB returns the requested name');
      check(
        typeof created.iid.systemId === 'string' && created.iid.systemId.length > 0,
        'createNLB fills systemId',
      );
      check(
        created.listener.port === req.listener.port && created.vmGroup.port === req.vmGroup.port,
        'ports are kept',
      );
      check(
        Boolean(created.listener.ip || created.listener.dnsName),
        'the listener has an address or DNS name',
      );
      checkEqual(names(created.vmGroup.vms), names(req.vmGroup.vms), 'the VM group holds the requested VMs');
      check(
        created.type === 'PUBLIC' && created.scope === 'REGION',
        'type and scope default to PUBLIC/REGION',
      );
      check(
        created.createdTime instanceof Date && !Number.isNaN(created.createdTime.getTime()),
        'createdTime is a Date',
      );
      checkEqual(
        essence(await driver.getNLB({ nameId: req.iid.nameId })),
        essence(created),
        'getNLB matches createNLB',
      );
      const bySystemId = await driver.getNLB({ nameId: req.iid.nameId, systemId: created.iid.systemId });
      checkEqual(bySystemId.iid, created.iid, 'getNLB by name and systemId finds it');
      await checkRejects(
        driver.getNLB({ nameId: req.iid.nameId, systemId: 'not-its-id' }),
        'NOT_FOUND',
        'a wrong systemId',
      );
      check(
        (await driver.listNLB()).some((n) => n.iid.nameId === req.iid.nameId),
        'listNLB includes it',
      );
      check(
        (await driver.listIID()).some((i) => i.nameId === req.iid.nameId),
        'listIID includes it',
      );
      check((await driver.deleteNLB({ nameId: req.iid.nameId })) === true, 'deleteNLB returns true');
      await checkRejects(driver.getNLB({ nameId: req.iid.nameId }), 'NOT_FOUND', 'getNLB after delete');
      check(
        !(await driver.listNLB()).some((n) => n.iid.nameId === req.iid.nameId),
        'listNLB no longer has it',
      );
      check(!(await driver.listIID()).some((i) => i.nameId === req.iid.nameId), 'listIID no longer has it');
    },
  },
  {
    name: 'a duplicate name is ALREADY_EXISTS and leaves the first NLB unchanged',
    async run(world) {
      const first = await createBase(world, 'dup');
      const again = baseRequest(world.driver.capabilities, world, first.iid.nameId, world.vms.slice(2, 3));
      again.listener.port = 81;
      if (world.driver.capabilities.samePortRequired) again.vmGroup.port = 81;
      await checkRejects(world.driver.createNLB(again), 'ALREADY_EXISTS', 'createNLB with a taken name');
      checkEqual(essence(await world.driver.getNLB(first.iid)), essence(first), 'the first NLB is unchanged');
      check(
        (await world.driver.listNLB()).filter((n) => n.iid.nameId === first.iid.nameId).length === 1,
        'one NLB of that name',
      );
    },
  },
  {
    name: 'every operation on an unknown NLB is NOT_FOUND',
    async run(world) {
      const { driver } = world;
      const ghost = { nameId: uniqueName('ghost') };
      const caps = driver.capabilities;
      const vm = { nameId: world.vms[0]!.nameId };
      const calls: [string, () => Promise<unknown>][] = [
        ['getNLB', () => driver.getNLB(ghost)],
        ['deleteNLB', () => driver.deleteNLB(ghost)],
        ['changeListener', () => driver.changeListener(ghost, { protocol: 'TCP', port: 81 })],
        [
          'changeVMGroupInfo',
          () => driver.changeVMGroupInfo(ghost, { protocol: 'TCP', port: 8080, vms: [vm] }),
        ],
        ['addVMs', () => driver.addVMs(ghost, [vm])],
        ['removeVMs', () => driver.removeVMs(ghost, [vm])],
        ['getVMGroupHealthInfo', () => driver.getVMGroupHealthInfo(ghost)],
        [
          'changeHealthCheckerInfo',
          () => driver.changeHealthCheckerInfo(ghost, healthCheckerFor(caps, 'TCP', 1)),
        ],
      ];
      for (const [op, call] of calls) await checkRejects(call(), 'NOT_FOUND', `${op} of an unknown NLB`);
      check(!(await driver.listIID()).some((i) => i.nameId === ghost.nameId), 'nothing was created');
    },
  },
  {
    name: 'addVMs and removeVMs change the group; duplicates, absent and unknown VMs are typed errors that change nothing',
    async run(world) {
      const { driver } = world;
      const [a, b, c, d] = world.vms.map((vm) => ({ nameId: vm.nameId }));
      const nlb = await createBase(world, 'vms', 1);
      const added = await driver.addVMs(nlb.iid, [b!, c!]);
      checkEqual(names(added.vmGroup.vms), names([a!, b!, c!]), 'addVMs returns the new group');
      checkEqual(
        names((await driver.getNLB(nlb.iid)).vmGroup.vms),
        names([a!, b!, c!]),
        'getNLB shows the added VMs',
      );
      await checkRejects(
        driver.addVMs(nlb.iid, [d!, b!]),
        'ALREADY_EXISTS',
        'addVMs with a VM already present',
      );
      await checkRejects(
        driver.addVMs(nlb.iid, [{ nameId: 'nlbkit-no-such-vm' }]),
        'NOT_FOUND',
        'addVMs of an unknown VM',
      );
      checkEqual(
        names((await driver.getNLB(nlb.iid)).vmGroup.vms),
        names([a!, b!, c!]),
        'failed addVMs changed nothing',
      );
      await checkRejects(
        driver.removeVMs(nlb.iid, [c!, d!]),
        'NOT_FOUND',
        'removeVMs with a VM not in the group',
      );
      checkEqual(
        names((await driver.getNLB(nlb.iid)).vmGroup.vms),
        names([a!, b!, c!]),
        'failed removeVMs changed nothing',
      );
      check((await driver.removeVMs(nlb.iid, [c!])) === true, 'removeVMs returns true');
      checkEqual(
        names((await driver.getNLB(nlb.iid)).vmGroup.vms),
        names([a!, b!]),
        'getNLB shows the removal',
      );
    },
  },
  {
    name: 'changeListener is reflected by getNLB (or UNSUPPORTED, unchanged, where the driver cannot)',
    async run(world) {
      const { driver } = world;
      const nlb = await createBase(world, 'lis');
      const next = { protocol: nlb.listener.protocol, port: 8443 };
      if (!driver.capabilities.changes.listenerPort) {
        await checkRejects(
          driver.changeListener(nlb.iid, next),
          'UNSUPPORTED',
          'changeListener port',
          'listener.port',
        );
        checkEqual(essence(await driver.getNLB(nlb.iid)), essence(nlb), 'nothing changed');
        return;
      }
      const changed = await driver.changeListener(nlb.iid, next);
      check(changed.listener.port === 8443, 'changeListener returns the new port');
      const got = await driver.getNLB(nlb.iid);
      check(got.listener.port === 8443, 'getNLB shows the new port');
      checkEqual(essence(got).vmGroup, essence(nlb).vmGroup, 'the VM group is untouched');
    },
  },
  {
    name: 'changeVMGroupInfo is reflected by getNLB',
    async run(world) {
      const { driver } = world;
      const nlb = await createBase(world, 'grp');
      const port = driver.capabilities.changes.vmGroupPort ? 9090 : nlb.vmGroup.port;
      const vms = world.vms.slice(2, 4).map((vm) => ({ nameId: vm.nameId }));
      const changed = await driver.changeVMGroupInfo(nlb.iid, { protocol: nlb.vmGroup.protocol, port, vms });
      check(changed.vmGroup.port === port, 'changeVMGroupInfo returns the new port');
      const got = await driver.getNLB(nlb.iid);
      checkEqual(names(got.vmGroup.vms), names(vms), 'getNLB shows the new VMs');
      check(got.vmGroup.port === port, 'getNLB shows the new port');
      checkEqual(essence(got).listener, essence(nlb).listener, 'the listener is untouched');
    },
  },
  {
    name: 'changeHealthCheckerInfo is reflected by getNLB',
    async run(world) {
      const { driver } = world;
      const caps = driver.capabilities;
      const nlb = await createBase(world, 'hc');
      const next = healthCheckerFor(caps, nlb.vmGroup.protocol, 1);
      if (!caps.changes.healthChecker) {
        await checkRejects(
          driver.changeHealthCheckerInfo(nlb.iid, next),
          'UNSUPPORTED',
          'changeHealthCheckerInfo',
        );
        return;
      }
      await driver.changeHealthCheckerInfo(nlb.iid, next);
      const hc = (await driver.getNLB(nlb.iid)).healthChecker;
      check(hc.protocol === next.protocol, 'protocol changed');
      if (next.interval !== undefined)
        check(hc.interval === next.interval, `interval is ${next.interval}, got ${hc.interval}`);
      if (next.threshold !== undefined)
        check(
          hc.healthyThreshold === next.threshold,
          `healthyThreshold is ${next.threshold}, got ${hc.healthyThreshold}`,
        );
    },
  },
  {
    name: 'health info partitions the VM group exactly',
    async run(world) {
      const nlb = await createBase(world, 'hi', 3);
      const h = await world.driver.getVMGroupHealthInfo(nlb.iid);
      checkEqual(names(h.allVMs), names(nlb.vmGroup.vms), 'allVMs is the VM group');
      checkEqual(
        names([...h.healthyVMs, ...h.unhealthyVMs, ...h.unknownVMs]),
        names(h.allVMs),
        'the three lists partition allVMs',
      );
      check(
        new Set(names([...h.healthyVMs, ...h.unhealthyVMs, ...h.unknownVMs])).size === h.allVMs.length,
        'no VM is in two lists',
      );
      checkEqual(names(h.details.map((d) => d.vm)), names(h.allVMs), 'one detail per VM');
    },
  },
];
