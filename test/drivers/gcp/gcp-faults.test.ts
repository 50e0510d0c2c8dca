/**
 * All or nothing on GCP: a failure injected at every call of createNLB, of each change and of
 * deleteNLB ends in a typed error and leaves no resource behind (create), the NLB exactly as it was
 * (changes), or parts a second deleteNLB removes (delete). Writes also fail after being applied (an
 * answer lost on the way back) and as an operation that ends in an error. Step lists come from a clean
 * run, so a call added to the driver is covered without editing here.
 */
import { expect } from 'vitest';
import type { HealthCheckerInfo, NLBCreateRequest, NLBInfo } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import type { GceCall, GceFake } from '../../fakes/gcp/index.js';
import { describeFaultMatrix, expectDeleteFinishes, type StepRecorder } from '../fault-matrix.js';
import { type FaultStep, faultSteps } from '../fault-steps.js';
import { useSharedWorld } from '../shared-world.js';
import { type GcpWorld, startGcpWorld } from './gcp-world.js';

const shared = useSharedWorld(startGcpWorld);

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
const recorder: StepRecorder<GcpWorld, Step> = {
  count: (w) => w.fake.calls.length,
  since: (w, from) => steps(w.fake.calls.slice(from)),
};

type Mode = 'before' | 'afterApply' | 'operationError';
const modes = (s: Step): Mode[] => (s.write ? ['before', 'afterApply', 'operationError'] : ['before']);

function inject(fake: GceFake, step: Step, mode: string, times = 1) {
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

const expectedCode = (mode: string) => (mode === 'operationError' ? 'THROTTLED' : 'UNAVAILABLE');

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

/** Every resource an NLB is made of, the addresses in use, and `web` as read. */
async function cloud(w: GcpWorld) {
  const s = w.fake.state;
  return {
    resources: [...s.forwardingRules.keys(), ...s.backendServices.keys(), ...s.healthChecks.keys()],
    negs: [...s.negs.keys()],
    usedExternal: [...s.usedExternal],
    web: await w.driver.getNLB({ nameId: 'web' }).then(
      (nlb) => comparable(nlb, w.fake),
      (e: { code?: string }) => e.code,
    ),
  };
}

/** What every GCP matrix shares: one world, its steps, the failure modes of a write. */
const base = {
  world: shared,
  steps: recorder,
  modes,
  inject: (w: GcpWorld, step: Step, mode: string) => inject(w.fake, step, mode),
  code: expectedCode,
  cloud,
  // A lost wait is waited again: the operation may go through, whole.
  repeated: (s: Step) => s.wait,
};

/** Nothing of any NLB is left in the fake, and every address is free again. */
function expectEmpty(w: GcpWorld) {
  const s = w.fake.state;
  expect([...s.forwardingRules.keys(), ...s.backendServices.keys(), ...s.healthChecks.keys()]).toEqual([]);
  expect([...s.negs.keys()]).toEqual([]);
  expect([...s.usedExternal]).toEqual([]);
}

describeFaultMatrix({
  ...base,
  title: 'createNLB fault injection',
  run: (w) => w.driver.createNLB(request(w, 'web')),
  leaves: 'leaves nothing',
  expectSteps: (steps) =>
    expect(steps.filter((s) => s.write).map((s) => s.label.replace(/ #\d+$/, ''))).toEqual([
      'POST /projects/demo-project/regions/europe-west1/healthChecks',
      'POST /projects/demo-project/zones/europe-west1-b/networkEndpointGroups',
      'POST /projects/demo-project/zones/europe-west1-b/networkEndpointGroups/web-neg-b/attachNetworkEndpoints',
      'POST /projects/demo-project/zones/europe-west1-c/networkEndpointGroups',
      'POST /projects/demo-project/zones/europe-west1-c/networkEndpointGroups/web-neg-c/attachNetworkEndpoints',
      'POST /projects/demo-project/regions/europe-west1/backendServices',
      'POST /projects/demo-project/regions/europe-west1/forwardingRules',
    ]),
  after: async ({ world, outcome }) => {
    if (outcome.ok) expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms).toHaveLength(2);
    else {
      expectEmpty(world);
      expect(await world.driver.listNLB()).toEqual([]);
    }
  },
});

/** A matrix that fails each call of `change` and expects the NLB as it was. */
const describeChangeMatrix = (title: string, change: (w: GcpWorld) => Promise<unknown>) =>
  describeFaultMatrix({
    ...base,
    title: `${title} fault injection`,
    prepare: (w) => w.driver.createNLB(request(w, 'web')),
    run: change,
    leaves: 'leaves the NLB as it was',
    expectSteps: (steps) => expect(steps.some((s) => s.write)).toBe(true),
  });
describeChangeMatrix('changeVMGroupInfo (affinity, draining, VMs replaced)', (w) =>
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
describeChangeMatrix('changeHealthCheckerInfo (new type and port)', (w) =>
  w.driver.changeHealthCheckerInfo({ nameId: 'web' }, httpCheck),
);
describeChangeMatrix('addVMs (one into a new zone)', (w) =>
  w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }, { nameId: 'vm-4' }]),
);
describeChangeMatrix('removeVMs', (w) => w.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]));

describeFaultMatrix({
  ...base,
  title: 'deleteNLB fault injection',
  prepare: (w) => w.driver.createNLB(request(w, 'web')),
  run: (w) => w.driver.deleteNLB({ nameId: 'web' }),
  // Three times: more than the delete's own retries of a transient failure.
  inject: (w, step, mode) => inject(w.fake, step, mode, 3),
  leaves: 'is retried, or leaves parts a second delete removes',
  check: expectDeleteFinishes({ nameId: 'web' }, ({ world }) => world.fake.clearFaults()),
  after: async ({ world }) => {
    expectEmpty(world);
    await expect(world.driver.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  },
});
