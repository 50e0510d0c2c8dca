/**
 * Conformance cases: adoptNLB and releaseNLB (the AdoptableNLBHandler extension). A driver whose
 * capabilities say `adoption` must take over a load balancer made in the provider by someone else,
 * manage it like its own, let it go without deleting it, and refuse a shape it cannot show.
 */
import { isAdoptable } from '../interfaces/adoption.js';
import { check, checkEqual, checkRejects, names } from './assertions.js';
import type { ConformanceCase } from './case.js';
import { type ConformanceWorld, essence, uniqueName } from './world.js';

/** The adoptable driver and the world's foreign load balancers, or 'skipped' when adoption is moot. */
function adoptionWorld(world: ConformanceWorld) {
  const { driver } = world;
  if (!driver.capabilities.adoption) return undefined;
  check(isAdoptable(driver), 'capabilities say adoption, but adoptNLB/releaseNLB are missing');
  check(world.foreign, 'capabilities say adoption: the world must give `foreign` to make load balancers');
  return { driver, foreign: world.foreign };
}

const listed = async (world: ConformanceWorld) => names((await world.driver.listNLB()).map((n) => n.iid));

/** Adoption round trip and refusals. */
export const adoptionCases: ConformanceCase[] = [
  {
    name: 'adoptNLB takes over a foreign load balancer; releaseNLB lets go of it without deleting it',
    async run(world) {
      const w = adoptionWorld(world);
      if (!w) return 'skipped';
      const name = uniqueName('adopt');
      const vms = world.vms.slice(0, 2);
      const systemId = await w.foreign.create(name, vms);
      check(!(await listed(world)).includes(name), 'a foreign load balancer is not listed before adoptNLB');

      const adopted = await w.driver.adoptNLB(systemId, { nameId: name });
      checkEqual(adopted.iid, { nameId: name, systemId }, 'adoptNLB returns the NLB by name and provider id');
      checkEqual(names(adopted.vmGroup.vms), names(vms), 'its VMs, by the names the driver knows them by');
      checkEqual(
        { protocol: adopted.listener.protocol, port: adopted.listener.port },
        { protocol: 'TCP', port: 80 },
        'its listener',
      );
      checkEqual(essence(await w.driver.getNLB({ nameId: name })), essence(adopted), 'getNLB after adoptNLB');
      check((await listed(world)).includes(name), 'listNLB shows it');
      const grown = await w.driver.addVMs({ nameId: name }, [
        { nameId: (world.vms[2] as { nameId: string }).nameId },
      ]);
      checkEqual(grown.vmGroup.vms.length, 3, 'an adopted NLB is managed like any other (addVMs)');
      await checkRejects(
        w.driver.adoptNLB(systemId, { nameId: name }),
        'ALREADY_EXISTS',
        'adopting it twice',
      );

      checkEqual(await w.driver.releaseNLB({ nameId: name }), true, 'releaseNLB resolves true');
      check(!(await listed(world)).includes(name), 'listNLB no longer shows it');
      await checkRejects(w.driver.getNLB({ nameId: name }), 'NOT_FOUND', 'getNLB after releaseNLB');
      check(await w.foreign.exists(systemId), 'the provider still holds it after releaseNLB');
      await checkRejects(w.driver.releaseNLB({ nameId: name }), 'NOT_FOUND', 'releasing it twice');

      // Released, it can be adopted again, and then it is deleteNLB's to delete.
      await w.driver.adoptNLB(systemId, { nameId: name });
      await w.driver.deleteNLB({ nameId: name });
      check(!(await w.foreign.exists(systemId)), 'deleteNLB of an adopted NLB deletes it in the provider');
    },
  },
  {
    name: 'adoptNLB refuses a load balancer it cannot show as one NLB, and marks nothing',
    async run(world) {
      const w = adoptionWorld(world);
      if (!w) return 'skipped';
      const name = uniqueName('adopt2');
      const systemId = await w.foreign.create(name, world.vms.slice(0, 1), 'two-listeners');
      const before = await listed(world);
      const error = await checkRejects(
        w.driver.adoptNLB(systemId, { nameId: name }),
        'UNSUPPORTED',
        'two listeners',
      );
      check(/listener/.test(error.message), `the refusal says why: ${error.message}`);
      checkEqual(await listed(world), before, 'nothing is listed after the refusal');
      await checkRejects(w.driver.getNLB({ nameId: name }), 'NOT_FOUND', 'getNLB after a refused adoptNLB');
      check(await w.foreign.exists(systemId), 'the provider still holds it');
      await checkRejects(
        w.driver.adoptNLB(systemId, { nameId: 'bad name!' }),
        'INVALID_ARGUMENT',
        'a name outside the schema',
        'iid.nameId',
      );
    },
  },
];
