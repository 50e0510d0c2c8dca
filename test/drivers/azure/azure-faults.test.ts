/**
 * All or nothing on Azure: a failure injected at every call of createNLB (PUBLIC: public IP, then the
 * load balancer; dual stack: both public IPs, or the private IPv6 frontend) leaves no resource behind,
 * also when the call was applied and only its answer failed;
 * a failure at every call of a change leaves the NLB as it was (a change is one PUT of the resource).
 * The step lists come from a clean run, so a new call in the driver is covered without editing here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import { failAt, recordArmSteps } from './arm-steps.js';
import { type AzureWorld, startAzureWorld } from './azure-world.js';

let world: AzureWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

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

const recordSteps = (
  prepare: (w: AzureWorld) => Promise<unknown>,
  run: (w: AzureWorld) => Promise<unknown>,
) => recordArmSteps(startAzureWorld, prepare, run);

const EXPECTED_WRITES: Record<string, string[]> = {
  PUBLIC: ['PUT publicIPAddresses/probe-nlbkit-ip', 'PUT loadBalancers/probe'],
  'PUBLIC dual-stack': [
    'PUT publicIPAddresses/probe-nlbkit-ip',
    'PUT publicIPAddresses/probe-nlbkit-ipv6',
    'PUT loadBalancers/probe',
  ],
  'INTERNAL dual-stack': ['PUT loadBalancers/probe'],
};

for (const shape of SHAPES)
  describe(`createNLB fault injection (${label(shape)})`, async () => {
    const create = await recordSteps(
      async () => undefined,
      (w) => w.driver.createNLB(request('probe', shape)),
    );

    it('records the expected write steps', () => {
      expect(create.filter((s) => s.write).map((s) => s.label.replace(/ #\d+$/, ''))).toEqual(
        EXPECTED_WRITES[label(shape)],
      );
    });

    for (const step of create)
      for (const afterApply of step.write ? [false, true] : [false])
        it(`a failure at ${step.label}${afterApply ? ' (after it was applied)' : ''} leaves nothing`, async () => {
          world = await startAzureWorld();
          const path = new RegExp(step.path.source.replace('probe', 'web'));
          world.fake.fail({
            method: step.method,
            path,
            skip: step.skip,
            status: 503,
            code: 'ServiceUnavailable',
            afterApply,
          });
          const error = await world.driver.createNLB(request('web', shape)).catch((e: unknown) => e);
          expect(isNLBError(error) && error.code).toBe('UNAVAILABLE');
          expect([...world.fake.state.lbs.keys()]).toEqual([]);
          expect([...world.fake.state.publicIps.keys()]).toEqual([]);
        });
  });

/** The pools as the fake holds them (both, for a dual-stack NLB). */
const pools = (w: AzureWorld) =>
  JSON.stringify(
    (w.fake.state.lbs.get('web')?.properties as { backendAddressPools?: unknown } | undefined)
      ?.backendAddressPools,
  );

function unchangedOnFailure(
  title: string,
  change: (w: AzureWorld) => Promise<unknown>,
  shape: Shape = { type: 'PUBLIC' },
) {
  describe(`${title} fault injection (${label(shape)})`, async () => {
    const all = await recordSteps((w) => w.driver.createNLB(request('web', shape)), change);
    it('has a write step', () => expect(all.some((s) => s.write)).toBe(true));
    for (const step of all)
      it(`a failure at ${step.label} leaves the NLB as it was`, async () => {
        world = await startAzureWorld();
        const before = await world.driver.createNLB(request('web', shape));
        const poolsBefore = pools(world);
        failAt(world, step);
        const error = await change(world).catch((e: unknown) => e);
        expect(isNLBError(error) && error.code).toBe('UNAVAILABLE');
        const after = await world.driver.getNLB({ nameId: 'web' });
        expect(essence(after)).toEqual(essence(before));
        expect(after.listener).toEqual(before.listener);
        expect(pools(world)).toEqual(poolsBefore);
      });
  });
}

unchangedOnFailure('changeVMGroupInfo', (w) =>
  w.driver.changeVMGroupInfo({ nameId: 'web' }, { protocol: 'TCP', port: 9090, vms: [{ nameId: 'vm-3' }] }),
);
unchangedOnFailure('changeHealthCheckerInfo', (w) =>
  w.driver.changeHealthCheckerInfo({ nameId: 'web' }, { protocol: 'TCP', interval: 30, threshold: 4 }),
);
unchangedOnFailure('addVMs', (w) => w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]));
unchangedOnFailure('removeVMs', (w) => w.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]));
unchangedOnFailure('addVMs', (w) => w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]), {
  type: 'PUBLIC',
  dual: true,
});
unchangedOnFailure(
  'changeListener',
  (w) => w.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 8443 }),
  { type: 'INTERNAL', dual: true },
);
unchangedOnFailure('changeListener', (w) =>
  w.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 8443 }),
);

for (const shape of SHAPES.filter((s) => s.type === 'PUBLIC'))
  describe(`deleteNLB fault injection (${label(shape)})`, async () => {
    const all = await recordSteps(
      (w) => w.driver.createNLB(request('web', shape)),
      (w) => w.driver.deleteNLB({ nameId: 'web' }),
    );
    for (const step of all)
      it(`a failure at ${step.label} leaves the NLB whole or nothing at all`, async () => {
        world = await startAzureWorld();
        await world.driver.createNLB(request('web', shape));
        failAt(world, step);
        const error = await world.driver.deleteNLB({ nameId: 'web' }).catch((e: unknown) => e);
        if (error !== true) {
          // Failed: the NLB is still there, whole, and a second delete finishes.
          expect(isNLBError(error) && error.code).toBe('UNAVAILABLE');
          expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms).toHaveLength(2);
          expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
        }
        expect(world.fake.state.lbs.size).toBe(0);
        expect(world.fake.state.publicIps.size).toBe(0);
      });
  });
