/**
 * adoptNLB and releaseNLB on Azure, through the real SDK to the fake: a failure injected at every call
 * of a clean run ends in a typed error and leaves the load balancer and public IPs exactly as before
 * (tags and backend address names); what adoption refuses, and what deleteNLB leaves of an adopted one.
 */
import type { LoadBalancer } from '@azure/arm-network';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFaultMatrix } from '../fault-matrix.js';
import { useSharedWorld } from '../shared-world.js';
import { armRecorder, failAt } from './arm-steps.js';
import { azureForeign } from './azure-foreign.js';
import { type AzureWorld, sdkClient, startAzureWorld } from './azure-world.js';

let world: AzureWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A world with a foreign load balancer `web` over vm-1 and vm-2 (its addresses named addr1, addr2). */
async function withForeign(): Promise<{ w: AzureWorld; id: string }> {
  const w = await startAzureWorld();
  const id = await azureForeign(w.fake, 'web-vnet').create('web', w.vms.slice(0, 2));
  return { w, id };
}
const webId = (w: AzureWorld) => w.fake.state.lbs.get('web')?.id as string;
const adopt = (w: AzureWorld) => w.driver.adoptNLB(webId(w), { nameId: 'web' });
const release = (w: AzureWorld) => w.driver.releaseNLB({ nameId: 'web' });

/** What adoption and release may change: every resource's tags, and the backend addresses' names. */
function marks(w: AzureWorld) {
  const tags = (r: Record<string, unknown>) => Object.keys((r.tags ?? {}) as object).sort();
  const names = (lb: Record<string, unknown>) => JSON.stringify(lb.properties).match(/"name":"[^"]+"/g);
  return {
    lbs: [...w.fake.state.lbs.values()].map((lb) => [lb.name, tags(lb), names(lb)]),
    ips: [...w.fake.state.publicIps.values()].map((ip) => [ip.name, tags(ip)]),
  };
}

/** nlbkit's tag keys on every load balancer and public IP. */
const nlbkitTags = (w: AzureWorld) =>
  [...w.fake.state.lbs.values(), ...w.fake.state.publicIps.values()].flatMap((r) =>
    Object.keys((r.tags ?? {}) as object).filter((k) => k.startsWith('nlbkit-')),
  );

const shared = useSharedWorld(startAzureWorld);

/** What adoption and release may change, and which NLBs nlbkit lists. */
const cloud = async (w: AzureWorld) => ({
  marks: marks(w),
  listed: (await w.driver.listIID()).map((i) => i.nameId),
});

/** What the matrices share: one world, ARM steps, each failing with a 500. */
const base = {
  world: shared,
  steps: armRecorder,
  inject: failAt,
  cloud,
  code: () => 'UNAVAILABLE',
};

describeFaultMatrix({
  ...base,
  title: 'adoptNLB fault injection',
  prepare: async (w) => {
    await azureForeign(w.fake, 'web-vnet').create('web', w.vms.slice(0, 2));
  },
  run: adopt,
  leaves: '-> typed error, no mark left, not listed',
  expectSteps: (steps) =>
    expect(steps.filter((s) => s.write).map((s) => s.label)).toEqual(['PUT loadBalancers/web #1']),
  after: async ({ before }) => expect(before.listed).toEqual([]),
});

/** An NLB `web` that releaseNLB lets go of: an adopted foreign one, or one nlbkit created. */
const managed = async (w: AzureWorld, made: 'adopted' | 'created') => {
  if (made === 'adopted') {
    await azureForeign(w.fake, 'web-vnet').create('web', w.vms.slice(0, 2));
    await adopt(w);
  } else
    await w.driver.createNLB({
      iid: { nameId: 'web' },
      vpcIID: { nameId: 'web-vnet' },
      type: 'PUBLIC',
      listener: { protocol: 'TCP', port: 80, addressFamily: 'DUAL_STACK' },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }] },
      healthChecker: { protocol: 'TCP' },
    });
};

for (const made of ['adopted', 'created'] as const) {
  describeFaultMatrix({
    ...base,
    title: `releaseNLB fault injection (${made})`,
    prepare: (w) => managed(w, made),
    run: release,
    leaves: '-> typed error, still managed with every mark',
    expectSteps: (steps) =>
      expect(steps.filter((s) => s.write).map((s) => s.label.replace(/ #\d+$/, ''))).toEqual(
        made === 'adopted'
          ? ['PUT loadBalancers/web']
          : [
              'PUT loadBalancers/web',
              'PUT publicIPAddresses/web-nlbkit-ip',
              'PUT publicIPAddresses/web-nlbkit-ipv6',
            ],
      ),
    after: async ({ before }) => expect(before.listed).toEqual(['web']),
  });

  describe(`releaseNLB (${made})`, () => {
    it('a clean release leaves every resource and no nlbkit tag', async () => {
      const w = await shared();
      await managed(w, made);
      const counts = [w.fake.state.lbs.size, w.fake.state.publicIps.size];
      expect(await release(w)).toBe(true);
      expect([w.fake.state.lbs.size, w.fake.state.publicIps.size]).toEqual(counts);
      expect(nlbkitTags(w)).toEqual([]);
      // Nothing of it is deleteNLB's any more: not the load balancer, not its public IPs.
      await expect(w.driver.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect([w.fake.state.lbs.size, w.fake.state.publicIps.size]).toEqual(counts);
    });
  });
}

describe('adoptNLB: what it takes and what it refuses', () => {
  it('names backend addresses after their VMs; deleteNLB deletes the load balancer, not its public IP', async () => {
    ({ w: world } = await withForeign());
    const nlb = await adopt(world);
    expect(nlb.vmGroup.vms.map((v) => v.nameId)).toEqual(['vm-1', 'vm-2']);
    expect(nlb).toMatchObject({
      type: 'PUBLIC',
      listener: { protocol: 'TCP', port: 80 },
      vpcIID: { nameId: 'web-vnet' },
    });
    expect(nlb.healthChecker).toMatchObject({ protocol: 'TCP', port: 8080, interval: 15, threshold: 2 });
    await world.driver.changeHealthCheckerInfo(
      { nameId: 'web' },
      { protocol: 'TCP', interval: 30, threshold: 3 },
    );
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.state.lbs.size).toBe(0);
    expect([...world.fake.state.publicIps.keys()]).toEqual(['web-pip']);
  });

  it('NOT_FOUND for an id that is no load balancer here, INVALID_ARGUMENT for another name, ALREADY_EXISTS when tagged', async () => {
    let id: string;
    ({ w: world, id } = await withForeign());
    await expect(world.driver.adoptNLB(id.replace(/web$/, 'nope'), { nameId: 'nope' })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    await expect(
      world.driver.adoptNLB(id.replace('nlbkit-rg', 'other-rg'), { nameId: 'web' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(world.driver.adoptNLB(id, { nameId: 'other' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/'web'/),
    });
    expect(nlbkitTags(world)).toEqual([]);
    // One that carries nlbkit's tag under another name (another nlbkit's, or a half-done edit) is not taken.
    (world.fake.state.lbs.get('web') as { tags: Record<string, string> }).tags = { 'nlbkit-nlb': 'other' };
    await expect(world.driver.adoptNLB(id, { nameId: 'web' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(nlbkitTags(world)).toEqual(['nlbkit-nlb']);
  });

  it('UNSUPPORTED, naming what does not fit: a NIC-based pool, floating IP', async () => {
    ({ w: world } = await withForeign());
    const client = sdkClient(world.fake);
    const rg = world.fake.resourceGroup;
    const refusal = () => world?.driver.adoptNLB(webId(world), { nameId: 'web' }).catch((e: unknown) => e);
    // A NIC-based pool as ARM shows one (read-only ip configurations), set in the fake's store.
    type StoredPool = {
      properties: { loadBalancerBackendAddresses?: unknown[]; backendIPConfigurations?: unknown[] };
    };
    const stored = world.fake.state.lbs.get('web') as { properties: { backendAddressPools: StoredPool[] } };
    const pool = stored.properties.backendAddressPools[0] as StoredPool;
    const addresses = pool.properties.loadBalancerBackendAddresses;
    pool.properties.loadBalancerBackendAddresses = [];
    pool.properties.backendIPConfigurations = [
      { id: `${world.fake.state.nics[0]?.id}/ipConfigurations/ipconfig1` },
    ];
    expect(await refusal()).toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/NIC ip configurations/),
    });
    delete pool.properties.backendIPConfigurations;
    pool.properties.loadBalancerBackendAddresses = addresses;
    const lb: LoadBalancer = await client.loadBalancers.get(rg, 'web');
    for (const r of lb.loadBalancingRules ?? []) r.enableFloatingIP = true;
    await client.loadBalancers.beginCreateOrUpdateAndWait(rg, 'web', lb);
    expect(await refusal()).toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/floating IP/),
    });
    expect(nlbkitTags(world)).toEqual([]);
    expect(await world.driver.listIID()).toEqual([]);
  });
});
