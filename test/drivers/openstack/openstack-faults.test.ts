/**
 * All or nothing on OpenStack: a failure injected at every call of createNLB (PUBLIC, so the floating
 * IP too), changeVMGroupInfo, changeHealthCheckerInfo and changeListener ends in a typed error and
 * leaves no resource behind (create) or the NLB exactly as it was (changes). The step lists come from
 * a clean run, so a call added to the driver is covered without editing here. Writes are also failed
 * after being applied (an answer lost on the way back).
 */
import { describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { HealthCheckerInfo, NLBCreateRequest, NLBInfo } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import type { RecordedCall } from '../../fakes/openstack/index.js';
import { describeFaultMatrix, expectDeleteFinishes, type StepRecorder } from '../fault-matrix.js';
import { type FaultStep, faultSteps, idsAsWildcards } from '../fault-steps.js';
import { useSharedWorld } from '../shared-world.js';
import { APPLIED, fail503 } from './openstack-steps.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

const shared = useSharedWorld(startOpenStackWorld);

const request = (w: OpenStackWorld, name: string, drainTimeoutSec?: number): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: { nameId: w.vpcIID.nameId },
  type: 'PUBLIC',
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: {
    protocol: 'TCP',
    port: 8080,
    vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2', weight: 5 }],
    ...(drainTimeoutSec === undefined ? {} : { drainTimeoutSec }),
  },
  healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
});

/** A step, and whether it is a write and a status poll (a GET of the load balancer by id, which the
 * driver polls again, so the call may succeed). */
interface Step extends FaultStep {
  write: boolean;
  poll: boolean;
}
const steps = (calls: RecordedCall[]): Step[] =>
  faultSteps(calls.map((c) => ({ method: c.method, shape: idsAsWildcards(c.path) }))).map((s, i) => ({
    ...s,
    label: `${calls[i]?.service} ${s.label}`,
    write: s.method !== 'GET' && calls[i]?.service !== 'identity',
    poll: s.method === 'GET' && /^\/v2\/lbaas\/loadbalancers\/\{id\}$/.test(s.shape),
  }));

const recorder: StepRecorder<OpenStackWorld, Step> = {
  count: (w) => w.fake.calls.length,
  since: (w, from) => steps(w.fake.calls.slice(from)),
};

/** An NLB in a form comparable across worlds (ids differ; names, ports, addresses do not). */
const comparable = (nlb: NLBInfo) => ({ ...essence(nlb), iid: nlb.iid.nameId });

/** The fake holds nothing but the world's own servers and networks. */
function expectEmpty(w: OpenStackWorld) {
  expect(w.fake.state.lbs).toEqual([]);
  expect(w.fake.state.floatingIps).toEqual([]);
  expect(w.fake.state.ports.map((p) => p.deviceId).sort()).toEqual(w.vms.map((vm) => vm.systemId).sort());
}

/**
 * The pool's members in the fake, without their ids (a restoring batch makes new ones) and with the
 * world's subnet and VM ids as names (they are new after a reset).
 */
function membersIn(w: OpenStackWorld) {
  const subnets = new Map(
    w.fake.state.networks.flatMap((n) => n.subnets.map((s, i) => [s.id, `${n.name}/${i}`] as const)),
  );
  const vms = new Map(w.vms.map((vm) => [`nlbkit:vm=${vm.systemId}`, `nlbkit:vm=${vm.nameId}`]));
  return (w.fake.state.lbs[0]?.pools[0]?.members ?? [])
    .map(({ id, ...m }) => ({
      ...m,
      subnet_id: subnets.get(m.subnet_id) ?? m.subnet_id,
      tags: m.tags.map((t) => vms.get(t) ?? t),
    }))
    .sort((a, b) => `${a.name}:${a.protocol_port}`.localeCompare(`${b.name}:${b.protocol_port}`));
}

/**
 * How many load balancers, floating IPs and ports not of a VM the fake holds, every member as it is
 * (port, monitor port, weight, drain tags), and `web` as read (drain timeout and VIP included).
 */
async function cloud(w: OpenStackWorld) {
  const vmIds = new Set(w.vms.map((vm) => vm.systemId));
  const s = w.fake.state;
  return {
    lbs: s.lbs.length,
    floatingIps: s.floatingIps.length,
    otherPorts: s.ports.filter((p) => !vmIds.has(p.deviceId)).length,
    members: membersIn(w),
    web: await w.driver.getNLB({ nameId: 'web' }).then(
      (nlb) => ({ ...comparable(nlb), drain: nlb.vmGroup.drainTimeoutSec, ip: nlb.listener.ip }),
      (e: { code?: string }) => e.code,
    ),
  };
}

type Cloud = Awaited<ReturnType<typeof cloud>>;

/** What every OpenStack matrix shares: one world, its steps; a failure is UNAVAILABLE. */
const base = {
  world: shared,
  steps: recorder,
  cloud,
  code: () => 'UNAVAILABLE',
  // A lost status read is polled again: the operation may go through, exactly as in a clean run
  // but for when a drain ends (counted from when it started).
  repeated: (s: Step) => s.poll,
  likeClean: (c: Cloud) =>
    JSON.parse(JSON.stringify(c).replace(/nlbkit:drain-until=[^"]+/g, 'nlbkit:drain-until=…')),
};

describeFaultMatrix({
  ...base,
  title: 'createNLB fault injection',
  run: (w) => w.driver.createNLB(request(w, 'web')),
  modes: (step) => (step.write ? ['', APPLIED] : ['']),
  inject: fail503,
  leaves: 'leaves nothing',
  expectSteps: (steps) =>
    expect(steps.filter((s) => s.write).map((s) => s.label.replace(/ #\d+$/, ''))).toEqual([
      'load-balancer POST /v2/lbaas/loadbalancers',
      'load-balancer POST /v2/lbaas/pools',
      'load-balancer POST /v2/lbaas/healthmonitors',
      'load-balancer PUT /v2/lbaas/pools/{id}/members',
      'load-balancer POST /v2/lbaas/listeners',
      'network POST /v2.0/floatingips',
    ]),
  after: async ({ world, outcome }) => {
    if (outcome.ok) expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms).toHaveLength(2);
    else {
      expectEmpty(world);
      expect(await world.driver.listNLB()).toEqual([]);
    }
  },
});

describe('createNLB before it has a token', () => {
  // The matrix reads the cloud before each case, and so holds a token by then.
  it('a failure at identity POST /v3/auth/tokens leaves nothing', async () => {
    const world = await shared();
    world.fake.fail({ method: 'POST', path: /^\/v3\/auth\/tokens$/, status: 503 });
    const outcome = await world.driver.createNLB(request(world, 'web')).catch((e: unknown) => e);
    expect(isNLBError(outcome) && outcome.code).toBe('UNAVAILABLE');
    expectEmpty(world);
    expect(await world.driver.listNLB()).toEqual([]);
  });
});

/** A 500 at the step's call. */
const failAt = (w: OpenStackWorld, step: Step) =>
  w.fake.fail({ method: step.method, path: step.path, skip: step.skip, status: 500 });

/**
 * A matrix that fails each call of `change` and expects the NLB as it was.
 * `prepare` makes the NLB (default: created without draining).
 */
const describeChangeMatrix = (
  title: string,
  change: (w: OpenStackWorld) => Promise<unknown>,
  prepare: (w: OpenStackWorld) => Promise<unknown> = (w) => w.driver.createNLB(request(w, 'web')),
) =>
  describeFaultMatrix({
    ...base,
    title: `${title} fault injection`,
    prepare,
    run: change,
    inject: failAt,
    leaves: 'leaves the NLB as it was',
    expectSteps: (steps) => expect(steps.some((s) => s.write)).toBe(true),
  });

describeChangeMatrix('changeVMGroupInfo', (w) =>
  w.driver.changeVMGroupInfo(
    { nameId: 'web' },
    { protocol: 'TCP', port: 9090, algorithm: 'SOURCE_HASH', vms: [{ nameId: 'vm-3' }, { nameId: 'vm-4' }] },
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
describeChangeMatrix('addVMs', (w) => w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]));
describeChangeMatrix('removeVMs', (w) => w.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]));
describeChangeMatrix('changeListener', (w) =>
  w.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 8443 }),
);

// Draining (a drain timeout set): removed VMs go to weight 0, re-added ones come back.
const withDrain = (w: OpenStackWorld) => w.driver.createNLB(request(w, 'web', 600));
describeChangeMatrix(
  'removeVMs (draining)',
  (w) => w.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]),
  withDrain,
);
describeChangeMatrix(
  'addVMs of a draining VM',
  (w) => w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }, { nameId: 'vm-3' }]),
  async (w) => {
    await withDrain(w);
    await w.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
  },
);
describeChangeMatrix(
  'changeVMGroupInfo (draining, new timeout)',
  (w) =>
    w.driver.changeVMGroupInfo(
      { nameId: 'web' },
      { protocol: 'TCP', port: 8080, drainTimeoutSec: 300, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-3' }] },
    ),
  withDrain,
);

describeFaultMatrix({
  ...base,
  title: 'deleteNLB fault injection',
  prepare: (w) => w.driver.createNLB(request(w, 'web')),
  run: (w) => w.driver.deleteNLB({ nameId: 'web' }),
  inject: failAt,
  leaves: 'leaves an NLB a second delete removes, or nothing',
  check: expectDeleteFinishes({ nameId: 'web' }),
  after: async ({ world, step, outcome }) => {
    if (step.write) expect(outcome.ok && outcome.value === true).toBe(false);
    expectEmpty(world);
  },
});
