/** What createNLB and the changes tell onProgress on AWS, in order, each just before its call. */
import { afterEach, describe, expect, it } from 'vitest';
import { progressRecorder } from '../progress-recorder.js';
import { type AwsWorld, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const recorder = (w: AwsWorld) =>
  progressRecorder(
    () => w.fake.calls,
    (c) => c.action,
  );

describe('AWS progress', () => {
  it('createNLB: load balancer, target group, targets, listener, then the wait for active', async () => {
    world = await startAwsWorld();
    const r = recorder(world);
    await world.driver.createNLB(
      {
        iid: { nameId: 'web' },
        vpcIID: world.vpcIID,
        listener: { protocol: 'TCP', port: 80 },
        vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
        healthChecker: { protocol: 'TCP' },
      },
      { onProgress: r.onProgress },
    );
    expect(r.nextCalls()).toEqual([
      ['create-load-balancer', 'CreateLoadBalancer'],
      ['create-target-group', 'CreateTargetGroup'],
      ['register-targets', 'RegisterTargets'],
      ['create-listener', 'CreateListener'],
      ['wait-active', 'DescribeLoadBalancers'],
    ]);
    expect(r.events()[2]).toMatchObject({ operation: 'createNLB', detail: 'registering 2 VM(s)' });
    expect(r.events()[4]?.detail).toMatch(/^waiting for load balancer arn:aws:.* to become active$/);
  });

  it('changeVMGroupInfo, addVMs, deleteNLB: each step before its call', async () => {
    world = await startAwsWorld();
    const w = world;
    await w.driver.createNLB({
      iid: { nameId: 'web' },
      vpcIID: w.vpcIID,
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }] },
      healthChecker: { protocol: 'TCP' },
    });
    const group = recorder(w);
    await w.driver.changeVMGroupInfo(
      { nameId: 'web' },
      { protocol: 'TCP', port: 80, vms: [{ nameId: 'vm-2' }] },
      { onProgress: group.onProgress },
    );
    expect(group.nextCalls()).toEqual([
      ['create-target-group', 'CreateTargetGroup'],
      ['register-targets', 'RegisterTargets'],
      ['switch-listener', 'ModifyListener'],
      ['delete-target-group', 'DeleteTargetGroup'],
    ]);
    const add = recorder(w);
    await w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }], { onProgress: add.onProgress });
    expect(add.nextCalls()).toEqual([['register-targets', 'RegisterTargets']]);
    const del = recorder(w);
    await w.driver.deleteNLB({ nameId: 'web' }, { onProgress: del.onProgress });
    expect(del.nextCalls()).toEqual([
      ['delete-load-balancer', 'DeleteLoadBalancer'],
      ['wait-deleted', 'DescribeLoadBalancers'],
      ['delete-target-groups', 'DeleteTargetGroup'],
    ]);
  });
});
