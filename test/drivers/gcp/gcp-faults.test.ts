/**
 * All or nothing on GCP: a failure injected at every call of createNLB, of each change and of
 * deleteNLB ends in a typed error and leaves no resource behind (create), the NLB exactly as it was
 * (changes), or parts a second deleteNLB removes (delete). Writes also fail after being applied (an
 * answer lost on the way back) and as an operation that ends in an error. Step lists come from a clean
 * run, so a call added to the driver is covered without editing here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { HealthCheckerInfo, NLBCreateRequest, NLBInfo } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import type { GceCall, GceFake } from '../../fakes/gcp/index.js';
import { type FaultStep, faultSteps, recordFaultSteps } from '../fault-steps.js';
import { type GcpWorld, startGcpWorld } from './gcp-world.js';

let world: GcpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: GcpWorld, name: string): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: w.vpcIID,
  listener: { protocol: 'TCP', port: 8080 },
  vmGroup: {
    protocol: 'TCP',
    port: 8080,
    vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }],
    drainTimeoutSec: 30,
  },
  healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
});

/** A step, whether it is a write, and whether it is an operation wait (which the driver repeats). */
interface Step extends FaultStep {
  write: boolean;
  wait: boolean;
}
const steps = (calls: GceCall[]): Step[] =>
  faultSteps(calls.map((c) => ({ method: c.method, shape: c.path.replace(/operation-\d+/, '{id}') }))).map(
    (s) => ({
      ...s,
      wait: s.shape.endsWith('/wait'),
      write:
        s.method !== 'GET' &&
        !s.shape.endsWith('/wait') &&
        !/\/(listNetworkEndpoints|getHealth)$/.test(s.shape),
    }),
  );

const recordSteps = (
  prepare: (w: GcpWorld) => Promise<unknown>,
  run: (w: GcpWorld) => Promise<unknown>,
  after?: (w: GcpWorld) => Promise<unknown>,
) => recordFaultSteps(startGcpWorld, (w) => w.fake.calls, steps, prepare, run, after);

type Mode = 'before' | 'afterApply' | 'operationError';
const modes = (s: Step): Mode[] => (s.write ? ['before', 'afterApply', 'operationError'] : ['before']);

function inject(fake: GceFake, step: Step, mode: Mode, times = 1) {
  fake.fail({
    method: step.method,
    path: step.path,
    skip: step.skip,
    times,
    status: 503,
    afterApply: mode === 'afterApply',
    operationError: mode === 'operationError',
    reason: mode === 'operationError' ? 'QUOTA_EXCEEDED' : undefined,
  });
}

const expectedCode = (mode: Mode) => (mode === 'operationError' ? 'THROTTLED' : 'UNAVAILABLE');

/** Nothing of any NLB is left in the fake, and every address is free again. */
function expectEmpty(w: GcpWorld) {
  const s = w.fake.state;
  expect([...s.forwardingRules.keys(), ...s.backendServices.keys(), ...s.healthChecks.keys()]).toEqual([]);
  expect([...s.negs.keys()]).toEqual([]);
  expect([...s.usedExternal]).toEqual([]);
}

/** The NLB, and the fake's own view of its backends, in a form comparable across worlds. */
function comparable(nlb: NLBInfo, fake: GceFake) {
  const bs = fake.state.backendServices.get(nlb.iid.nameId);
  return {
    nlb: { ...essence(nlb), iid: nlb.iid.nameId, ip: nlb.listener.ip },
    affinity: bs?.sessionAffinity,
    draining: bs?.connectionDraining,
    backends: ((bs?.backends ?? []) as { group: string }[]).map((b) => b.group.split('/').at(-1)).sort(),
    negs: [...fake.state.negs.entries()].map(([k, n]) => [k, [...n.endpoints.keys()].sort()]).sort(),
  };
}

describe('createNLB fault injection', async () => {
  const create = await recordSteps(
    async () => undefined,
    (w) => w.driver.createNLB(request(w, 'probe')),
  );

  it('records the expected write steps', () => {
    expect(create.filter((s) => s.write).map((s) => s.label.replace(/ #\d+$/, ''))).toEqual([
      'POST /projects/demo-project/regions/europe-west1/healthChecks',
      'POST /projects/demo-project/zones/europe-west1-b/networkEndpointGroups',
      'POST /projects/demo-project/zones/europe-west1-b/networkEndpointGroups/probe-neg-b/attachNetworkEndpoints',
      'POST /projects/demo-project/zones/europe-west1-c/networkEndpointGroups',
      'POST /projects/demo-project/zones/europe-west1-c/networkEndpointGroups/probe-neg-c/attachNetworkEndpoints',
      'POST /projects/demo-project/regions/europe-west1/backendServices',
      'POST /projects/demo-project/regions/europe-west1/forwardingRules',
    ]);
  });

  for (const step of create)
    for (const mode of modes(step))
      it(`a failure at ${step.label} (${mode}) leaves nothing`, async () => {
        world = await startGcpWorld();
        inject(world.fake, { ...step, path: new RegExp(step.path.source.replace('probe', 'web')) }, mode);
        const outcome = await world.driver.createNLB(request(world, 'web')).catch((e: unknown) => e);
        if (step.wait && !isNLBError(outcome)) {
          // A lost wait is waited again: the create went through, whole.
          expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms).toHaveLength(2);
          return;
        }
        expect(isNLBError(outcome) && outcome.code).toBe(expectedCode(mode));
        expectEmpty(world);
        expect(await world.driver.listNLB()).toEqual([]);
      });
});

/** Registers, for each recorded step of `change`, cases that fail it and expect the NLB unchanged. */
function unchangedOnFailure(title: string, change: (w: GcpWorld) => Promise<unknown>) {
  describe(`${title} fault injection`, async () => {
    let expected: unknown;
    const all = await recordSteps(
      (w) => w.driver.createNLB(request(w, 'web')),
      change,
      async (w) => {
        expected = comparable(await w.driver.getNLB({ nameId: 'web' }), w.fake);
      },
    );
    it('has write steps to fail', () => expect(all.some((s) => s.write)).toBe(true));
    for (const step of all)
      for (const mode of modes(step))
        it(`a failure at ${step.label} (${mode}) leaves the NLB as it was`, async () => {
          world = await startGcpWorld();
          const before = comparable(await world.driver.createNLB(request(world, 'web')), world.fake);
          inject(world.fake, step, mode);
          const error = await change(world).then(
            () => undefined,
            (e: unknown) => e,
          );
          const now = comparable(await world.driver.getNLB({ nameId: 'web' }), world.fake);
          if (step.wait && error === undefined) {
            expect(now).toEqual(expected);
            return;
          }
          expect(isNLBError(error) && error.code).toBe(expectedCode(mode));
          expect(now).toEqual(before);
        });
  });
}

unchangedOnFailure('changeVMGroupInfo (affinity, draining, VMs replaced)', (w) =>
  w.driver.changeVMGroupInfo(
    { nameId: 'web' },
    {
      protocol: 'TCP',
      port: 8080,
      hashFields: 'FIVE_TUPLE',
      drainTimeoutSec: 90,
      vms: [{ nameId: 'vm-2' }, { nameId: 'vm-3' }],
    },
  ),
);
const httpCheck: HealthCheckerInfo = {
  protocol: 'HTTP',
  port: 8081,
  interval: 20,
  timeout: 4,
  threshold: 2,
  httpPath: '/healthz',
  expectedCodes: '200',
};
unchangedOnFailure('changeHealthCheckerInfo (new type and port)', (w) =>
  w.driver.changeHealthCheckerInfo({ nameId: 'web' }, httpCheck),
);
unchangedOnFailure('addVMs (one into a new zone)', (w) =>
  w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }, { nameId: 'vm-4' }]),
);
unchangedOnFailure('removeVMs', (w) => w.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]));

describe('deleteNLB fault injection', async () => {
  const all = await recordSteps(
    (w) => w.driver.createNLB(request(w, 'web')),
    (w) => w.driver.deleteNLB({ nameId: 'web' }),
  );
  for (const step of all)
    for (const mode of modes(step))
      it(`a failure at ${step.label} (${mode}) is retried, or leaves parts a second delete removes`, async () => {
        world = await startGcpWorld();
        await world.driver.createNLB(request(world, 'web'));
        // Three times: more than the delete's own retries of a transient failure.
        inject(world.fake, step, mode, 3);
        const result = await world.driver.deleteNLB({ nameId: 'web' }).catch((e: unknown) => e);
        if (result !== true) {
          expect(isNLBError(result) && result.code).toBe(expectedCode(mode));
          world.fake.clearFaults();
          expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
        }
        expectEmpty(world);
        await expect(world.driver.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });
});
