/**
 * Conformance cases for two handlers over one provider, as two processes of a broker would hold: what
 * one does, the other sees; concurrent additions all land; a name raced for ends with one NLB.
 */
import type { NLBHandler } from '../interfaces/handler.js';
import { check, checkEqual, names } from './assertions.js';
import { baseRequest, type ConformanceWorld, uniqueName } from './world.js';

/** A world with a second handler over the same provider state (another process, another client). */
export interface PeerWorld extends ConformanceWorld {
  peer: NLBHandler;
}

/** One peer case. */
export interface PeerCase {
  name: string;
  run(world: PeerWorld): Promise<unknown>;
}

export const peerCases: PeerCase[] = [
  {
    name: 'what one handler creates and changes, the other reads',
    async run(world) {
      const { driver, peer } = world;
      const req = baseRequest(driver.capabilities, world, uniqueName('peer'), world.vms.slice(0, 1));
      const made = await driver.createNLB(req);
      checkEqual((await peer.getNLB(made.iid)).iid.nameId, made.iid.nameId, 'the peer finds the new NLB');
      await peer.addVMs(made.iid, [{ nameId: world.vms[1]!.nameId }]);
      checkEqual(
        names((await driver.getNLB(made.iid)).vmGroup.vms),
        names(world.vms.slice(0, 2)),
        "the first handler sees the peer's addVMs",
      );
      check(await peer.deleteNLB(made.iid), 'the peer deletes it');
      check(
        !(await driver.listIID()).some((i) => i.nameId === made.iid.nameId),
        'the first handler sees it gone',
      );
    },
  },
  {
    name: 'two handlers adding VMs to one NLB at once: every VM lands',
    async run(world) {
      const { driver, peer } = world;
      const req = baseRequest(driver.capabilities, world, uniqueName('peeradd'), world.vms.slice(0, 1));
      const made = await driver.createNLB(req);
      const [b, c, d] = world.vms.slice(1, 4).map((vm) => ({ nameId: vm.nameId }));
      await Promise.all([driver.addVMs(made.iid, [b!, c!]), peer.addVMs(made.iid, [d!])]);
      checkEqual(
        names((await driver.getNLB(made.iid)).vmGroup.vms),
        names(world.vms.slice(0, 4)),
        'all four VMs',
      );
    },
  },
  {
    name: 'two handlers creating one name at once: one NLB remains, the other call is ALREADY_EXISTS',
    async run(world) {
      const { driver, peer } = world;
      const name = uniqueName('race');
      const req = baseRequest(driver.capabilities, world, name, world.vms.slice(0, 1));
      const results = await Promise.allSettled([
        driver.createNLB(structuredClone(req)),
        peer.createNLB(structuredClone(req)),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      checkEqual(won.length, 1, 'exactly one create succeeds');
      checkEqual(
        (lost[0]?.reason as { code?: string })?.code,
        'ALREADY_EXISTS',
        'the other is ALREADY_EXISTS',
      );
      const listed = (await driver.listIID()).filter((i) => i.nameId === name);
      checkEqual(listed.length, 1, 'one NLB of that name remains');
    },
  },
];
