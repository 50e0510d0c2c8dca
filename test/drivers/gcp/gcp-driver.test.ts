/**
 * The GCP driver's own behaviour beyond the conformance suite, through the real SDK to the fake:
 * the resources an NLB is made of, PUBLIC and INTERNAL addresses, VM lookup, refusals before any
 * call, membership across zones, health, changes, leftovers, options, packages and credentials.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveGcpOptions } from '../../../src/drivers/gcp/gcp-options.js';
import { createGcpDriver } from '../../../src/drivers/gcp/index.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import type { GceFake } from '../../fakes/gcp/index.js';
import { driverOptionsFor, type GcpWorld, startGcpWorld } from './gcp-world.js';

let world: GcpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (over: Partial<NLBCreateRequest> = {}): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: { nameId: 'web-net' },
  listener: { protocol: 'TCP', port: 8080 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP' },
  ...over,
});
const writes = (f: GceFake) =>
  f.calls.filter((c) => c.method !== 'GET' && !/\/(wait|listNetworkEndpoints)$/.test(c.path));
type Json = Record<string, unknown>;
const marker = (r: Json | undefined) => JSON.parse(String(r?.description).replace(/^nlbkit:/, '')) as Json;

describe('GCP driver: what an NLB is made of', () => {
  it('a forwarding rule, backend service, health check and one NEG per zone, all marked by one create', async () => {
    world = await startGcpWorld();
    const nlb = await world.driver.createNLB(
      request({
        healthChecker: { protocol: 'HTTP', port: 8081, httpPath: '/healthz', interval: 10, timeout: 3 },
      }),
    );
    const s = world.fake.state;
    const fr = s.forwardingRules.get('web');
    const bs = s.backendServices.get('web');
    const hc = s.healthChecks.get('web');
    expect(fr).toMatchObject({
      IPProtocol: 'TCP',
      ports: ['8080'],
      loadBalancingScheme: 'EXTERNAL',
      networkTier: 'PREMIUM',
    });
    expect(bs).toMatchObject({
      protocol: 'TCP',
      loadBalancingScheme: 'EXTERNAL',
      sessionAffinity: 'CLIENT_IP',
    });
    expect(
      ((bs?.backends ?? []) as Json[]).map((b) => [String(b.group).split('/').at(-1), b.balancingMode]),
    ).toEqual([
      ['web-neg-b', 'CONNECTION'],
      ['web-neg-c', 'CONNECTION'],
    ]);
    expect(hc).toMatchObject({
      type: 'HTTP',
      checkIntervalSec: 10,
      timeoutSec: 3,
      httpHealthCheck: { port: 8081, requestPath: '/healthz' },
    });
    const negs = [...s.negs.entries()].map(([key, n]) => [key, [...n.endpoints.values()]]);
    const ipOf = (name: string) => s.instances.find((i) => i.name === name)?.networkIP;
    expect(negs).toEqual([
      ['europe-west1-b/web-neg-b', [{ instance: 'vm-1', ipAddress: ipOf('vm-1') }]],
      ['europe-west1-c/web-neg-c', [{ instance: 'vm-2', ipAddress: ipOf('vm-2') }]],
    ]);
    const ids = [fr, bs, hc, ...[...s.negs.values()].map((n) => n.resource)].map((r) => marker(r).createId);
    expect(new Set(ids).size).toBe(1);
    expect(marker(fr)).toMatchObject({ nlb: 'web', vpc: 'web-net', tags: [] });
    expect(nlb).toMatchObject({
      type: 'PUBLIC',
      listener: { protocol: 'TCP', port: 8080, ip: fr?.IPAddress },
      vmGroup: { port: 8080, algorithm: 'SOURCE_HASH', hashFields: 'SOURCE_IP' },
      healthChecker: { protocol: 'HTTP', port: 8081, httpPath: '/healthz', expectedCodes: '200' },
      vpcIID: { nameId: 'web-net' },
    });
  });

  it("INTERNAL takes its address from the VMs' subnetwork, or the one requested", async () => {
    world = await startGcpWorld();
    const auto = await world.driver.createNLB(request({ type: 'INTERNAL' }));
    expect(auto.type).toBe('INTERNAL');
    expect(auto.listener.ip).toMatch(/^10\.0\.0\.\d+$/);
    const fixed = await world.driver.createNLB(
      request({
        iid: { nameId: 'db' },
        type: 'INTERNAL',
        listener: { protocol: 'TCP', port: 8080, ip: '10.0.0.200' },
      }),
    );
    expect(fixed.listener.ip).toBe('10.0.0.200');
    expect(world.fake.state.forwardingRules.get('db')).toMatchObject({ loadBalancingScheme: 'INTERNAL' });
    expect(world.fake.state.backendServices.get('db')).toMatchObject({
      network: expect.stringMatching(/networks\/web-net$/),
    });
  });

  it('INTERNAL without VMs needs options.subnetwork, and uses it', async () => {
    world = await startGcpWorld();
    const empty = request({ type: 'INTERNAL', vmGroup: { protocol: 'TCP', port: 8080, vms: [] } });
    await expect(world.driver.createNLB(empty)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('options.subnetwork'),
    });
    expect(writes(world.fake)).toEqual([]);
    const withSubnet = createGcpDriver(driverOptionsFor(world.fake, { subnetwork: 'web-net-subnet-0' }));
    expect((await withSubnet.createNLB(empty)).listener.ip).toMatch(/^10\.0\.0\.\d+$/);
  });

  it('PUBLIC uses a reserved address when asked; an unreserved one is refused and nothing is left', async () => {
    world = await startGcpWorld();
    world.fake.reserveAddress('35.1.2.3');
    const nlb = await world.driver.createNLB(
      request({ listener: { protocol: 'TCP', port: 8080, ip: '35.1.2.3' } }),
    );
    expect(nlb.listener.ip).toBe('35.1.2.3');
    await expect(
      world.driver.createNLB(
        request({ iid: { nameId: 'api' }, listener: { protocol: 'TCP', port: 8080, ip: '35.9.9.9' } }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('not reserved') });
    expect([...world.fake.state.healthChecks.keys()]).toEqual(['web']);
    expect([...world.fake.state.negs.keys()].filter((k) => k.includes('api'))).toEqual([]);
  });

  it('one VM may serve two NLBs (NEGs, unlike load-balanced instance groups, allow it)', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    const other = await world.driver.createNLB(request({ iid: { nameId: 'api' } }));
    expect(other.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['vm-1', 'vm-2']);
  });
});

describe('GCP driver: refusals before any write', () => {
  const refused: [string, Partial<NLBCreateRequest>, string][] = [
    ['unequal ports (no port translation)', { listener: { protocol: 'TCP', port: 80 } }, 'vmGroup.port'],
    ['an uppercase name', { iid: { nameId: 'Web' } }, 'iid.nameId'],
    ['a name starting with a digit', { iid: { nameId: '1web' } }, 'iid.nameId'],
    ['a name too long for the NEG names', { iid: { nameId: `w${'e'.repeat(50)}` } }, 'iid.nameId'],
    [
      'weights',
      { vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1', weight: 3 }] } },
      'vmGroup.vms[0].weight',
    ],
    ['a UDP health check', { healthChecker: { protocol: 'UDP' } }, 'healthChecker.protocol'],
    [
      'codes other than 200',
      { healthChecker: { protocol: 'HTTP', expectedCodes: '200-299' } },
      'healthChecker.expectedCodes',
    ],
    [
      'tags beyond a description',
      { tagList: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(120) })) },
      'tagList',
    ],
  ];
  for (const [what, over, path] of refused)
    it(`${what} is UNSUPPORTED on ${path}, with nothing written`, async () => {
      world = await startGcpWorld();
      await expect(world.driver.createNLB(request(over))).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        violations: [expect.objectContaining({ path })],
      });
      expect(writes(world.fake)).toEqual([]);
    });

  it('a listener port change is UNSUPPORTED, with nothing written', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    const before = writes(world.fake).length;
    await expect(
      world.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 8443 }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(writes(world.fake)).toHaveLength(before);
  });
});

describe('GCP driver: VM lookup', () => {
  it("names every unknown VM, refuses a VM off the NLB's network, and tells same-named VMs apart by id", async () => {
    world = await startGcpWorld();
    await expect(
      world.driver.createNLB(
        request({
          vmGroup: {
            protocol: 'TCP',
            port: 8080,
            vms: [{ nameId: 'vm-1' }, { nameId: 'ghost' }, { nameId: 'Bad_Name' }],
          },
        }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("'ghost', 'Bad_Name'") });
    const other = world.fake.addNetwork('other-net');
    world.fake.addInstance('stray', world.fake.zones[0] as string, other);
    await expect(
      world.driver.createNLB(
        request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'stray' }] } }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("'other-net'") });
    const net = world.fake.state.networks.get('web-net');
    const twin = world.fake.addInstance('vm-1', world.fake.zones[2] as string, net as never);
    await expect(world.driver.createNLB(request())).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('systemId'),
    });
    const nlb = await world.driver.createNLB(
      request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1', systemId: twin.id }] } }),
    );
    expect(nlb.vmGroup.vms).toEqual([{ nameId: 'vm-1' }]);
    expect([...world.fake.state.negs.keys()]).toEqual(['europe-west1-d/web-neg-d']);
    expect(writes(world.fake).filter((c) => c.path.endsWith('/healthChecks'))).toHaveLength(1);
  });
});

describe('GCP driver: membership, health and changes', () => {
  it('addVMs into a new zone makes its NEG a backend; removeVMs empties it; deleteNLB removes every NEG', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    const added = await world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }]);
    expect(added.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['vm-1', 'vm-2', 'vm-3']);
    const groups = () =>
      ((world?.fake.state.backendServices.get('web')?.backends ?? []) as Json[]).map((b) =>
        String(b.group).split('/').at(-1),
      );
    expect(groups()).toEqual(['web-neg-b', 'web-neg-c', 'web-neg-d']);
    expect(await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }])).toBe(true);
    expect(world.fake.state.negs.get('europe-west1-d/web-neg-d')?.endpoints.size).toBe(0);
    expect(groups()).toHaveLength(3);
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(
      world.fake.state.negs.size + world.fake.state.backendServices.size + world.fake.state.healthChecks.size,
    ).toBe(0);
  });

  it('health comes from getHealth per NEG: TIMEOUT is unhealthy, DRAINING unknown', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(
      request({
        vmGroup: {
          protocol: 'TCP',
          port: 8080,
          vms: ['vm-1', 'vm-2', 'vm-3', 'vm-4'].map((nameId) => ({ nameId })),
        },
      }),
    );
    world.fake.setHealth('vm-2', 'UNHEALTHY');
    world.fake.setHealth('vm-3', 'TIMEOUT');
    world.fake.setHealth('vm-4', 'DRAINING');
    const h = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    const names = (l: { nameId: string }[]) => l.map((x) => x.nameId);
    expect([names(h.healthyVMs), names(h.unhealthyVMs), names(h.unknownVMs)]).toEqual([
      ['vm-1'],
      ['vm-2', 'vm-3'],
      ['vm-4'],
    ]);
    expect(h.details.find((d) => d.vm.nameId === 'vm-4')).toMatchObject({ providerState: 'DRAINING' });
  });

  it('changeVMGroupInfo sets session affinity; changeHealthCheckerInfo replaces the check', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    const grp = await world.driver.changeVMGroupInfo(
      { nameId: 'web' },
      { protocol: 'TCP', port: 8080, hashFields: 'FIVE_TUPLE', vms: [{ nameId: 'vm-1' }] },
    );
    expect(grp.vmGroup).toMatchObject({ hashFields: 'FIVE_TUPLE', vms: [{ nameId: 'vm-1' }] });
    expect(world.fake.state.backendServices.get('web')?.sessionAffinity).toBe('NONE');
    const hc = await world.driver.changeHealthCheckerInfo(
      { nameId: 'web' },
      {
        protocol: 'HTTPS',
        port: 8443,
        interval: 30,
        timeout: 10,
        healthyThreshold: 4,
        unhealthyThreshold: 6,
      },
    );
    expect(hc.healthChecker).toMatchObject({
      protocol: 'HTTPS',
      port: 8443,
      interval: 30,
      timeout: 10,
      healthyThreshold: 4,
      unhealthyThreshold: 6,
    });
    expect(world.fake.state.healthChecks.get('web')).toMatchObject({
      type: 'HTTPS',
      httpsHealthCheck: { port: 8443 },
    });
    expect(world.fake.state.healthChecks.get('web')?.tcpHealthCheck).toBeUndefined();
  });

  it("a failed addVMs does not undo a zone's new NEG that another process has put a VM in meanwhile", async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    const fake = world.fake;
    // While this call attaches vm-3 in the new zone d, another process attaches vm-6 there (it found
    // the NEG this call made); then this call's attach fails.
    fake.addInstance('vm-6', fake.zones[2] as string, fake.state.networks.get('web-net') as never);
    fake.onCall((call) => {
      const neg = fake.state.negs.get('europe-west1-d/web-neg-d');
      if (call.path.endsWith('web-neg-d/attachNetworkEndpoints') && neg && !neg.endpoints.has('vm-6'))
        neg.endpoints.set('vm-6', { instance: 'vm-6', ipAddress: '10.0.0.9' });
    });
    fake.fail({ method: 'POST', path: /web-neg-d\/attachNetworkEndpoints$/, status: 503 });
    await expect(world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }])).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    const nlb = await world.driver.getNLB({ nameId: 'web' });
    expect(nlb.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['vm-1', 'vm-2', 'vm-6']);
  });

  it('a backend-service edit that lost to another writer (412) is redone on a fresh read', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    world.fake.fail({
      method: 'PATCH',
      path: /backendServices\/web$/,
      status: 412,
      reason: 'conditionNotMet',
    });
    await world.driver.changeVMGroupInfo(
      { nameId: 'web' },
      {
        protocol: 'TCP',
        port: 8080,
        hashFields: 'FIVE_TUPLE',
        vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }],
      },
    );
    expect(world.fake.calls.filter((c) => c.method === 'PATCH')).toHaveLength(2);
    expect(world.fake.state.backendServices.get('web')?.sessionAffinity).toBe('NONE');
  });
});

describe('GCP driver: operations, errors and leftovers', () => {
  it('waits as long as an operation runs', async () => {
    world = await startGcpWorld({ fake: { pendingWaits: 3 } });
    await world.driver.createNLB(request());
    const insertWaits = world.fake.calls.filter((c) => c.path.endsWith('/wait')).length;
    expect(insertWaits).toBe(7 * 3);
  });

  it('the SDK does not retry on its own: one failed GET is one call and an UNAVAILABLE', async () => {
    world = await startGcpWorld();
    world.fake.fail({ method: 'GET', path: /forwardingRules\/web$/, status: 503 });
    await expect(world.driver.getNLB({ nameId: 'web' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });
    expect(world.fake.calls).toHaveLength(1);
  });

  it("a NEG of the NLB's name that is not nlbkit's is a CONFLICT, and the create leaves nothing", async () => {
    world = await startGcpWorld();
    const net = world.fake.state.networks.get('web-net');
    world.fake.state.negs.set('europe-west1-c/web-neg-c', {
      resource: {
        name: 'web-neg-c',
        description: 'theirs',
        network: world.fake.state.networkUrl(String(net?.name)),
        selfLink: 'x',
      },
      endpoints: new Map(),
    });
    await expect(world.driver.createNLB(request())).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('web-neg-c'),
    });
    expect([...world.fake.state.negs.keys()]).toEqual(['europe-west1-c/web-neg-c']);
    expect(world.fake.state.healthChecks.size).toBe(0);
  });

  it('deleteNLB finishes an NLB whose forwarding rule is gone; other calls do not see it', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    world.fake.state.forwardingRules.delete('web');
    await expect(world.driver.getNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await world.driver.listNLB()).toEqual([]);
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(
      world.fake.state.negs.size + world.fake.state.backendServices.size + world.fake.state.healthChecks.size,
    ).toBe(0);
    await expect(world.driver.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('listNLB reads backend services and health checks in one list each, not per NLB', async () => {
    world = await startGcpWorld();
    for (const nameId of ['a', 'b', 'c']) await world.driver.createNLB(request({ iid: { nameId } }));
    const from = world.fake.calls.length;
    const listed = await world.driver.listNLB();
    expect(listed.map((n) => [n.iid.nameId, n.healthChecker.protocol, n.vmGroup.vms.length])).toEqual([
      ['a', 'TCP', 2],
      ['b', 'TCP', 2],
      ['c', 'TCP', 2],
    ]);
    const calls = world.fake.calls
      .slice(from)
      .map((c) => `${c.method} ${c.path.split('/').slice(5).join('/')}`);
    expect(calls.filter((c) => /^GET (backendServices|healthChecks)\//.test(c))).toEqual([]);
    expect(calls.filter((c) => c.endsWith('listNetworkEndpoints'))).toHaveLength(6);
    expect(calls).toHaveLength(3 + 6);
    for (const n of listed) expect(n).toEqual(await world.driver.getNLB(n.iid));
  });

  it('lists only nlbkit forwarding rules, across pages', async () => {
    world = await startGcpWorld({ fake: { pageSize: 1 } });
    await world.driver.createNLB(request());
    await world.driver.createNLB(request({ iid: { nameId: 'api' } }));
    world.fake.state.forwardingRules.set('theirs', { name: 'theirs', description: 'hand-made', id: '1' });
    expect((await world.driver.listIID()).map((i) => i.nameId)).toEqual(['api', 'web']);
    expect(
      world.fake.calls.filter((c) => c.path.endsWith('/forwardingRules') && c.method === 'GET').length,
    ).toBe(3);
  });
});

describe('GCP driver: options, packages, credentials', () => {
  it('project and region come from options, then the environment; a missing one is named', () => {
    const env = { GOOGLE_CLOUD_PROJECT: 'env-project', CLOUDSDK_COMPUTE_REGION: 'us-east1' };
    expect(resolveGcpOptions({}, env)).toMatchObject({
      projectId: 'env-project',
      region: 'us-east1',
      protocol: 'https',
    });
    expect(resolveGcpOptions({ projectId: 'mine-123', region: 'europe-west4' }, env)).toMatchObject({
      projectId: 'mine-123',
      region: 'europe-west4',
    });
    expect(() => resolveGcpOptions({}, {})).toThrow(/options\.projectId is missing/);
    expect(() => resolveGcpOptions({ projectId: 'p-12345', region: 'Europe West' }, {})).toThrow(
      /options\.region/,
    );
  });

  it('a missing @google-cloud/compute is a PROVIDER_ERROR with the install line, and a later call tries again', async () => {
    world = await startGcpWorld();
    let installed = false;
    const driver = createGcpDriver(driverOptionsFor(world.fake), {
      importer: async (name) => {
        if (!installed) throw new Error(`Cannot find package '${name}'`);
        return import(name);
      },
    });
    await expect(driver.listNLB()).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('npm install @google-cloud/compute'),
    });
    installed = true;
    expect(await driver.listNLB()).toEqual([]);
  });

  it('lib: builds its clients from the given module and imports nothing', async () => {
    world = await startGcpWorld();
    const compute = await import('@google-cloud/compute');
    const built: string[] = [];
    const imported: string[] = [];
    const Instances = class extends compute.InstancesClient {
      constructor(...args: ConstructorParameters<typeof compute.InstancesClient>) {
        super(...args);
        built.push('instances');
      }
    };
    const driver = createGcpDriver(
      driverOptionsFor(world.fake, { lib: { compute: { ...compute, InstancesClient: Instances } } }),
      {
        importer: async (name) => {
          imported.push(name);
          throw new Error(`Cannot find package '${name}'`);
        },
      },
    );
    await driver.createNLB(request());
    expect((await driver.listIID()).map((i) => i.nameId)).toEqual(['web']);
    expect(built).toEqual(['instances']);
    expect(imported).toEqual([]);
  });

  it('endpoint is a URL: its host, port and scheme reach the SDK; a path is INVALID_ARGUMENT', () => {
    const given = { projectId: 'p-12345', region: 'europe-west1' };
    expect(resolveGcpOptions({ ...given, endpoint: 'http://127.0.0.1:8089' }, {})).toMatchObject({
      apiEndpoint: '127.0.0.1',
      port: 8089,
      protocol: 'http',
    });
    expect(resolveGcpOptions({ ...given, endpoint: 'https://compute.example.internal' }, {})).toMatchObject({
      apiEndpoint: 'compute.example.internal',
      port: 443,
      protocol: 'https',
    });
    expect(() => resolveGcpOptions({ ...given, endpoint: 'https://h.example/compute/v1' }, {})).toThrow(
      /options\.endpoint: must be scheme, host and port only/,
    );
  });

  it('the deprecated apiEndpoint, port, protocol, pollIntervalMs and operationTimeoutMs still work', async () => {
    world = await startGcpWorld();
    const driver = createGcpDriver({
      ...driverOptionsFor(world.fake, { endpoint: undefined, waiter: undefined }),
      apiEndpoint: '127.0.0.1',
      port: world.fake.port,
      protocol: 'http',
      pollIntervalMs: 1,
      operationTimeoutMs: 60_000,
    });
    expect((await driver.createNLB(request())).iid.nameId).toBe('web');
    expect(
      resolveGcpOptions(
        { projectId: 'p-12345', region: 'europe-west1', pollIntervalMs: 7, operationTimeoutMs: 9 },
        {},
      ).waiter,
    ).toEqual({ minDelayMs: 7, maxDelayMs: 10_000, maxWaitMs: 9 });
  });

  it('an old and a new name together are INVALID_ARGUMENT naming both', () => {
    const given = { projectId: 'p-12345', region: 'europe-west1' };
    const cases: [Parameters<typeof createGcpDriver>[0], RegExp][] = [
      [{ ...given, endpoint: 'http://127.0.0.1:1', port: 1 }, /options\.endpoint.*options\.port/],
      [
        { ...given, endpoint: 'http://127.0.0.1:1', apiEndpoint: 'h' },
        /options\.endpoint.*options\.apiEndpoint/,
      ],
      [
        { ...given, waiter: { minDelayMs: 1 }, pollIntervalMs: 1 },
        /options\.waiter\.minDelayMs.*options\.pollIntervalMs/,
      ],
      [
        { ...given, waiter: { maxWaitMs: 1 }, operationTimeoutMs: 1 },
        /options\.waiter\.maxWaitMs.*options\.operationTimeoutMs/,
      ],
    ];
    for (const [options, names] of cases)
      expect(() => createGcpDriver(options)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(names) }),
      );
  });

  it('no credentials is PERMISSION_DENIED saying what to set; a rejected token never shows in the error', async () => {
    world = await startGcpWorld();
    const noAuth = createGcpDriver({
      ...driverOptionsFor(world.fake),
      authClient: undefined,
      keyFilename: '/nonexistent/key.json',
    });
    await expect(noAuth.listNLB()).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringContaining('GOOGLE_APPLICATION_CREDENTIALS'),
    });
    const { OAuth2Client } = await import('google-auth-library');
    const wrong = new OAuth2Client();
    wrong.setCredentials({ access_token: 'ya29.secret-token-value', expiry_date: Date.now() + 3_600_000 });
    const error = await createGcpDriver({ ...driverOptionsFor(world.fake), authClient: wrong })
      .listNLB()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(JSON.stringify({ m: (error as Error).message, c: (error as Error).cause })).not.toContain(
      'secret-token-value',
    );
  });
});

describe('GCP driver: health polling cost', () => {
  it('getVMGroupHealthInfo reads the NLB once and asks getHealth once per endpoint group', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request());
    world.fake.calls.length = 0;
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    const calls = world.fake.calls.map((c) => `${c.method} ${c.path.split('/').slice(-2).join('/')}`);
    expect(calls).toEqual([
      'GET forwardingRules/web', // find: the NLB
      'GET backendServices/web', // find: its backend service (health reuses it)
      'GET healthChecks/web', // find: its check
      'POST web-neg-b/listNetworkEndpoints', // find: the VMs, one call per zone's endpoint group
      'POST web-neg-c/listNetworkEndpoints',
      'POST web/getHealth', // health: one call per endpoint group
      'POST web/getHealth',
    ]);
    expect(health.allVMs.map((vm) => vm.nameId).sort()).toEqual(['vm-1', 'vm-2']);
  });
});
