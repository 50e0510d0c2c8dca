/** What createNLB and a change tell onProgress on OpenStack: each step before its request, and Octavia's waits. */
import { afterEach, describe, expect, it } from 'vitest';
import { progressRecorder, tcpCreate } from '../progress-recorder.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

let world: OpenStackWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const recorder = (w: OpenStackWorld) =>
  progressRecorder(
    () => w.fake.calls,
    (c) =>
      `${c.method} ${c.path
        .split('/')
        .filter((p) => !/^[0-9a-f-]{36}$/.test(p))
        .at(-1)}`,
  );

describe('OpenStack progress', () => {
  it('createNLB: each part before its request, each provisioning wait before its first poll', async () => {
    world = await startOpenStackWorld();
    const w = world;
    const create = recorder(w);
    await w.driver.createNLB(tcpCreate(w.vpcIID, ['vm-1']), { onProgress: create.onProgress });
    expect(create.nextCalls()).toEqual([
      ['create-load-balancer', 'POST loadbalancers'],
      ['wait-active', 'GET loadbalancers'],
      ['create-pool', 'POST pools'],
      ['wait-active', 'GET loadbalancers'],
      ['create-health-monitor', 'POST healthmonitors'],
      ['wait-active', 'GET loadbalancers'],
      ['add-members', 'PUT members'],
      ['wait-active', 'GET loadbalancers'],
      ['create-listener', 'POST listeners'],
      ['wait-active', 'GET loadbalancers'],
    ]);
  });

  it('addVMs: the member change, then the wait for ACTIVE', async () => {
    world = await startOpenStackWorld();
    const w = world;
    await w.driver.createNLB(tcpCreate(w.vpcIID, ['vm-1']));
    const add = recorder(w);
    await w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }], { onProgress: add.onProgress });
    expect(add.nextCalls().map(([step]) => step)).toEqual(['wait-active']);
  });
});
