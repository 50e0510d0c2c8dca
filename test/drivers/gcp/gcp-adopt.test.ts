/**
 * adoptNLB and releaseNLB on GCP, against the Compute Engine fake through the real SDK: a failure at
 * every call of a clean run (writes also after being applied, and as an operation ending in an error)
 * leaves the forwarding rule's labels exactly as before; the shapes nlbkit cannot manage are refused
 * before anything is marked; an adopted NLB is deleted through its references.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GceCall, GceFake } from '../../fakes/gcp/index.js';
import { describeFaultMatrix, type StepRecorder } from '../fault-matrix.js';
import { faultSteps } from '../fault-steps.js';
import { useSharedWorld } from '../shared-world.js';
import { gcpForeign } from './gcp-foreign.js';
import { type GcpWorld, startGcpWorld } from './gcp-world.js';

let world: GcpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The foreign NLB `web` (over vm-1 and vm-2, two zones) in `w`; its forwarding rule's id. */
const makeForeign = (w: GcpWorld) => gcpForeign(w.fake).create('web', w.vms.slice(0, 2));
const ruleId = (w: GcpWorld) => String(w.fake.state.forwardingRules.get('web')?.id);
const labelsOf = (fake: GceFake) => fake.state.forwardingRules.get('web')?.labels;
const adopt = (w: GcpWorld) => w.driver.adoptNLB(ruleId(w), { nameId: 'web' });
const release = (w: GcpWorld) => w.driver.releaseNLB({ nameId: 'web' });

/** Each call as a place to fail: setLabels is the one write, waits are repeated by the driver. */
const toSteps = (calls: GceCall[]) =>
  faultSteps(calls.map((c) => ({ method: c.method, shape: c.path.replace(/operation-\d+/, '{id}') }))).map(
    (s) => ({ ...s, write: s.shape.endsWith('/setLabels'), wait: s.shape.endsWith('/wait') }),
  );
type Step = ReturnType<typeof toSteps>[number];
type Mode = 'before' | 'afterApply' | 'operationError';
/** The code an operation ending in an error the driver does not know (the fake's INJECTED) maps to. */
const OPERATION_ERROR_CODE = 'INVALID_ARGUMENT';
const modes = (s: Step): Mode[] => (s.write ? ['before', 'afterApply', 'operationError'] : ['before']);

const shared = useSharedWorld(startGcpWorld);
const recorder: StepRecorder<GcpWorld, Step> = {
  count: (w) => w.fake.calls.length,
  since: (w, from) => toSteps(w.fake.calls.slice(from)),
};

/** The forwarding rule's labels and the NLBs nlbkit lists. */
const cloud = async (w: GcpWorld) => ({
  labels: labelsOf(w.fake),
  listed: (await w.driver.listIID()).map((i) => i.nameId),
});

/** What both matrices share: one world, each call failed in each of its modes; a lost wait is waited again. */
const base = {
  world: shared,
  steps: recorder,
  modes,
  inject: (w: GcpWorld, step: Step, mode: string) => inject(w.fake, step, mode as Mode),
  cloud,
  code: (mode: string) => (mode === 'operationError' ? OPERATION_ERROR_CODE : 'UNAVAILABLE'),
  repeated: (step: Step) => step.wait,
};

function inject(fake: GceFake, step: Step, mode: Mode) {
  fake.fail({
    method: step.method,
    path: step.path,
    skip: step.skip,
    status: 503,
    afterApply: mode === 'afterApply',
    operationError: mode === 'operationError',
  });
}

describeFaultMatrix({
  ...base,
  title: 'adoptNLB fault injection',
  prepare: async (w) => {
    await makeForeign(w);
  },
  run: adopt,
  leaves: 'leaves the labels as they were',
  expectSteps: (all) =>
    // Marks the forwarding rule with one setLabels, and writes nothing else.
    expect(
      all
        .filter((s) => s.method !== 'GET' && !s.wait && !s.shape.endsWith('/listNetworkEndpoints'))
        .map((s) => s.label),
    ).toEqual(['POST /projects/demo-project/regions/europe-west1/forwardingRules/web/setLabels #1']),
  after: async ({ before }) => expect(before).toEqual({ labels: { team: 'web' }, listed: [] }),
});

describeFaultMatrix({
  ...base,
  title: 'releaseNLB fault injection',
  prepare: async (w) => {
    await makeForeign(w);
    await adopt(w);
  },
  run: release,
  leaves: 'leaves it adopted',
  after: async ({ before }) =>
    expect(before).toEqual({
      labels: { team: 'web', 'nlbkit-nlb': 'web', 'nlbkit-vpc': 'web-net' },
      listed: ['web'],
    }),
});

describe('adoptNLB on GCP', () => {
  it('keeps the parts as they were: names, descriptions, the rule other labels; release removes only its labels', async () => {
    world = await startGcpWorld();
    await makeForeign(world);
    const s = world.fake.state;
    const before = JSON.stringify([...s.backendServices.values(), ...s.healthChecks.values()]);
    const nlb = await adopt(world);
    expect(nlb.vmGroup.cspId).toMatch(/\/backendServices\/web-service$/);
    expect(nlb.keyValueList).toContainEqual({ key: 'adopted', value: 'true' });
    expect(nlb.vpcIID.nameId).toBe('web-net');
    expect(JSON.stringify([...s.backendServices.values(), ...s.healthChecks.values()])).toBe(before);
    expect(s.forwardingRules.get('web')?.description).toBe('by hand');
    // Changes reach the adopted parts by their own names; the health check keeps its description.
    await world.driver.changeHealthCheckerInfo(
      { nameId: 'web' },
      { protocol: 'TCP', port: 81, interval: 7, timeout: 3 },
    );
    expect(s.healthChecks.get('web-check')).toMatchObject({ description: 'by hand', checkIntervalSec: 7 });
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-1' }]);
    expect((await world.driver.getVMGroupHealthInfo({ nameId: 'web' })).allVMs.map((v) => v.nameId)).toEqual([
      'vm-2',
    ]);
    expect(await release(world)).toBe(true);
    expect(labelsOf(world.fake)).toEqual({ team: 'web' });
    expect([...s.backendServices.keys(), ...s.healthChecks.keys()]).toEqual(['web-service', 'web-check']);
  });

  it('deleteNLB of an adopted NLB deletes its parts through the references', async () => {
    world = await startGcpWorld();
    await makeForeign(world);
    await adopt(world);
    await world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]);
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    const s = world.fake.state;
    expect([...s.forwardingRules.keys(), ...s.backendServices.keys(), ...s.healthChecks.keys()]).toEqual([]);
    expect([...s.negs.keys()]).toEqual([]);
  });

  it('refuses instance-group backends, a shared backend service, another name, an unknown id; marks nothing', async () => {
    world = await startGcpWorld();
    const foreign = gcpForeign(world.fake);
    const ig = await foreign.createWith('legacy', world.vms.slice(0, 1), 'plain', 'instance-groups');
    await expect(world.driver.adoptNLB(ig, { nameId: 'legacy' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/instance groups \(legacy-pool-b\).*GCE_VM_IP/),
    });
    const id = await makeForeign(world);
    await expect(world.driver.adoptNLB(id, { nameId: 'other' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/'web'/),
    });
    await expect(world.driver.adoptNLB('12345', { nameId: 'web' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // A second listener: another forwarding rule to the same backend service.
    const rule = world.fake.state.forwardingRules.get('web') as Record<string, unknown>;
    world.fake.state.forwardingRules.set('web-tls', { ...rule, name: 'web-tls', id: '1', ports: ['443'] });
    await expect(adopt(world)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/forwarding rule 'web-tls' \(another listener\)/),
    });
    expect([...world.fake.state.forwardingRules.values()].map((r) => r.labels)).toEqual([
      { team: 'web' },
      { team: 'web' },
      { team: 'web' },
    ]);
    expect(await world.driver.listIID()).toEqual([]);
  });

  it('releaseNLB refuses an NLB nlbkit made (its marker cannot be removed), and changes nothing', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB({
      iid: { nameId: 'own' },
      vpcIID: world.vpcIID,
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 80, vms: [{ nameId: 'vm-1' }] },
      healthChecker: { protocol: 'TCP' },
    });
    await expect(world.driver.releaseNLB({ nameId: 'own' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/only an adopted NLB can be released/),
    });
    expect((await world.driver.listIID()).map((i) => i.nameId)).toEqual(['own']);
  });
});

describe('the Compute Engine fake, as GCE', () => {
  it('setLabels wants the current label fingerprint; a forwarding rule description never changes', async () => {
    world = await startGcpWorld();
    await makeForeign(world);
    const { ForwardingRulesClient } = await import('@google-cloud/compute');
    const { fakeAuthClient } = await import('./gcp-world.js');
    const rules = new ForwardingRulesClient({
      apiEndpoint: '127.0.0.1',
      port: world.fake.port,
      protocol: 'http',
      fallback: true,
      authClient: fakeAuthClient(world.fake),
    } as unknown as ConstructorParameters<typeof ForwardingRulesClient>[0]);
    const at = { project: world.fake.project, region: world.fake.region };
    const [fr] = await rules.get({ ...at, forwardingRule: 'web' });
    const set = (labelFingerprint?: string | null) =>
      rules.setLabels({
        ...at,
        resource: 'web',
        regionSetLabelsRequestResource: { labels: { a: 'b' }, labelFingerprint },
      });
    await expect(set('stale')).rejects.toMatchObject({ code: 412 });
    await expect(set(undefined)).rejects.toMatchObject({ code: 412 });
    await set(fr.labelFingerprint);
    await expect(set(fr.labelFingerprint)).rejects.toMatchObject({ code: 412 });
    await expect(
      rules.patch({ ...at, forwardingRule: 'web', forwardingRuleResource: { description: 'new' } }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/description/) });
    expect(world.fake.state.forwardingRules.get('web')).toMatchObject({
      description: 'by hand',
      labels: { a: 'b' },
    });
  });
});
