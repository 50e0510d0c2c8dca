/**
 * All or nothing on Azure: a failure injected at every call of createNLB (PUBLIC: public IP, then the
 * load balancer; dual stack: both public IPs, or the private IPv6 frontend) leaves no resource behind,
 * also when the call was applied and only its answer failed;
 * a failure at every call of a change leaves the NLB as it was (a change is one PUT of the resource).
 * The step lists come from a clean run, so a new call in the driver is covered without editing here.
 */
import { expect } from 'vitest';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import { describeFaultMatrix, expectDeleteFinishes } from '../fault-matrix.js';
import { useSharedWorld } from '../shared-world.js';
import { armRecorder, failAt } from './arm-steps.js';
import { type AzureWorld, startAzureWorld } from './azure-world.js';

const shared = useSharedWorld(startAzureWorld);

type Shape = { type: 'PUBLIC' | 'INTERNAL'; dual?: boolean };
const SHAPES: Shape[] = [
  { type: 'PUBLIC' },
  { type: 'PUBLIC', dual: true },
  { type: 'INTERNAL', dual: true },
];
const label = (s: Shape) => `${s.type}${s.dual ? ' dual-stack' : ''}`;

const request = (name: string, shape: Shape = { type: 'PUBLIC' }): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: { nameId: 'web-vnet' },
  type: shape.type,
  listener: { protocol: 'TCP', port: 80, ...(shape.dual ? { addressFamily: 'DUAL_STACK' as const } : {}) },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'HTTP', httpPath: '/healthz', interval: 10, threshold: 2 },
});

/** The fake's load balancers and public IPs, the NLB `web` as read (or the error code), and its pools as the fake holds them (both, for a dual-stack NLB). */
async function cloud(w: AzureWorld) {
  const web = await w.driver.getNLB({ nameId: 'web' }).then(
    (nlb) => ({ ...essence(nlb), listener: nlb.listener }),
    (e: { code?: string }) => e.code,
  );
  const pools = (w.fake.state.lbs.get('web')?.properties as { backendAddressPools?: unknown } | undefined)
    ?.backendAddressPools;
  return {
    lbs: [...w.fake.state.lbs.keys()],
    publicIps: [...w.fake.state.publicIps.keys()],
    web,
    pools: JSON.stringify(pools),
  };
}

/** What every Azure matrix shares: one world, ARM steps, a failure is UNAVAILABLE. */
const base = { world: shared, steps: armRecorder, cloud, code: () => 'UNAVAILABLE' };

const EXPECTED_WRITES: Record<string, string[]> = {
  PUBLIC: ['PUT publicIPAddresses/web-nlbkit-ip', 'PUT loadBalancers/web'],
  'PUBLIC dual-stack': [
    'PUT publicIPAddresses/web-nlbkit-ip',
    'PUT publicIPAddresses/web-nlbkit-ipv6',
    'PUT loadBalancers/web',
  ],
  'INTERNAL dual-stack': ['PUT loadBalancers/web'],
};

const APPLIED = 'after it was applied';

for (const shape of SHAPES)
  describeFaultMatrix({
    ...base,
    title: `createNLB fault injection (${label(shape)})`,
    run: (w) => w.driver.createNLB(request('web', shape)),
    modes: (step) => (step.write ? ['', APPLIED] : ['']),
    inject: (w, step, mode) =>
      w.fake.fail({
        method: step.method,
        path: step.path,
        skip: step.skip,
        status: 503,
        code: 'ServiceUnavailable',
        afterApply: mode === APPLIED,
      }),
    leaves: 'leaves nothing',
    expectSteps: (steps) =>
      expect(steps.filter((s) => s.write).map((s) => s.label.replace(/ #\d+$/, ''))).toEqual(
        EXPECTED_WRITES[label(shape)],
      ),
    after: async ({ world }) => {
      expect([...world.fake.state.lbs.keys()]).toEqual([]);
      expect([...world.fake.state.publicIps.keys()]).toEqual([]);
    },
  });

/** A matrix that fails each call of `change` on an NLB of `shape` and expects it as it was. */
const describeChangeMatrix = (
  title: string,
  change: (w: AzureWorld) => Promise<unknown>,
  shape: Shape = { type: 'PUBLIC' },
) =>
  describeFaultMatrix({
    ...base,
    title: `${title} fault injection (${label(shape)})`,
    prepare: (w) => w.driver.createNLB(request('web', shape)),
    run: change,
    inject: failAt,
    leaves: 'leaves the NLB as it was',
    expectSteps: (steps) => expect(steps.some((s) => s.write)).toBe(true),
  });

describeChangeMatrix('changeVMGroupInfo', (w) =>
  w.driver.changeVMGroupInfo({ nameId: 'web' }, { protocol: 'TCP', port: 9090, vms: [{ nameId: 'vm-3' }] }),
);
describeChangeMatrix('changeHealthCheckerInfo', (w) =>
  w.driver.changeHealthCheckerInfo({ nameId: 'web' }, { protocol: 'TCP', interval: 30, threshold: 4 }),
);
describeChangeMatrix('addVMs', (w) => w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]));
describeChangeMatrix('removeVMs', (w) => w.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]));
describeChangeMatrix('addVMs', (w) => w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]), {
  type: 'PUBLIC',
  dual: true,
});
describeChangeMatrix(
  'changeListener',
  (w) => w.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 8443 }),
  { type: 'INTERNAL', dual: true },
);
describeChangeMatrix('changeListener', (w) =>
  w.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 8443 }),
);

for (const shape of SHAPES.filter((s) => s.type === 'PUBLIC'))
  describeFaultMatrix({
    ...base,
    title: `deleteNLB fault injection (${label(shape)})`,
    prepare: (w) => w.driver.createNLB(request('web', shape)),
    run: (w) => w.driver.deleteNLB({ nameId: 'web' }),
    inject: failAt,
    leaves: 'leaves the NLB whole or nothing at all',
    // Failed: the NLB is still there, whole, and a second delete finishes.
    check: expectDeleteFinishes({ nameId: 'web' }, async ({ world }) => {
      expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms).toHaveLength(2);
    }),
    after: async ({ world }) => {
      expect(world.fake.state.lbs.size).toBe(0);
      expect(world.fake.state.publicIps.size).toBe(0);
    },
  });
