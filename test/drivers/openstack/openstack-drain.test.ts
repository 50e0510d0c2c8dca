/**
 * Connection draining on Octavia (amphora), over HTTP to the fake: a removed VM's member goes to weight
 * 0 with its drain's end in its tags and is deleted after the timeout, by the timer of the process that
 * removed it or by any later read of the NLB (another process's too); getNLB and health no longer list
 * it; re-adding the VM restores it; 0 deletes at once; deleteNLB removes everything.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOpenStackDriver } from '../../../src/drivers/openstack/index.js';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { driverOptionsFor, type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

let world: OpenStackWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (drainTimeoutSec?: number): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: { nameId: 'private' },
  type: 'INTERNAL',
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: {
    protocol: 'TCP',
    port: 8080,
    vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2', weight: 7 }],
    ...(drainTimeoutSec === undefined ? {} : { drainTimeoutSec }),
  },
  healthChecker: { protocol: 'TCP' },
});
const members = (w: OpenStackWorld) => w.fake.state.lbs[0]?.pools[0]?.members ?? [];
const member = (w: OpenStackWorld, name: string) => members(w).find((m) => m.name === name);
const tagOf = (tags: string[] | undefined, prefix: string) =>
  tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length);

/** Moves every drain's end in the fake to the past, as if the timeout had run out. */
function expireDrains(w: OpenStackWorld) {
  for (const m of members(w))
    m.tags = m.tags.map((t) =>
      t.startsWith('nlbkit:drain-until=') ? 'nlbkit:drain-until=2000-01-01T00:00:00.000Z' : t,
    );
}

describe('OpenStack draining', () => {
  it('removeVMs drains: weight 0 with its end in tags; getNLB and health leave it out', async () => {
    world = await startOpenStackWorld();
    const created = await world.driver.createNLB(request(600));
    expect(created.vmGroup.drainTimeoutSec).toBe(600);
    const id = member(world, 'vm-2')?.id;
    const before = Date.now();
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    const drained = member(world, 'vm-2');
    expect(drained?.id).toBe(id);
    expect(drained?.weight).toBe(0);
    const end = Date.parse(tagOf(drained?.tags, 'nlbkit:drain-until=') ?? '');
    expect(end).toBeGreaterThanOrEqual(before + 600_000);
    expect(end).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(tagOf(drained?.tags, 'nlbkit:drain-weight=')).toBe('7');
    const nlb = await world.driver.getNLB({ nameId: 'web' });
    expect(nlb.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['vm-1']);
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    expect(health.allVMs.map((vm) => vm.nameId)).toEqual(['vm-1']);
    // Removing it again is NOT_FOUND: it is no longer in the group.
    const again = await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]).catch((e) => e);
    expect(isNLBError(again) && again.code).toBe('NOT_FOUND');
  });

  it('a drain outlives its process: another driver reading the NLB deletes the overdue member', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request(600));
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    expireDrains(world);
    const other = createOpenStackDriver(driverOptionsFor(world.fake));
    expect((await other.listNLB()).map((n) => n.vmGroup.vms.length)).toEqual([1]);
    expect(members(world).map((m) => m.name)).toEqual(['vm-1']);
  });

  it('any later change finishes overdue drains first', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request(600));
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    expireDrains(world);
    await world.driver.changeHealthCheckerInfo({ nameId: 'web' }, { protocol: 'TCP', interval: 20 });
    expect(members(world).map((m) => m.name)).toEqual(['vm-1']);
  });

  it("the removing process's timer deletes the member when the drain ends", async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request(1));
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    expect(member(world, 'vm-2')?.weight).toBe(0);
    // Nothing reads the NLB meanwhile: only the timer can delete it.
    const calls = world.fake.calls.length;
    await vi.waitFor(() => expect(member(world as OpenStackWorld, 'vm-2')).toBeUndefined(), {
      timeout: 10_000,
      interval: 100,
    });
    expect(world.fake.calls.slice(calls).some((c) => c.method === 'DELETE')).toBe(true);
  });

  it('a failed delete of an overdue member does not fail the read; the next read finishes it', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request(600));
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    expireDrains(world);
    world.fake.fail({ method: 'DELETE', path: /\/members\//, status: 500 });
    expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms).toHaveLength(1);
    expect(member(world, 'vm-2')).toBeDefined();
    await world.driver.getNLB({ nameId: 'web' });
    expect(member(world, 'vm-2')).toBeUndefined();
  });

  it('re-adding a draining VM brings its member back with its weight', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request(600));
    const id = member(world, 'vm-2')?.id;
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    const back = await world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    expect(back.vmGroup.vms).toContainEqual(expect.objectContaining({ nameId: 'vm-2', weight: 7 }));
    const m = member(world, 'vm-2');
    expect(m?.id).toBe(id);
    expect(m?.weight).toBe(7);
    expect(m?.tags.some((t) => t.startsWith('nlbkit:drain'))).toBe(false);
    // A weight named on the re-add wins.
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    await world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-2', weight: 3 }]);
    expect(member(world, 'vm-2')?.weight).toBe(3);
  });

  it('a group change drains the VMs it leaves out and keeps draining ones draining', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request(600));
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    const drainingTags = member(world, 'vm-2')?.tags;
    const nlb = await world.driver.changeVMGroupInfo(
      { nameId: 'web' },
      { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-3' }] },
    );
    expect(nlb.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['vm-3']);
    expect(nlb.vmGroup.drainTimeoutSec).toBe(600);
    expect(member(world, 'vm-1')?.weight).toBe(0);
    expect(tagOf(member(world, 'vm-1')?.tags, 'nlbkit:drain-until=')).toBeDefined();
    expect(member(world, 'vm-2')?.tags).toEqual(drainingTags);
  });

  it('a VM kept across a group-port change drains on the old port and is healthy on the new', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request(600));
    await world.driver.changeVMGroupInfo(
      { nameId: 'web' },
      { protocol: 'TCP', port: 9090, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
    );
    const ports = members(world).map((m) => [m.name, m.protocol_port, m.weight]);
    expect(ports).toEqual(
      expect.arrayContaining([
        ['vm-1', 9090, 1],
        ['vm-1', 8080, 0],
      ]),
    );
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    expect(health.healthyVMs.map((vm) => vm.nameId).sort()).toEqual(['vm-1', 'vm-2']);
  });

  it('0 (the default) deletes at once; deleteNLB removes draining members with the rest', async () => {
    world = await startOpenStackWorld();
    const nlb = await world.driver.createNLB(request());
    expect(nlb.vmGroup.drainTimeoutSec).toBe(0);
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    expect(members(world).map((m) => m.name)).toEqual(['vm-1']);
    await world.driver.changeVMGroupInfo(
      { nameId: 'web' },
      { protocol: 'TCP', port: 8080, drainTimeoutSec: 600, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
    );
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-1' }]);
    expect(member(world, 'vm-1')?.weight).toBe(0);
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.state.lbs).toEqual([]);
  });

  it('the OVN provider refuses drainTimeoutSec, saying what OVN does', async () => {
    world = await startOpenStackWorld({ driver: { provider: 'ovn' } });
    const req = request(30);
    req.vmGroup.vms = [{ nameId: 'vm-1' }];
    req.vmGroup.algorithm = 'SOURCE_HASH';
    const error = await world.driver.createNLB(req).catch((e) => e);
    expect(isNLBError(error) && error.code).toBe('UNSUPPORTED');
    expect(String(error.message)).toMatch(/no member weights/);
    expect(world.fake.calls).toEqual([]);
  });
});
