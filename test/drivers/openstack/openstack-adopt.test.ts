/**
 * adoptNLB / releaseNLB on OpenStack beyond the conformance cases: what is refused (and that every
 * reason is named, nothing marked), and a failure at every call of both, before and after it is
 * applied, leaving the load balancer's and members' marks exactly as they were.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isAdoptable } from '../../../src/interfaces/adoption.js';
import { isNLBError } from '../../../src/interfaces/errors.js';
import { faultSteps, idsAsWildcards, recordFaultSteps } from '../fault-steps.js';
import { type ForeignShape, makeForeign } from './openstack-foreign.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

let world: OpenStackWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const adoptable = (w: OpenStackWorld) => {
  if (!isAdoptable(w.driver)) throw new Error('the OpenStack driver must be adoptable');
  return w.driver;
};
const foreign = (w: OpenStackWorld, shape?: ForeignShape) =>
  makeForeign(w.fake, w.vpcIID.systemId as string, 'legacy', [{ nameId: 'vm-1' }, { nameId: 'vm-2' }], shape);
/** The marks that adoption sets and release removes, as the fake holds them. */
const marks = (w: OpenStackWorld) => ({
  lb: [...(w.fake.state.lbs[0]?.tags ?? [])].sort(),
  members: (w.fake.state.lbs[0]?.pools[0]?.members ?? []).map((m) => [m.name, [...m.tags]]).sort(),
});
const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isNLBError(e)) throw new Error(`expected an NLBError, got ${String(e)}`);
  return e;
};

describe('OpenStack adoptNLB refusals', () => {
  it('names every part that does not fit, as UNSUPPORTED, and marks nothing', async () => {
    world = await startOpenStackWorld();
    const id = await foreign(world, {
      algorithm: 'LEAST_CONNECTIONS',
      monitorType: 'PING',
      listeners: [80, 81],
    });
    const before = marks(world);
    const e = await refusal(adoptable(world).adoptNLB(id, { nameId: 'legacy' }));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/2 listeners/);
    expect(e.message).toMatch(/LEAST_CONNECTIONS/);
    expect(e.message).toMatch(/PING/);
    expect(marks(world)).toEqual(before);
    expect(await world.driver.listNLB()).toEqual([]);
  });

  it('refuses values outside the capabilities (a weight above 100)', async () => {
    world = await startOpenStackWorld();
    const id = await foreign(world, { weight: 200 });
    const e = await refusal(adoptable(world).adoptNLB(id, { nameId: 'legacy' }));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/weight/);
  });

  it('refuses a member that is no server, another name, another provider, and unknown ids', async () => {
    world = await startOpenStackWorld();
    const driver = adoptable(world);
    const id = await foreign(world);
    const [member] = world.fake.state.lbs[0]?.pools[0]?.members ?? [];
    if (member) member.address = '10.0.0.200';
    expect((await refusal(driver.adoptNLB(id, { nameId: 'legacy' }))).message).toMatch(
      /member 10\.0\.0\.200:8080 is not a server's address/,
    );
    expect((await refusal(driver.adoptNLB(id, { nameId: 'other' }))).code).toBe('INVALID_ARGUMENT');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await refusal(driver.adoptNLB(unknown, { nameId: 'legacy' }))).code).toBe('NOT_FOUND');
    const ovn = await makeForeign(world.fake, world.vpcIID.systemId as string, 'on-ovn', [], {
      provider: 'ovn',
      algorithm: 'SOURCE_IP_PORT',
    });
    expect((await refusal(driver.adoptNLB(ovn, { nameId: 'on-ovn' }))).message).toMatch(/provider is ovn/);
  });

  it('keeps the owner tags through adoption and release; deletes nothing', async () => {
    world = await startOpenStackWorld();
    const driver = adoptable(world);
    const id = await foreign(world);
    const before = marks(world);
    const nlb = await driver.adoptNLB(id, { nameId: 'legacy' });
    expect(nlb.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['vm-1', 'vm-2']);
    expect(world.fake.state.lbs[0]?.tags).toContain('team-a');
    await driver.releaseNLB({ nameId: 'legacy' });
    // Member names stay the servers' names; every nlbkit mark is gone.
    expect(marks(world).lb).toEqual(before.lb);
    expect(JSON.stringify(marks(world).members)).not.toMatch(/nlbkit/);
    expect(world.fake.state.lbs).toHaveLength(1);
  });
});

for (const op of ['adoptNLB', 'releaseNLB'] as const) {
  describe(`${op} fault injection`, async () => {
    const prepare = async (w: OpenStackWorld) => {
      const id = await foreign(w);
      if (op === 'releaseNLB') await adoptable(w).adoptNLB(id, { nameId: 'legacy' });
      return id;
    };
    const run = (w: OpenStackWorld, id: string) =>
      op === 'adoptNLB'
        ? adoptable(w).adoptNLB(id, { nameId: 'legacy' })
        : adoptable(w).releaseNLB({ nameId: 'legacy' });
    let id = '';
    const all = await recordFaultSteps(
      startOpenStackWorld,
      (w) => w.fake.calls,
      (calls) => calls,
      async (w) => {
        id = await prepare(w);
      },
      (w) => run(w, id),
    ).then((calls) =>
      // Keystone's token request is the client's own business (retried, shared): not a step here.
      faultSteps(
        calls
          .filter((c) => c.service !== 'identity')
          .map((c) => ({ method: c.method, shape: idsAsWildcards(c.path) })),
      ),
    );
    it('has write steps to fail', () => expect(all.some((s) => s.method === 'PUT')).toBe(true));
    for (const step of all)
      for (const afterApply of step.method === 'GET' ? [false] : [false, true])
        it(`a failure at ${step.label}${afterApply ? ' (after it was applied)' : ''} leaves the marks as they were`, async () => {
          world = await startOpenStackWorld();
          const lbId = await prepare(world);
          const before = marks(world);
          const listed = (await world.driver.listNLB()).map((n) => n.iid.nameId);
          world.fake.fail({ method: step.method, path: step.path, skip: step.skip, status: 503, afterApply });
          const outcome = await run(world, lbId).then(
            () => undefined,
            (e: unknown) => e,
          );
          // A lost status read is polled again: the call went through.
          const poll = step.method === 'GET' && /loadbalancers\/\{id\}$/.test(step.shape);
          if (poll && outcome === undefined) return;
          expect(isNLBError(outcome) && outcome.code).toBe('UNAVAILABLE');
          expect(marks(world)).toEqual(before);
          expect((await world.driver.listNLB()).map((n) => n.iid.nameId)).toEqual(listed);
        });
  });
}
