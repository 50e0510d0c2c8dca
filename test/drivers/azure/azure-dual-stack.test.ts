/**
 * Dual stack on Azure, through the real SDK to the fake: what the driver makes for a DUAL_STACK
 * listener (an IPv6 frontend, pool and rule beside the IPv4 ones), what it refuses before any write,
 * and the fake holding Azure's IP-version rules against any client (Azure's error codes).
 */
import type { LoadBalancer } from '@azure/arm-network';
import { afterEach, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { type AzureWorld, sdkClient, startAzureWorld } from './azure-world.js';

let world: AzureWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const dual = (over: Partial<NLBCreateRequest> = {}): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: { nameId: 'web-vnet' },
  type: 'PUBLIC',
  listener: { protocol: 'TCP', port: 80, addressFamily: 'DUAL_STACK' },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP' },
  ...over,
});
type Part = { name: string; properties: Record<string, unknown> };
const lbParts = (w: AzureWorld, kind: string) =>
  (w.fake.state.lbs.get('web')?.properties as Record<string, Part[]> | undefined)?.[kind] ?? [];
const parts = (w: AzureWorld, kind: string) => lbParts(w, kind).map((p) => p.name);
const poolIps = (w: AzureWorld, pool: string) => {
  const pools = lbParts(w, 'backendAddressPools');
  const p = pools.find((x) => x.name === pool);
  return ((p?.properties.loadBalancerBackendAddresses ?? []) as Part[]).map((a) => a.properties.ipAddress);
};
const writes = (w: AzureWorld) => w.fake.calls.filter((c) => c.method !== 'GET');

describe('Azure dual stack: what the driver makes', () => {
  it('PUBLIC: a Standard static IPv6 public IP, an IPv6 frontend, pool of the NICs’ IPv6 addresses and rule', async () => {
    world = await startAzureWorld();
    const nlb = await world.driver.createNLB(dual());
    const ip6 = world.fake.state.publicIps.get('web-nlbkit-ipv6') as {
      sku: { name: string };
      properties: { ipAddress: string; publicIPAddressVersion: string; publicIPAllocationMethod: string };
    };
    expect(ip6.sku.name).toBe('Standard');
    expect(ip6.properties).toMatchObject({
      publicIPAddressVersion: 'IPv6',
      publicIPAllocationMethod: 'Static',
    });
    expect(nlb.listener).toMatchObject({ addressFamily: 'DUAL_STACK', ipv6: ip6.properties.ipAddress });
    expect(nlb.listener.ip).toMatch(/^20\.0\.0\.\d+$/);
    expect(parts(world, 'frontendIPConfigurations')).toEqual(['frontend', 'frontend-v6']);
    expect(parts(world, 'loadBalancingRules')).toEqual(['rule', 'rule-v6']);
    expect(parts(world, 'probes')).toEqual(['probe']);
    const nic6 = (vm: string) => world?.fake.state.nics.find((n) => n.vmId.endsWith(`/${vm}`))?.ip6;
    expect(poolIps(world, 'pool-v6')).toEqual([nic6('vm-1'), nic6('vm-2')]);

    // Changes keep both pools and both rules in step.
    await world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]);
    expect(poolIps(world, 'pool-v6')).toEqual([nic6('vm-1'), nic6('vm-2'), nic6('vm-3')]);
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-1' }]);
    expect(poolIps(world, 'pool-v6')).toEqual([nic6('vm-2'), nic6('vm-3')]);
    const changed = await world.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 8443 });
    expect(changed.listener).toMatchObject({ port: 8443, ipv6: ip6.properties.ipAddress });
    const rules = lbParts(world, 'loadBalancingRules');
    expect(rules.map((r) => r.properties.frontendPort)).toEqual([8443, 8443]);

    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.state.publicIps.size).toBe(0);
  });

  it('INTERNAL: the IPv6 frontend takes an address from the dual-stack subnet beside a requested IPv4 one', async () => {
    world = await startAzureWorld();
    const nlb = await world.driver.createNLB(
      dual({
        type: 'INTERNAL',
        listener: { protocol: 'TCP', port: 80, addressFamily: 'DUAL_STACK', ip: '10.0.0.50' },
      }),
    );
    const prefix6 = world.fake.state.vnets[0]?.subnets[0]?.prefix6;
    expect(nlb.listener.ip).toBe('10.0.0.50');
    expect(nlb.listener.ipv6?.startsWith(`${prefix6}::`)).toBe(true);
    expect((await world.driver.getNLB({ nameId: 'web' })).listener).toEqual(nlb.listener);
    expect(world.fake.state.publicIps.size).toBe(0);
  });

  it('a VNet without IPv6 is INVALID_ARGUMENT before any write; IPV6 alone is UNSUPPORTED before any call', async () => {
    world = await startAzureWorld({ ipv6: false });
    await expect(world.driver.createNLB(dual({ type: 'INTERNAL' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/dual-stack subnet/),
    });
    await expect(world.driver.createNLB(dual())).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/VM 'vm-1' has no IPv6 address/),
    });
    expect(writes(world)).toEqual([]);
    const calls = world.fake.calls.length;
    await expect(
      world.driver.createNLB(dual({ listener: { protocol: 'TCP', port: 80, addressFamily: 'IPV6' } })),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(world.fake.calls.length).toBe(calls);
  });

  it('the family is fixed after create: changeListener to IPV4 is UNSUPPORTED before any call', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(dual());
    const calls = world.fake.calls.length;
    await expect(
      world.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 80, addressFamily: 'IPV4' }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(writes(world).length).toBe(3);
    expect(world.fake.calls.slice(calls).every((c) => c.method === 'GET')).toBe(true);
  });
});

describe("Azure fake: Azure's IP-version rules, for any client", () => {
  const rg = (w: AzureWorld) => w.fake.resourceGroup;
  const lbId = (w: AzureWorld, part = '') =>
    `/subscriptions/${w.fake.subscriptionId}/resourceGroups/${rg(w)}/providers/Microsoft.Network/loadBalancers/lb${part}`;
  const put = (w: AzureWorld, lb: LoadBalancer) =>
    sdkClient(w.fake).loadBalancers.beginCreateOrUpdateAndWait(rg(w), 'lb', {
      location: w.fake.location,
      sku: { name: 'Standard' },
      ...lb,
    });
  const subnetOf = (w: AzureWorld) => ({ id: w.fake.state.vnets[0]?.subnets[0]?.id as string });

  it('an IPv6 frontend without an IPv4 one is refused (AtleastOneIpV4RequiredForIpV6LbFrontendIpConfiguration)', async () => {
    world = await startAzureWorld();
    const frontend = { name: 'f6', subnet: subnetOf(world), privateIPAddressVersion: 'IPv6' as const };
    await expect(put(world, { frontendIPConfigurations: [frontend] })).rejects.toMatchObject({
      code: 'AtleastOneIpV4RequiredForIpV6LbFrontendIpConfiguration',
    });
  });

  it('a private IPv6 frontend needs a subnet with an IPv6 prefix', async () => {
    world = await startAzureWorld({ ipv6: false });
    const frontends = [
      { name: 'f4', subnet: subnetOf(world) },
      { name: 'f6', subnet: subnetOf(world), privateIPAddressVersion: 'IPv6' as const },
    ];
    await expect(put(world, { frontendIPConfigurations: frontends })).rejects.toMatchObject({
      code: 'PrivateIPAddressVersionNotSupportedInSubnet',
    });
  });

  it('an IPv6 public IP must be Static, and keeps its version', async () => {
    world = await startAzureWorld();
    const ips = sdkClient(world.fake).publicIPAddresses;
    const ip = (method: 'Static' | 'Dynamic', version: 'IPv4' | 'IPv6') =>
      ips.beginCreateOrUpdateAndWait(rg(world as AzureWorld), 'pip6', {
        location: world?.fake.location,
        sku: { name: 'Standard' },
        publicIPAllocationMethod: method,
        publicIPAddressVersion: version,
      });
    await expect(ip('Dynamic', 'IPv6')).rejects.toMatchObject({
      code: 'StandardSkuPublicIPAddressesMustBeStatic',
    });
    expect((await ip('Static', 'IPv6')).ipAddress).toContain(':');
    await expect(ip('Static', 'IPv4')).rejects.toMatchObject({
      code: 'PublicIPAddressVersionCannotBeChanged',
    });
  });

  it('a pool holds one IP version, and a rule joins a frontend and pool of the same version', async () => {
    world = await startAzureWorld();
    const vnet = { id: world.fake.state.vnets[0]?.id as string };
    const [a, b] = world.fake.state.nics;
    const address = (name: string, ipAddress: string | undefined) => ({
      name,
      ipAddress,
      virtualNetwork: vnet,
    });
    const frontendIPConfigurations = [{ name: 'f4', subnet: subnetOf(world) }];
    await expect(
      put(world, {
        frontendIPConfigurations,
        backendAddressPools: [
          { name: 'p', loadBalancerBackendAddresses: [address('a', a?.ip), address('b', b?.ip6)] },
        ],
      }),
    ).rejects.toMatchObject({ code: 'BackendAddressPoolIpVersionMismatch' });
    await expect(
      put(world, {
        frontendIPConfigurations,
        backendAddressPools: [{ name: 'p6', loadBalancerBackendAddresses: [address('a', a?.ip6)] }],
        loadBalancingRules: [
          {
            name: 'r',
            protocol: 'Tcp',
            frontendPort: 80,
            backendPort: 80,
            frontendIPConfiguration: { id: lbId(world, '/frontendIPConfigurations/f4') },
            backendAddressPool: { id: lbId(world, '/backendAddressPools/p6') },
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 'LoadBalancingRuleFrontendAndBackendIpVersionMismatch' });
    expect(world.fake.state.lbs.size).toBe(0);
  });
});
