/**
 * All or nothing: a failure injected at every AWS call of createNLB and changeVMGroupInfo ends in a
 * typed error and leaves no AWS resource behind (create) or the NLB exactly as it was (group change).
 * The step lists come from a clean run, so a new call in the driver is covered without editing here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import { type AwsWorld, actionSteps, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
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

const steps = actionSteps;

const EMPTY = { loadBalancers: 0, targetGroups: 0, listeners: 0, targets: 0 };

/** The actions a clean createNLB makes, recorded on a throw-away world. */
async function createSteps(): Promise<[string, number][]> {
  const w = await startAwsWorld();
  try {
    await w.driver.createNLB(request(w, 'probe'));
    return steps(w.fake.calls.map((c) => c.action));
  } finally {
    await w.close();
  }
}

describe('createNLB fault injection', async () => {
  const createActions = await createSteps();

  it('records the expected write steps', () => {
    const writes = createActions.map(([a]) => a).filter((a) => /^(Create|Register|Modify)/.test(a));
    expect(writes).toEqual([
      'CreateLoadBalancer',
      'CreateTargetGroup',
      'ModifyTargetGroupAttributes',
      'RegisterTargets',
      'CreateListener',
    ]);
  });

  for (const [action, nth] of createActions) {
    for (const [code, status, expected] of [
      ['InvalidConfigurationRequest', 400, 'INVALID_ARGUMENT'],
      ['InternalFailure', 500, 'UNAVAILABLE'],
    ] as const) {
      it(`${action} #${nth} failing with ${code} -> ${expected}, nothing left`, async () => {
        world = await startAwsWorld();
        // A 5xx is retried by the SDK (3 attempts here): fail all three so the failure persists.
        world.fake.failOn(action, { code, status, nth, times: status >= 500 ? 3 : 1 });
        const err = await world.driver.createNLB(request(world, 'web')).catch((e: unknown) => e);
        expect(isNLBError(err)).toBe(true);
        expect((err as { code: string }).code).toBe(expected);
        expect(world.fake.counts()).toEqual(EMPTY);
        await expect(world.driver.getNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });
    }
  }

  it('an abort while waiting for active stops with ABORTED and removes everything', async () => {
    world = await startAwsWorld({
      fake: { activateAfterDescribes: 1000 },
      driver: { waiter: { minDelayMs: 20, maxDelayMs: 20, maxWaitMs: 60_000 } },
    });
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
    world = await startAwsWorld({
      fake: { activateAfterDescribes: 1000 },
      driver: { waiter: { minDelayMs: 5, maxDelayMs: 10, maxWaitMs: 100 } },
    });
    await expect(world.driver.createNLB(request(world, 'web'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(world.fake.counts()).toEqual(EMPTY);
  });

  it('when clean-up fails too, the load balancer is kept as an anchor and deleteNLB removes the rest', async () => {
    world = await startAwsWorld();
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

describe('changeVMGroupInfo fault injection', async () => {
  const next = {
    protocol: 'TCP' as const,
    port: 9090,
    vms: [{ nameId: 'vm-3' }, { nameId: 'vm-4' }],
    drainTimeoutSec: 60,
  };

  /** The actions a clean group change makes (after the guarded handler's own reads). */
  async function changeSteps(): Promise<[string, number][]> {
    const w = await startAwsWorld();
    try {
      await w.driver.createNLB(request(w, 'probe'));
      w.fake.resetCalls();
      await w.driver.changeVMGroupInfo({ nameId: 'probe' }, next);
      return steps(w.fake.calls.map((c) => c.action));
    } finally {
      await w.close();
    }
  }
  const changeActions = await changeSteps();

  it('records the expected write steps', () => {
    const writes = changeActions.map(([a]) => a).filter((a) => !a.startsWith('Describe'));
    expect(writes).toEqual([
      'CreateTargetGroup',
      'ModifyTargetGroupAttributes',
      'RegisterTargets',
      'ModifyListener',
      'DeleteTargetGroup',
    ]);
  });

  for (const [action, nth] of changeActions) {
    it(`${action} #${nth} failing -> typed error, the NLB unchanged, no new resource`, async () => {
      world = await startAwsWorld();
      const before = await world.driver.createNLB(request(world, 'web'));
      const countsBefore = world.fake.counts();
      world.fake.failOn(action, { code: 'InvalidConfigurationRequest', nth });
      const err = await world.driver.changeVMGroupInfo({ nameId: 'web' }, next).catch((e: unknown) => e);
      expect(isNLBError(err)).toBe(true);
      expect(world.fake.counts()).toEqual(countsBefore);
      const after = await world.driver.getNLB({ nameId: 'web' });
      expect(essence(after)).toEqual(essence(before));
      expect(after.vmGroup.cspId).toBe(before.vmGroup.cspId);
      expect(after.vmGroup.drainTimeoutSec).toBe(30);
      await world.driver.deleteNLB({ nameId: 'web' });
      expect(world.fake.counts()).toEqual(EMPTY);
    });
  }

  it('a new group left behind by a failed clean-up is removed by deleteNLB', async () => {
    world = await startAwsWorld();
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
