/**
 * The OpenStack driver's own behaviour beyond the shared conformance suite, over HTTP to the fake:
 * PUBLIC (floating IP) and INTERNAL addresses, VM lookup by port, health mapping, Octavia settings
 * round-tripping, busy load balancers, tags, and unmanaged load balancers left alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenStackDriver } from '../../../src/drivers/openstack/index.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { driverOptionsFor, type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

let world: OpenStackWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (over: Partial<NLBCreateRequest> = {}): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: { nameId: 'private' },
  type: 'INTERNAL',
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP' },
  ...over,
});
const octaviaWrites = (w: OpenStackWorld) =>
  w.fake.calls.filter((c) => c.service === 'load-balancer' && c.method !== 'GET');

describe('OpenStack driver: addresses', () => {
  it('PUBLIC is the VIP plus a floating IP from floatingNetwork; deleteNLB releases it', async () => {
    world = await startOpenStackWorld();
    const nlb = await world.driver.createNLB(request({ type: 'PUBLIC' }));
    const [fip] = world.fake.state.floatingIps;
    const lb = world.fake.state.lbs[0];
    expect(fip?.portId).toBe(lb?.vip_port_id);
    expect(nlb.type).toBe('PUBLIC');
    expect(nlb.listener.ip).toBe(fip?.address);
    expect(nlb.keyValueList).toContainEqual({ key: 'vipAddress', value: lb?.vip_address });
    expect((await world.driver.getNLB({ nameId: 'web' })).listener.ip).toBe(fip?.address);
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.state.floatingIps).toEqual([]);
    expect(world.fake.state.lbs).toEqual([]);
  });

  it('honours a requested address: the VIP for INTERNAL, the floating IP for PUBLIC', async () => {
    world = await startOpenStackWorld();
    const internal = await world.driver.createNLB(
      request({ listener: { protocol: 'TCP', port: 80, ip: '10.0.0.77' } }),
    );
    expect(internal.listener.ip).toBe('10.0.0.77');
    const pub = await world.driver.createNLB(
      request({
        iid: { nameId: 'api' },
        type: 'PUBLIC',
        listener: { protocol: 'TCP', port: 80, ip: '10.1.0.99' },
      }),
    );
    expect(pub.listener.ip).toBe('10.1.0.99');
  });

  it('an address outside the subnet is a typed error and leaves nothing', async () => {
    world = await startOpenStackWorld();
    await expect(
      world.driver.createNLB(request({ listener: { protocol: 'TCP', port: 80, ip: '192.168.5.5' } })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('192.168.5.5') });
    expect(world.fake.state.lbs).toEqual([]);
  });

  it('PUBLIC without floatingNetwork is UNSUPPORTED naming type, before any Octavia call', async () => {
    world = await startOpenStackWorld({ driver: { floatingNetwork: undefined } });
    await expect(world.driver.createNLB(request({ type: 'PUBLIC' }))).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      violations: [expect.objectContaining({ path: 'type' })],
    });
    expect(octaviaWrites(world)).toEqual([]);
  });
});

describe('OpenStack driver: VMs', () => {
  it("takes each VM's own address on the NLB's network (vm-1 is not vm-10)", async () => {
    world = await startOpenStackWorld();
    const net = world.fake.state.networks[0]!;
    world.fake.addServer('vm-10', net);
    await world.driver.createNLB(
      request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }] } }),
    );
    const vm1Port = world.fake.state.ports.find((p) => p.deviceId === world?.vms[0]?.systemId);
    expect(world.fake.state.lbs[0]?.pools[0]?.members.map((m) => [m.name, m.address, m.subnet_id])).toEqual([
      ['vm-1', vm1Port?.ip, vm1Port?.subnetId],
    ]);
  });

  it('a name two servers share is INVALID_ARGUMENT asking for the id; the id then works', async () => {
    world = await startOpenStackWorld();
    const twin = world.fake.addServer('vm-1', world.fake.state.networks[0]!);
    await expect(world.driver.createNLB(request())).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('systemId'),
    });
    const nlb = await world.driver.createNLB(
      request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1', systemId: twin.id }] } }),
    );
    expect(nlb.vmGroup.vms).toEqual([{ nameId: 'vm-1', systemId: twin.id }]);
  });

  it('a VM without an address on the network, or a wrong id, is a typed error and nothing is made', async () => {
    world = await startOpenStackWorld();
    world.fake.addServer('elsewhere', world.fake.state.networks[1]!);
    const vms = (nameId: string, systemId?: string) => ({
      protocol: 'TCP' as const,
      port: 8080,
      vms: [{ nameId, ...(systemId ? { systemId } : {}) }],
    });
    await expect(world.driver.createNLB(request({ vmGroup: vms('elsewhere') }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining("no IPv4 address on the load balancer's network"),
    });
    await expect(
      world.driver.createNLB(request({ vmGroup: vms('vm-1', world.vms[1]!.systemId) })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(octaviaWrites(world)).toEqual([]);
  });
});

describe('OpenStack driver: settings', () => {
  it('round-trips algorithm, hash fields, weights, HTTP options, a custom check port and tags', async () => {
    world = await startOpenStackWorld();
    const nlb = await world.driver.createNLB(
      request({
        vmGroup: {
          protocol: 'TCP',
          port: 8080,
          algorithm: 'SOURCE_HASH',
          hashFields: 'SOURCE_IP_PORT',
          vms: [{ nameId: 'vm-1', weight: 5 }, { nameId: 'vm-2' }],
        },
        healthChecker: {
          protocol: 'HTTP',
          port: 9000,
          interval: 7,
          timeout: 3,
          healthyThreshold: 2,
          unhealthyThreshold: 4,
          httpPath: '/healthz',
          expectedCodes: '200-204',
        },
        tagList: [{ key: 'team', value: 'a=b c' }],
      }),
    );
    const pool = world.fake.state.lbs[0]?.pools[0];
    expect(pool?.lb_algorithm).toBe('SOURCE_IP_PORT');
    expect(pool?.members.map((m) => [m.name, m.weight, m.monitor_port])).toEqual([
      ['vm-1', 5, 9000],
      ['vm-2', 1, 9000],
    ]);
    const monitor = world.fake.state.lbs[0]?.monitors[0];
    expect(monitor).toMatchObject({
      type: 'HTTP',
      delay: 7,
      timeout: 3,
      max_retries: 2,
      max_retries_down: 4,
      url_path: '/healthz',
      expected_codes: '200-204',
    });
    const got = await world.driver.getNLB({ nameId: 'web' });
    expect(got).toEqual(nlb);
    expect(got.vmGroup).toMatchObject({ algorithm: 'SOURCE_HASH', hashFields: 'SOURCE_IP_PORT' });
    expect(got.vmGroup.vms.find((vm) => vm.nameId === 'vm-1')?.weight).toBe(5);
    expect(got.healthChecker).toMatchObject({
      protocol: 'HTTP',
      port: 9000,
      httpPath: '/healthz',
      expectedCodes: '200-204',
    });
    expect(got.tagList).toEqual([{ key: 'team', value: 'a=b c' }]);
  });

  it('a UDP group gets a UDP-CONNECT monitor for a UDP check', async () => {
    world = await startOpenStackWorld();
    const nlb = await world.driver.createNLB(
      request({
        listener: { protocol: 'UDP', port: 53 },
        vmGroup: { protocol: 'UDP', port: 5353, vms: [{ nameId: 'vm-1' }] },
        healthChecker: { protocol: 'UDP', interval: 5, timeout: 3 },
      }),
    );
    expect(world.fake.state.lbs[0]?.monitors[0]?.type).toBe('UDP-CONNECT');
    expect(nlb.healthChecker.protocol).toBe('UDP');
    // Octavia wants at least 3 s between UDP-CONNECT probes: refused before any call, nothing changes.
    const writes = octaviaWrites(world).length;
    await expect(
      world.driver.changeHealthCheckerInfo({ nameId: 'web' }, { protocol: 'UDP', interval: 2, timeout: 1 }),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      violations: [expect.objectContaining({ path: 'healthChecker.interval' })],
    });
    expect(octaviaWrites(world)).toHaveLength(writes);
    expect((await world.driver.getNLB({ nameId: 'web' })).healthChecker.interval).toBe(5);
  });

  it('a tag too long for Octavia is UNSUPPORTED naming it, before any call', async () => {
    world = await startOpenStackWorld();
    await expect(
      world.driver.createNLB(request({ tagList: [{ key: 'k', value: 'x y '.repeat(60) }] })),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      violations: [expect.objectContaining({ path: 'tagList[0]' })],
    });
    expect(octaviaWrites(world)).toEqual([]);
  });
});

describe('OpenStack driver: health', () => {
  it('maps member status: ONLINE healthy, ERROR and OFFLINE unhealthy, NO_MONITOR unknown', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(
      request({
        vmGroup: { protocol: 'TCP', port: 8080, vms: world.vms.map((vm) => ({ nameId: vm.nameId })) },
      }),
    );
    world.fake.state.health.set('vm-2', 'ERROR');
    world.fake.state.health.set('vm-3', 'OFFLINE');
    world.fake.state.health.set('vm-4', 'DRAINING');
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    const names = (list: { nameId: string }[]) => list.map((vm) => vm.nameId);
    expect(names(health.healthyVMs)).toEqual(['vm-1']);
    expect(names(health.unhealthyVMs)).toEqual(['vm-2', 'vm-3']);
    expect(names(health.unknownVMs)).toEqual(['vm-4']);
    expect(health.details.find((d) => d.vm.nameId === 'vm-2')).toMatchObject({ providerState: 'ERROR' });
    // Without a monitor nobody checks the members: UNKNOWN, never HEALTHY.
    const pool = world.fake.state.lbs[0]!.pools[0]!;
    pool.monitorId = null;
    const unmonitored = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    expect(unmonitored.healthyVMs).toEqual([]);
    expect(unmonitored.unknownVMs).toHaveLength(4);
  });
});

describe('OpenStack driver: Octavia', () => {
  it('waits and retries when the load balancer is busy (409 immutable)', async () => {
    world = await startOpenStackWorld();
    world.fake.fail({
      method: 'POST',
      path: /\/pools$/,
      status: 409,
      message: 'Load Balancer x is immutable and cannot be updated.',
      times: 2,
    });
    const nlb = await world.driver.createNLB(request());
    expect(nlb.vmGroup.vms).toHaveLength(2);
    expect(world.fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/pools'))).toHaveLength(3);
  });

  it('another 409 (a real conflict) is CONFLICT at once, and the create is undone', async () => {
    world = await startOpenStackWorld();
    world.fake.fail({ method: 'POST', path: /\/listeners$/, status: 409, message: 'port in use' });
    await expect(world.driver.createNLB(request())).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(world.fake.state.lbs).toEqual([]);
  });

  it('a create aborted half way is ABORTED and still leaves nothing', async () => {
    world = await startOpenStackWorld();
    const controller = new AbortController();
    world.fake.onCall((call) => {
      if (call.method === 'POST' && call.path.endsWith('/healthmonitors'))
        controller.abort(new Error('user gave up'));
    });
    await expect(
      world.driver.createNLB(request({ type: 'PUBLIC' }), { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(world.fake.state.lbs).toEqual([]);
    expect(world.fake.state.floatingIps).toEqual([]);
    expect(world.fake.calls.some((c) => c.method === 'DELETE' && c.path.includes('/loadbalancers/'))).toBe(
      true,
    );
  });

  it('two processes creating one name: the later backs off (ALREADY_EXISTS) and removes only its own', async () => {
    world = await startOpenStackWorld();
    const theirs = await startOpenStackWorld();
    try {
      // "Their" load balancer, made a moment before ours reaches Octavia (same name, nlbkit's tag).
      await theirs.driver.createNLB(request());
      const older = structuredClone(theirs.fake.state.lbs[0]!);
      older.created_at = new Date(Date.now() - 1000).toISOString();
      world.fake.onCall((c) => {
        if (
          c.method === 'POST' &&
          c.path.endsWith('/loadbalancers') &&
          !world?.fake.state.lbs.some((l) => l.id === older.id)
        )
          world?.fake.state.lbs.push(older);
      });
      await expect(world.driver.createNLB(request())).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(world.fake.state.lbs.map((l) => l.id)).toEqual([older.id]);
      expect((await world.driver.getNLB({ nameId: 'web' })).iid.systemId).toBe(older.id);
    } finally {
      await theirs.close();
    }
  });

  it('two processes adding VMs to one NLB at once: both land (no batch overwrites the other)', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(
      request({ vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }] } }),
    );
    const other = createOpenStackDriver(driverOptionsFor(world.fake));
    await Promise.all([
      world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }, { nameId: 'vm-3' }]),
      other.addVMs({ nameId: 'web' }, [{ nameId: 'vm-4' }]),
    ]);
    const names = (await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms.map((vm) => vm.nameId);
    expect(names).toEqual(['vm-1', 'vm-2', 'vm-3', 'vm-4']);
  });

  it('lists only the load balancers nlbkit made', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request());
    // A load balancer made by someone else (no nlbkit tag), with the same name.
    const foreign = structuredClone(world.fake.state.lbs[0]!);
    foreign.id = '00000000-0000-4000-8000-000000000000';
    foreign.tags = [];
    world.fake.state.lbs.push(foreign);
    expect((await world.driver.listIID()).map((i) => i.systemId)).toEqual([world.fake.state.lbs[0]?.id]);
    await world.driver.deleteNLB({ nameId: 'web' });
    expect(world.fake.state.lbs.map((lb) => lb.id)).toEqual([foreign.id]);
  });
});

describe('OpenStack driver: authentication', () => {
  it('authenticates with an application credential', async () => {
    world = await startOpenStackWorld();
    const { id, secret } = world.fake.credentials.applicationCredential;
    const driver = createOpenStackDriver(
      driverOptionsFor(world.fake, { auth: { type: 'applicationCredential', id, secret } }),
    );
    await driver.createNLB(request());
    expect((await driver.listIID()).map((i) => i.nameId)).toEqual(['web']);
  });

  it('a wrong password is PERMISSION_DENIED without the password in the error', async () => {
    world = await startOpenStackWorld();
    const password = 'wrong-password-secret-42';
    const driver = createOpenStackDriver(
      driverOptionsFor(world.fake, { auth: { username: 'demo', password, projectName: 'demo' } }),
    );
    const error = await driver.listNLB().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(password);
  });

  it('authenticates again once when a token is revoked, and keeps one token for concurrent calls', async () => {
    world = await startOpenStackWorld();
    await Promise.all([world.driver.listNLB(), world.driver.listIID(), world.driver.listNLB()]);
    const tokens = () => world?.fake.calls.filter((c) => c.service === 'identity').length;
    expect(tokens()).toBe(1);
    world.fake.revokeTokens();
    expect(await world.driver.listNLB()).toEqual([]);
    expect(tokens()).toBe(2);
  });

  it('an unreachable Keystone is UNAVAILABLE (retryable)', async () => {
    world = await startOpenStackWorld();
    const driver = createOpenStackDriver(driverOptionsFor(world.fake, { authUrl: 'http://127.0.0.1:1/v3' }));
    await expect(driver.listNLB()).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });

  it('a region the catalog does not have is named in the error', async () => {
    world = await startOpenStackWorld();
    const driver = createOpenStackDriver(driverOptionsFor(world.fake, { region: 'Mars' }));
    await expect(driver.listNLB()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('Mars'),
    });
  });
});

describe('OpenStack driver: the OVN provider', () => {
  it('creates with provider ovn, hashing SOURCE_IP_PORT by default', async () => {
    world = await startOpenStackWorld({ driver: { provider: 'ovn' } });
    const nlb = await world.driver.createNLB(request());
    expect(world.fake.state.lbs[0]?.provider).toBe('ovn');
    expect(world.fake.state.lbs[0]?.pools[0]?.lb_algorithm).toBe('SOURCE_IP_PORT');
    expect(nlb.vmGroup).toMatchObject({ algorithm: 'SOURCE_HASH', hashFields: 'SOURCE_IP_PORT' });
  });

  const refused: [string, Partial<NLBCreateRequest>, string][] = [
    [
      'round robin',
      { vmGroup: { protocol: 'TCP', port: 8080, algorithm: 'ROUND_ROBIN', vms: [] } },
      'vmGroup.algorithm',
    ],
    [
      'weights (OVN would ignore them)',
      { vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1', weight: 5 }] } },
      'vmGroup.vms[0].weight',
    ],
    ['an HTTP check', { healthChecker: { protocol: 'HTTP' } }, 'healthChecker.protocol'],
    ['a separate check port', { healthChecker: { protocol: 'TCP', port: 9000 } }, 'healthChecker.port'],
  ];
  for (const [what, over, path] of refused)
    it(`${what} is UNSUPPORTED on ${path} before any Octavia call`, async () => {
      world = await startOpenStackWorld({ driver: { provider: 'ovn' } });
      await expect(world.driver.createNLB(request(over))).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        violations: [expect.objectContaining({ path })],
      });
      expect(octaviaWrites(world)).toEqual([]);
    });

  it('a listener-port change is UNSUPPORTED (it would need a second listener on the pool)', async () => {
    world = await startOpenStackWorld({ driver: { provider: 'ovn' } });
    await world.driver.createNLB(request());
    const before = octaviaWrites(world).length;
    await expect(
      world.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 81 }),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
    expect(octaviaWrites(world)).toHaveLength(before);
  });

  it("Octavia's 501 for an option OVN does not support is UNSUPPORTED, and nothing changes", async () => {
    world = await startOpenStackWorld({ driver: { provider: 'ovn' } });
    await world.driver.createNLB(request());
    // A driver not told the provider (amphora capabilities) asks OVN for round robin.
    const unaware = createOpenStackDriver(driverOptionsFor(world.fake));
    await expect(
      unaware.changeVMGroupInfo(
        { nameId: 'web' },
        {
          protocol: 'TCP',
          port: 8080,
          algorithm: 'ROUND_ROBIN',
          vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }],
        },
      ),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining("Provider 'ovn' does not support"),
    });
    expect(world.fake.state.lbs[0]?.pools[0]?.lb_algorithm).toBe('SOURCE_IP_PORT');
    expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.algorithm).toBe('SOURCE_HASH');
  });
});

describe('OpenStack driver: health polling cost', () => {
  it('getVMGroupHealthInfo reads the NLB once and its status tree once', async () => {
    world = await startOpenStackWorld();
    await world.driver.createNLB(request());
    world.fake.calls.length = 0;
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    const calls = world.fake.calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/g, 'ID')}`);
    expect(calls).toEqual([
      'GET /v2/lbaas/loadbalancers', // find: the NLB by name
      'GET /v2/lbaas/listeners/ID', // find: listener, pool, members, address, check
      'GET /v2/lbaas/pools/ID',
      'GET /v2/lbaas/pools/ID/members',
      'GET /v2.0/floatingips',
      'GET /v2/lbaas/healthmonitors/ID',
      'GET /v2/lbaas/loadbalancers/ID/status', // health: every member's operating status at once
    ]);
    expect(health.allVMs.map((vm) => vm.nameId).sort()).toEqual(['vm-1', 'vm-2']);
  });
});
