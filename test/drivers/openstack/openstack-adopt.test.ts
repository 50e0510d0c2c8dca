/**
 * adoptNLB / releaseNLB on OpenStack beyond the conformance cases: what is refused (and that every
 * reason is named, nothing marked), and a failure at every call of both, before and after it is
 * applied, leaving the load balancer's and members' marks exactly as they were.
 */
import { describe, expect, it } from 'vitest';
import { isAdoptable } from '../../../src/interfaces/adoption.js';
import { isNLBError } from '../../../src/interfaces/errors.js';
import { describeFaultMatrix, type StepRecorder } from '../fault-matrix.js';
import { type FaultStep, faultSteps, idsAsWildcards } from '../fault-steps.js';
import { useSharedWorld } from '../shared-world.js';
import { type ForeignShape, makeForeign } from './openstack-foreign.js';
import { APPLIED, fail503 } from './openstack-steps.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

const shared = useSharedWorld(startOpenStackWorld);

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
    const world = await shared();
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
    const world = await shared();
    const id = await foreign(world, { weight: 200 });
    const e = await refusal(adoptable(world).adoptNLB(id, { nameId: 'legacy' }));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/weight/);
  });

  it('refuses a member that is no server, another name, another provider, and unknown ids', async () => {
    const world = await shared();
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
    const world = await shared();
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

/** A step of adoption or release (Keystone's token request is the client's own business: not one). */
interface Step extends FaultStep {
  /** A GET of the load balancer by id, which the driver polls again: the operation may then succeed. */
  poll: boolean;
}
const recorder: StepRecorder<OpenStackWorld, Step> = {
  count: (w) => w.fake.calls.length,
  since: (w, from) =>
    faultSteps(
      w.fake.calls
        .slice(from)
        .filter((c) => c.service !== 'identity')
        .map((c) => ({ method: c.method, shape: idsAsWildcards(c.path) })),
    ).map((s) => ({ ...s, poll: s.method === 'GET' && /loadbalancers\/\{id\}$/.test(s.shape) })),
};

/** The marks with the world's server ids as names (they are new after a reset), and what is listed. */
const cloud = async (w: OpenStackWorld) => {
  const names = new Map(w.vms.map((vm) => [`nlbkit:vm=${vm.systemId}`, `nlbkit:vm=${vm.nameId}`]));
  const { lb, members } = marks(w);
  return {
    lb,
    members: members.map(([name, tags]) => [name, (tags as string[]).map((t) => names.get(t) ?? t)]),
    listed: (await w.driver.listNLB()).map((n) => n.iid.nameId),
  };
};

for (const op of ['adoptNLB', 'releaseNLB'] as const)
  describeFaultMatrix({
    title: `${op} fault injection`,
    world: shared,
    steps: recorder,
    prepare: async (w) => {
      const id = await foreign(w);
      if (op === 'releaseNLB') await adoptable(w).adoptNLB(id, { nameId: 'legacy' });
      return id;
    },
    run: (w, id) =>
      op === 'adoptNLB'
        ? adoptable(w).adoptNLB(id, { nameId: 'legacy' })
        : adoptable(w).releaseNLB({ nameId: 'legacy' }),
    modes: (step) => (step.method === 'GET' ? [''] : ['', APPLIED]),
    inject: fail503,
    cloud,
    code: () => 'UNAVAILABLE',
    repeated: (step) => step.poll,
    leaves: 'leaves the marks as they were',
    expectSteps: (steps) => expect(steps.some((s) => s.method === 'PUT')).toBe(true),
  });
