/**
 * All or nothing: a failure injected at every AWS call of createNLB and changeVMGroupInfo ends in a
 * typed error and leaves no AWS resource behind (create) or the NLB exactly as it was (group change).
 * The step lists come from a clean run, so a new call in the driver is covered without editing here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import { describeFaultMatrix } from '../fault-matrix.js';
import { useSharedWorld } from '../shared-world.js';
import { actionsOf, awsRecorder, failAt } from './aws-steps.js';
import { type AwsWorld, startAwsWorld } from './aws-world.js';

const shared = useSharedWorld(startAwsWorld);

/** Worlds of their own (other fake or driver options), closed after each case. */
let own: AwsWorld | undefined;
afterEach(async () => {
  await own?.close();
  own = undefined;
});

const request = (w: AwsWorld, name: string): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: w.vpcIID,
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: {
    protocol: 'TCP',
    port: 8080,
    vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }],
    drainTimeoutSec: 30,
  },
  healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
});

const EMPTY = { loadBalancers: 0, targetGroups: 0, listeners: 0, targets: 0 };

/** Every AWS object counted, and the NLB `web` as the driver reads it (or the error code). */
async function cloud(w: AwsWorld) {
  const web = await w.driver.getNLB({ nameId: 'web' }).then(
    (nlb) => ({ ...essence(nlb), groupId: nlb.vmGroup.cspId, drain: nlb.vmGroup.drainTimeoutSec }),
    (e: { code?: string }) => e.code,
  );
  return { counts: w.fake.counts(), web };
}

/** A mode is the AWS error code the step fails with. */
const CODES: Record<string, { status: number; code: string }> = {
  InvalidConfigurationRequest: { status: 400, code: 'INVALID_ARGUMENT' },
  InternalFailure: { status: 500, code: 'UNAVAILABLE' },
};

describeFaultMatrix({
  title: 'createNLB fault injection',
  world: shared,
  steps: awsRecorder,
  run: (w) => w.driver.createNLB(request(w, 'web')),
  modes: () => Object.keys(CODES),
  // A 5xx is retried by the SDK (3 attempts here): fail all three so the failure persists.
  inject: (w, step, mode) => {
    const { status } = CODES[mode] as { status: number };
    failAt(w, step, mode, status, status >= 500 ? 3 : 1);
  },
  code: (mode) => CODES[mode]?.code as string,
  cloud,
  leaves: 'leaves nothing',
  expectSteps: (steps) =>
    expect(actionsOf(steps, (s) => /^(Create|Register|Modify)/.test(s.shape))).toEqual([
      'CreateLoadBalancer',
      'CreateTargetGroup',
      'ModifyTargetGroupAttributes',
      'RegisterTargets',
      'CreateListener',
    ]),
  after: async ({ world }) => {
    expect(world.fake.counts()).toEqual(EMPTY);
    await expect(world.driver.getNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  },
});

describe('createNLB failures beyond one call', () => {
  it('an abort while waiting for active stops with ABORTED and removes everything', async () => {
    own = await startAwsWorld({
      fake: { activateAfterDescribes: 1000 },
      driver: { waiter: { minDelayMs: 20, maxDelayMs: 20, maxWaitMs: 60_000 } },
    });
    const world = own;
    const ac = new AbortController();
    const pending = world.driver.createNLB(request(world, 'web'), { signal: ac.signal });
    // Abort once polling has begun (the listener exists by then).
    while (!world.fake.calls.some((c) => c.action === 'CreateListener'))
      await new Promise((r) => setTimeout(r, 5));
    ac.abort(new Error('caller gave up'));
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(world.fake.counts()).toEqual(EMPTY);
  });

  it('a wait that never ends is TIMEOUT, and removes everything', async () => {
    own = await startAwsWorld({
      fake: { activateAfterDescribes: 1000 },
      driver: { waiter: { minDelayMs: 5, maxDelayMs: 10, maxWaitMs: 100 } },
    });
    await expect(own.driver.createNLB(request(own, 'web'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(own.fake.counts()).toEqual(EMPTY);
  });

  it('when clean-up fails too, the load balancer is kept as an anchor and deleteNLB removes the rest', async () => {
    const world = await shared();
    world.fake.failOn('CreateListener', { code: 'InvalidConfigurationRequest' });
    world.fake.failOn('DeleteTargetGroup', { code: 'AccessDenied', status: 403 });
    const err = await world.driver.createNLB(request(world, 'web')).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('INVALID_ARGUMENT');
    expect((err as Error).message).toMatch(/clean-up failed.*deleteNLB/);
    // Each error says who it is once, not once per error wrapped in it.
    expect((err as Error).message.match(/\[nlbkit\]/g)).toHaveLength(1);
    expect((err as Error).message).toMatch(/^\[nlbkit\] \[aws\] createNLB: CreateListener: /);
    expect(world.fake.counts()).toMatchObject({ loadBalancers: 1, targetGroups: 1, listeners: 0 });
    const half = await world.driver.getNLB({ nameId: 'web' });
    expect(half.keyValueList).toContainEqual({ key: 'Incomplete', value: 'true' });
    await expect(
      world.driver.changeVMGroupInfo({ nameId: 'web' }, { protocol: 'TCP', port: 1, vms: [] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.counts()).toEqual(EMPTY);
  });
});

const next = {
  protocol: 'TCP' as const,
  port: 9090,
  vms: [{ nameId: 'vm-3' }, { nameId: 'vm-4' }],
  drainTimeoutSec: 60,
};

describeFaultMatrix({
  title: 'changeVMGroupInfo fault injection',
  world: shared,
  steps: awsRecorder,
  prepare: (w) => w.driver.createNLB(request(w, 'web')),
  run: (w) => w.driver.changeVMGroupInfo({ nameId: 'web' }, next),
  inject: (w, step) => failAt(w, step, 'InvalidConfigurationRequest'),
  code: () => 'INVALID_ARGUMENT',
  cloud,
  leaves: 'leaves the NLB unchanged, no new resource',
  expectSteps: (steps) =>
    expect(actionsOf(steps, (s) => s.write)).toEqual([
      'CreateTargetGroup',
      'ModifyTargetGroupAttributes',
      'RegisterTargets',
      'ModifyListener',
      'DeleteTargetGroup',
    ]),
  after: async ({ world, before }) => {
    expect(before.web).toMatchObject({ drain: 30 });
    await world.driver.deleteNLB({ nameId: 'web' });
    expect(world.fake.counts()).toEqual(EMPTY);
  },
});

describe('changeVMGroupInfo failures beyond one call', () => {
  it('a new group left behind by a failed clean-up is removed by deleteNLB', async () => {
    const world = await shared();
    await world.driver.createNLB(request(world, 'web'));
    world.fake.failOn('ModifyListener', { code: 'InvalidConfigurationRequest' });
    world.fake.failOn('DeleteTargetGroup', { code: 'AccessDenied', status: 403 });
    await expect(world.driver.changeVMGroupInfo({ nameId: 'web' }, next)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(world.fake.counts().targetGroups).toBe(2);
    await world.driver.deleteNLB({ nameId: 'web' });
    expect(world.fake.counts()).toEqual(EMPTY);
  });
});

describe('throttling at every call of a lifecycle', () => {
  it('every action of a full lifecycle, throttled twice, is retried and the lifecycle succeeds', async () => {
    const lifecycle = async (w: AwsWorld) => {
      const iid = { nameId: 'web' };
      await w.driver.createNLB(request(w, 'web'));
      await w.driver.getNLB(iid);
      await w.driver.listNLB();
      await w.driver.changeListener(iid, { protocol: 'TCP', port: 81 });
      await w.driver.addVMs(iid, [{ nameId: 'vm-3' }]);
      await w.driver.removeVMs(iid, [{ nameId: 'vm-1' }]);
      await w.driver.changeVMGroupInfo(iid, { protocol: 'TCP', port: 9090, vms: [{ nameId: 'vm-4' }] });
      await w.driver.changeHealthCheckerInfo(iid, { protocol: 'TCP', interval: 20 });
      await w.driver.getVMGroupHealthInfo(iid);
      await w.driver.deleteNLB(iid);
    };
    const w = await shared();
    await lifecycle(w);
    const used = [...new Set(w.fake.calls.map((c) => c.action))];
    expect(used.length).toBeGreaterThanOrEqual(15);
    for (const action of used) {
      const each = await shared();
      each.fake.throttle(action, 2);
      await lifecycle(each);
      expect(each.fake.counts(), action).toEqual(EMPTY);
    }
  });
});
