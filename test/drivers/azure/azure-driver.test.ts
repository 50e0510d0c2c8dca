/**
 * The Azure driver's own behaviour beyond the conformance suite, through the real SDK to the fake:
 * public and private frontends, VM lookup by NIC, probes and rules as Azure takes them, rule health,
 * refusals before any call, unmanaged load balancers, missing packages and credentials.
 */
import type { TokenCredential } from '@azure/core-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAzureOptions } from '../../../src/drivers/azure/azure-options.js';
import { createAzureDriver } from '../../../src/drivers/azure/index.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { fakeCredential } from '../../fakes/azure/index.js';
import { type AzureWorld, driverOptionsFor, startAzureWorld } from './azure-world.js';

let world: AzureWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (over: Partial<NLBCreateRequest> = {}): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: { nameId: 'web-vnet' },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP' },
  ...over,
});
const writes = (w: AzureWorld) => w.fake.calls.filter((c) => c.method !== 'GET');
const lbJson = (w: AzureWorld) =>
  w.fake.state.lbs.get('web') as { properties: Record<string, { properties: Record<string, unknown> }[]> };

describe('Azure driver: frontends', () => {
  it('PUBLIC makes a Standard static public IP tagged for the NLB; deleteNLB removes both', async () => {
    world = await startAzureWorld();
    const nlb = await world.driver.createNLB(request());
    const ip = world.fake.state.publicIps.get('web-nlbkit-ip') as {
      tags: Record<string, string>;
      properties: { ipAddress: string };
    };
    expect(ip.tags).toEqual({ 'nlbkit-nlb': 'web', 'nlbkit-create-id': expect.any(String) });
    expect(nlb).toMatchObject({ type: 'PUBLIC', listener: { ip: ip.properties.ipAddress, port: 80 } });
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.state.lbs.size).toBe(0);
    expect(world.fake.state.publicIps.size).toBe(0);
  });

  it('deleteNLB removes a public IP whose load balancer is already gone; other calls do not see it', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(request());
    // A delete whose load balancer went (e.g. finished in the background after a failed poll).
    world.fake.state.lbs.delete('web');
    await expect(world.driver.getNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await world.driver.listNLB()).toEqual([]);
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.state.publicIps.size).toBe(0);
    await expect(world.driver.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("never takes over a public IP of the same name that is not the NLB's", async () => {
    world = await startAzureWorld();
    const theirs = {
      name: 'web-nlbkit-ip',
      id: 'x',
      sku: { name: 'Standard' },
      tags: { owner: 'someone' },
      properties: { ipAddress: '20.0.0.99' },
    };
    world.fake.state.publicIps.set('web-nlbkit-ip', theirs);
    await expect(world.driver.createNLB(request())).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('web-nlbkit-ip'),
    });
    expect(world.fake.state.publicIps.get('web-nlbkit-ip')).toEqual(theirs);
    expect(writes(world)).toEqual([]);
  });

  it('INTERNAL honours a requested private address; one in use is CONFLICT, PUBLIC with an address UNSUPPORTED', async () => {
    world = await startAzureWorld();
    const nlb = await world.driver.createNLB(
      request({ type: 'INTERNAL', listener: { protocol: 'TCP', port: 80, ip: '10.0.0.200' } }),
    );
    expect(nlb.listener.ip).toBe('10.0.0.200');
    const taken = world.fake.state.nics[0]?.ip as string;
    await expect(
      world.driver.createNLB(
        request({
          iid: { nameId: 'api' },
          type: 'INTERNAL',
          listener: { protocol: 'TCP', port: 80, ip: taken },
        }),
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(taken) });
    const before = writes(world).length;
    await expect(
      world.driver.createNLB(
        request({ iid: { nameId: 'pub' }, listener: { protocol: 'TCP', port: 80, ip: '20.0.0.5' } }),
      ),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      violations: [expect.objectContaining({ path: 'listener.ip' })],
    });
    expect(writes(world)).toHaveLength(before);
    expect([...world.fake.state.lbs.keys()]).toEqual(['web']);
  });

  it('a listener address cannot be changed after create: UNSUPPORTED, nothing sent', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(
      request({ type: 'INTERNAL', listener: { protocol: 'TCP', port: 80, ip: '10.0.0.200' } }),
    );
    const before = writes(world).length;
    await expect(
      world.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 80, ip: '10.0.0.201' }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(writes(world)).toHaveLength(before);
    expect((await world.driver.getNLB({ nameId: 'web' })).listener.ip).toBe('10.0.0.200');
  });

  it("INTERNAL takes a private address from the VNet's subnet, and no public IP", async () => {
    world = await startAzureWorld();
    const nlb = await world.driver.createNLB(request({ type: 'INTERNAL' }));
    expect(nlb.type).toBe('INTERNAL');
    expect(nlb.listener.ip).toMatch(/^10\.0\.0\.\d+$/);
    expect(world.fake.state.publicIps.size).toBe(0);
  });
});

describe('Azure driver: VMs, probes, rules', () => {
  it("uses each VM's own NIC address (over several pages of NICs) as a named backend address", async () => {
    world = await startAzureWorld({ vmCount: 5 });
    await world.driver.createNLB(
      request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-5' }, { nameId: 'vm-1' }] } }),
    );
    const pool = lbJson(world).properties.backendAddressPools?.[0]?.properties
      .loadBalancerBackendAddresses as { name: string; properties: { ipAddress: string } }[];
    const ipOf = (vm: string) => world?.fake.state.nics.find((n) => n.vmId.endsWith(`/${vm}`))?.ip;
    expect(pool.map((a) => [a.name, a.properties.ipAddress])).toEqual([
      ['vm-5', ipOf('vm-5')],
      ['vm-1', ipOf('vm-1')],
    ]);
    expect(world.fake.calls.filter((c) => c.path.endsWith('/networkInterfaces')).length).toBe(3);
  });

  it('an unknown VM is NOT_FOUND and a VM outside the VNet INVALID_ARGUMENT, before any write', async () => {
    world = await startAzureWorld();
    const other = world.fake.addVnet('other-vnet');
    world.fake.addVm('elsewhere', other);
    await expect(
      world.driver.createNLB(
        request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'ghost' }] } }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      world.driver.createNLB(
        request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'elsewhere' }] } }),
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('elsewhere'),
    });
    expect(writes(world)).toEqual([]);
  });

  it('writes the probe and rule as Azure takes them, and reads them back', async () => {
    world = await startAzureWorld();
    const nlb = await world.driver.createNLB(
      request({
        listener: { protocol: 'UDP', port: 53 },
        vmGroup: { protocol: 'UDP', port: 5353, hashFields: 'FIVE_TUPLE', vms: [{ nameId: 'vm-1' }] },
        healthChecker: { protocol: 'HTTP', port: 8081, httpPath: '/healthz', interval: 15, threshold: 3 },
        tagList: [{ key: 'team', value: 'dns' }],
      }),
    );
    const probe = lbJson(world).properties.probes?.[0]?.properties;
    const rule = lbJson(world).properties.loadBalancingRules?.[0]?.properties;
    expect(probe).toMatchObject({
      protocol: 'Http',
      port: 8081,
      requestPath: '/healthz',
      intervalInSeconds: 15,
      probeThreshold: 3,
    });
    expect(rule).toMatchObject({
      protocol: 'Udp',
      frontendPort: 53,
      backendPort: 5353,
      loadDistribution: 'Default',
      disableOutboundSnat: true,
    });
    expect(nlb.vmGroup).toMatchObject({ algorithm: 'SOURCE_HASH', hashFields: 'FIVE_TUPLE' });
    expect(nlb.healthChecker).toMatchObject({
      protocol: 'HTTP',
      port: 8081,
      httpPath: '/healthz',
      interval: 15,
      timeout: 15,
      threshold: 3,
    });
    expect(nlb.tagList).toEqual([{ key: 'team', value: 'dns' }]);
    expect(await world.driver.getNLB({ nameId: 'web' })).toEqual(nlb);
  });

  it('refuses what Azure cannot do before any call (capabilities): codes other than 200, a timeout, weights', async () => {
    world = await startAzureWorld();
    const cases: [Partial<NLBCreateRequest>, string][] = [
      [{ healthChecker: { protocol: 'HTTP', expectedCodes: '200-399' } }, 'healthChecker.expectedCodes'],
      [{ healthChecker: { protocol: 'TCP', timeout: 3 } }, 'healthChecker.timeout'],
      [
        { vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1', weight: 3 }] } },
        'vmGroup.vms[0].weight',
      ],
    ];
    for (const [over, path] of cases)
      await expect(world.driver.createNLB(request(over))).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        violations: [expect.objectContaining({ path })],
      });
    expect(world.fake.calls).toEqual([]);
  });

  it('a PUT Azure refuses (another operation in progress) is CONFLICT and is not undone', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(request());
    world.fake.fail({
      method: 'PUT',
      path: /^loadBalancers\/web$/,
      status: 409,
      code: 'AnotherOperationInProgress',
    });
    const puts = () => world?.fake.calls.filter((c) => c.method === 'PUT').length;
    const before = puts();
    await expect(
      world.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 81 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(puts()).toBe((before ?? 0) + 1);
  });
});

describe('Azure driver: other writers', () => {
  it('a change meeting another writer between its read and its PUT reads again: both changes land', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(
      request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }] } }),
    );
    const vm4 = world.fake.state.nics.find((n) => n.vmId.endsWith('/vm-4')) as { ip: string };
    let interfered = false;
    world.fake.onCall((c) => {
      // Another process adds vm-4 just before this driver's PUT arrives (a new etag, as ARM gives).
      if (interfered || c.method !== 'PUT' || !c.path.endsWith('/loadBalancers/web')) return;
      interfered = true;
      const lb = world?.fake.state.lbs.get('web') as {
        etag: string;
        properties: { backendAddressPools: { properties: { loadBalancerBackendAddresses: unknown[] } }[] };
      };
      lb.properties.backendAddressPools[0]?.properties.loadBalancerBackendAddresses.push({
        name: 'vm-4',
        properties: { ipAddress: vm4.ip, virtualNetwork: { id: world?.vpcIID.systemId } },
      });
      lb.etag = 'W/"someone-else"';
    });
    const nlb = await world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]);
    expect(interfered).toBe(true);
    expect(nlb.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['vm-1', 'vm-3', 'vm-4']);
    expect(
      world.fake.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/loadBalancers/web')),
    ).toHaveLength(3);
  });

  it('a create racing another process for the name is ALREADY_EXISTS, leaves theirs alone and removes its own IP', async () => {
    world = await startAzureWorld();
    world.fake.onCall((c) => {
      // The other process's load balancer appears after this create checked the name.
      if (
        c.method === 'PUT' &&
        c.path.endsWith('/publicIPAddresses/web-nlbkit-ip') &&
        !world?.fake.state.lbs.has('web')
      )
        world?.fake.state.lbs.set('web', {
          name: 'web',
          etag: 'W/"theirs"',
          tags: { 'nlbkit-nlb': 'web', 'nlbkit-create-id': 'theirs' },
          properties: {},
        });
    });
    await expect(world.driver.createNLB(request())).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(world.fake.state.lbs.get('web')?.etag).toBe('W/"theirs"');
    expect(world.fake.state.publicIps.size).toBe(0);
  });
});

describe('Azure driver: health', () => {
  it("maps the rule's health report: Up healthy, Down unhealthy with Azure's reason", async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(
      request({
        vmGroup: {
          protocol: 'TCP',
          port: 8080,
          vms: world.vms.slice(0, 3).map((vm) => ({ nameId: vm.nameId })),
        },
      }),
    );
    const ip = (vm: string) => world?.fake.state.nics.find((n) => n.vmId.endsWith(`/${vm}`))?.ip as string;
    world.fake.state.health.set(ip('vm-2'), { state: 'Down', reason: 'Probe failed: connection refused' });
    world.fake.state.health.set(ip('vm-3'), { state: 'Unknown' });
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    expect(health.healthyVMs.map((v) => v.nameId)).toEqual(['vm-1']);
    expect(health.unhealthyVMs.map((v) => v.nameId)).toEqual(['vm-2']);
    expect(health.unknownVMs.map((v) => v.nameId)).toEqual(['vm-3']);
    expect(health.details.find((d) => d.vm.nameId === 'vm-2')).toMatchObject({
      reason: 'Probe failed: connection refused',
      providerState: 'Down',
    });
    expect(
      world.fake.calls.some((c) => c.method === 'POST' && c.path.endsWith('/loadBalancingRules/rule/health')),
    ).toBe(true);
  });
});

describe('Azure driver: ownership, packages, credentials, options', () => {
  it('leaves load balancers without its tag alone, yet their names are taken', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(request());
    const foreign = structuredClone(world.fake.state.lbs.get('web') as Record<string, unknown>);
    foreign.name = 'theirs';
    foreign.tags = {};
    world.fake.state.lbs.set('theirs', foreign);
    expect((await world.driver.listIID()).map((i) => i.nameId)).toEqual(['web']);
    await expect(world.driver.getNLB({ nameId: 'theirs' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(world.driver.createNLB(request({ iid: { nameId: 'theirs' } }))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
  });

  it('names a missing @azure/arm-network, and @azure/identity when no credential is given', async () => {
    world = await startAzureWorld();
    const missing = (name: string) => async (n: string) => {
      if (n === name) throw new Error(`Cannot find package '${n}'`);
      return import(n);
    };
    const noSdk = createAzureDriver(driverOptionsFor(world.fake), {
      importer: missing('@azure/arm-network'),
    });
    await expect(noSdk.listNLB()).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('npm install @azure/arm-network'),
    });
    const noIdentity = createAzureDriver(driverOptionsFor(world.fake, { credential: undefined }), {
      importer: missing('@azure/identity'),
    });
    await expect(noIdentity.listNLB()).rejects.toMatchObject({
      message: expect.stringContaining('npm install @azure/identity'),
    });
  });

  it('lib: builds its client and default credential from the given modules and imports nothing', async () => {
    world = await startAzureWorld();
    const network = await import('@azure/arm-network');
    const built: string[] = [];
    const imported: string[] = [];
    const lib = {
      network: {
        NetworkManagementClient: class extends network.NetworkManagementClient {
          constructor(credential: TokenCredential, subscriptionId: string, options?: object) {
            super(credential, subscriptionId, options);
            built.push('network');
          }
        },
      },
      identity: {
        DefaultAzureCredential: class {
          constructor() {
            built.push('identity');
          }
          getToken = fakeCredential.getToken.bind(fakeCredential);
        },
      },
    };
    const driver = createAzureDriver(driverOptionsFor(world.fake, { credential: undefined, lib }), {
      importer: async (name) => {
        imported.push(name);
        throw new Error(`Cannot find package '${name}'`);
      },
    });
    await driver.createNLB(request());
    expect((await driver.listIID()).map((i) => i.nameId)).toEqual(['web']);
    expect(built.sort()).toEqual(['identity', 'network']);
    expect(imported).toEqual([]);
  });

  it('the deprecated pollIntervalMs still works as waiter.minDelayMs; both together are INVALID_ARGUMENT', async () => {
    world = await startAzureWorld({ driver: { waiter: undefined, pollIntervalMs: 1 } });
    expect((await world.driver.createNLB(request())).iid.nameId).toBe('web');
    const env = { AZURE_SUBSCRIPTION_ID: world.fake.subscriptionId, AZURE_RESOURCE_GROUP: 'rg' };
    expect(resolveAzureOptions({ pollIntervalMs: 7 }, env).waiter).toEqual({ minDelayMs: 7 });
    expect(() => createAzureDriver(driverOptionsFor(world!.fake, { pollIntervalMs: 5 }))).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/options\.waiter\.minDelayMs.*options\.pollIntervalMs/),
      }),
    );
  });

  it('a rejected token is PERMISSION_DENIED, without the token in the error', async () => {
    world = await startAzureWorld();
    const token = 'stolen-looking-token-abcdef123456';
    const driver = createAzureDriver(
      driverOptionsFor(world.fake, {
        credential: { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      }),
    );
    const error = await driver.listNLB().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(token);
  });

  it('takes subscription, resource group and location from AZURE_* and names what is missing', () => {
    const env = {
      AZURE_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444',
      AZURE_RESOURCE_GROUP: 'rg',
      AZURE_LOCATION: 'westeurope',
    };
    expect(resolveAzureOptions({}, env)).toMatchObject({
      subscriptionId: env.AZURE_SUBSCRIPTION_ID,
      resourceGroup: 'rg',
      location: 'westeurope',
      maxRetries: 3,
    });
    expect(() => resolveAzureOptions({}, { AZURE_RESOURCE_GROUP: 'rg' })).toThrow(
      /options\.subscriptionId is missing/,
    );
    expect(() => resolveAzureOptions({ subscriptionId: 'nope' }, { AZURE_RESOURCE_GROUP: 'rg' })).toThrow(
      /options\.subscriptionId: must be a subscription id/,
    );
  });

  it('a create aborted half way is ABORTED and removes what it made', async () => {
    world = await startAzureWorld();
    const controller = new AbortController();
    const timer = setInterval(() => {
      if (world?.fake.calls.some((c) => c.method === 'PUT' && c.path.includes('/loadBalancers/')))
        controller.abort(new Error('gave up'));
    }, 1);
    try {
      await expect(world.driver.createNLB(request(), { signal: controller.signal })).rejects.toMatchObject({
        code: 'ABORTED',
      });
    } finally {
      clearInterval(timer);
    }
    expect(world.fake.state.lbs.size).toBe(0);
    expect(world.fake.state.publicIps.size).toBe(0);
  });
});

describe('Azure driver: health polling cost', () => {
  it('getVMGroupHealthInfo reads the NLB once and asks the rule for its health: no second GET', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(request());
    world.fake.calls.length = 0;
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    const calls = world.fake.calls.map(
      (c) => `${c.method} ${c.path.replace(/\?.*/, '').split('/').slice(-3).join('/')}`,
    );
    expect(calls.filter((c) => !c.includes('operationResults'))).toEqual([
      'GET Microsoft.Network/loadBalancers/web', // find: the NLB (its backend addresses serve health too)
      'GET Microsoft.Network/publicIPAddresses/web-nlbkit-ip', // find: its public address
      'POST loadBalancingRules/rule/health', // the rule's per-backend health (a long-running operation)
    ]);
    // The rest polls that operation until it is done: the fake answers on the second poll.
    expect(calls.filter((c) => c.includes('operationResults'))).toHaveLength(2);
    expect(health.allVMs.map((vm) => vm.nameId).sort()).toEqual(['vm-1', 'vm-2']);
  });
});
