/** AWS-specific behaviour of the driver, through the real SDK over HTTP to the AWS fake. */

import { afterEach, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { type AwsWorld, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: AwsWorld, patch: Partial<NLBCreateRequest> = {}): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: w.vpcIID,
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP' },
  ...patch,
});
const actions = (w: AwsWorld) => w.fake.calls.map((c) => c.action);
const paramsOf = (w: AwsWorld, action: string) => w.fake.calls.find((c) => c.action === action)?.params ?? {};

describe('scheme and protocols', () => {
  it('INTERNAL creates Scheme=internal and reads back as INTERNAL', async () => {
    world = await startAwsWorld();
    const nlb = await world.driver.createNLB(request(world, { type: 'INTERNAL' }));
    expect(paramsOf(world, 'CreateLoadBalancer').Scheme).toBe('internal');
    expect(nlb.type).toBe('INTERNAL');
    expect((await world.driver.getNLB({ nameId: 'web' })).type).toBe('INTERNAL');
  });

  it('PUBLIC (the default) creates Scheme=internet-facing', async () => {
    world = await startAwsWorld();
    const nlb = await world.driver.createNLB(request(world));
    expect(paramsOf(world, 'CreateLoadBalancer').Scheme).toBe('internet-facing');
    expect(nlb.type).toBe('PUBLIC');
  });

  it('a UDP group gets the TCP check it asks for; a UDP check is refused before any AWS call', async () => {
    world = await startAwsWorld();
    const udp = {
      listener: { protocol: 'UDP' as const, port: 53 },
      healthChecker: { protocol: 'UDP' as const },
    };
    const group = { protocol: 'UDP' as const, port: 5353, vms: [{ nameId: 'vm-1' }] };
    await expect(world.driver.createNLB(request(world, { ...udp, vmGroup: group }))).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      violations: [expect.objectContaining({ path: 'healthChecker.protocol', allowed: 'TCP|HTTP|HTTPS' })],
    });
    expect(world.fake.calls).toHaveLength(0);
    const nlb = await world.driver.createNLB(
      request(world, { ...udp, vmGroup: group, healthChecker: { protocol: 'TCP', port: 5354 } }),
    );
    expect(paramsOf(world, 'CreateTargetGroup')).toMatchObject({
      Protocol: 'UDP',
      HealthCheckProtocol: 'TCP',
      HealthCheckPort: '5354',
    });
    expect(nlb.healthChecker).toMatchObject({ protocol: 'TCP', port: 5354 });
    expect((await world.driver.getNLB({ nameId: 'web' })).healthChecker.protocol).toBe('TCP');
  });
});

describe('capabilities are enforced before any AWS call', () => {
  const cases: [string, (w: AwsWorld) => NLBCreateRequest, string][] = [
    [
      'interval 3',
      (w) => request(w, { healthChecker: { protocol: 'TCP', interval: 3, timeout: 2 } }),
      'healthChecker.interval',
    ],
    [
      'interval 301',
      (w) => request(w, { healthChecker: { protocol: 'TCP', interval: 301 } }),
      'healthChecker.interval',
    ],
    [
      'timeout 121',
      (w) => request(w, { healthChecker: { protocol: 'TCP', interval: 300, timeout: 121 } }),
      'healthChecker.timeout',
    ],
    [
      'healthy threshold 11',
      (w) => request(w, { healthChecker: { protocol: 'TCP', healthyThreshold: 11 } }),
      'healthChecker.healthyThreshold',
    ],
    [
      'unhealthy threshold 1',
      (w) => request(w, { healthChecker: { protocol: 'TCP', unhealthyThreshold: 1 } }),
      'healthChecker.unhealthyThreshold',
    ],
    ['a 33-character name', (w) => request(w, { iid: { nameId: 'a'.repeat(33) } }), 'iid.nameId'],
    [
      "a name starting with 'internal-'",
      (w) => request(w, { iid: { nameId: 'internal-web' } }),
      'iid.nameId',
    ],
    [
      'a listener IP',
      (w) => request(w, { listener: { protocol: 'TCP', port: 80, ip: '10.0.0.9' } }),
      'listener.ip',
    ],
    [
      'weights',
      (w) => request(w, { vmGroup: { protocol: 'TCP', port: 80, vms: [{ nameId: 'vm-1', weight: 3 }] } }),
      'vmGroup.vms[0].weight',
    ],
    [
      'ROUND_ROBIN',
      (w) => request(w, { vmGroup: { protocol: 'TCP', port: 80, vms: [], algorithm: 'ROUND_ROBIN' } }),
      'vmGroup.algorithm',
    ],
    [
      'source-IP-only hashing',
      (w) =>
        request(w, {
          vmGroup: { protocol: 'TCP', port: 80, vms: [], algorithm: 'SOURCE_HASH', hashFields: 'SOURCE_IP' },
        }),
      'vmGroup.hashFields',
    ],
    ['GLOBAL scope', (w) => request(w, { scope: 'GLOBAL' }), 'scope'],
  ];
  for (const [what, make, path] of cases)
    it(`${what} -> UNSUPPORTED naming ${path}`, async () => {
      world = await startAwsWorld();
      const err = await world.driver.createNLB(make(world)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'UNSUPPORTED' });
      expect((err as { violations: { path: string }[] }).violations.map((v) => v.path)).toContain(path);
      expect(world.fake.calls).toHaveLength(0);
    });

  it('a 32-character name is accepted', async () => {
    world = await startAwsWorld();
    const nlb = await world.driver.createNLB(request(world, { iid: { nameId: 'b'.repeat(32) } }));
    expect(nlb.iid.nameId).toHaveLength(32);
  });
});

describe('request counting', () => {
  it('createNLB makes exactly 9 calls when the load balancer is active at the first poll', async () => {
    world = await startAwsWorld({ fake: { activateAfterDescribes: 0 } });
    await world.driver.createNLB(request(world));
    expect(actions(world)).toEqual([
      'DescribeLoadBalancers', // is the name free? (the guarded handler's check)
      'DescribeSubnets',
      'DescribeInstances',
      'CreateLoadBalancer',
      'DescribeTags', // is it this call's (CreateLoadBalancer is idempotent: it may answer with another's)?
      'CreateTargetGroup',
      'RegisterTargets',
      'CreateListener',
      'DescribeLoadBalancers', // poll until active
    ]);
  });

  it('each further poll adds one DescribeLoadBalancers, and a VPC named by tag adds DescribeVpcs', async () => {
    world = await startAwsWorld({ fake: { activateAfterDescribes: 2 } });
    await world.driver.createNLB(request(world, { vpcIID: { nameId: 'main' } }));
    expect(actions(world)).toHaveLength(9 + 1 + 2);
    expect(actions(world).filter((a) => a === 'DescribeVpcs')).toHaveLength(1);
  });

  /** What reading one NLB costs. */
  const READ = [
    'DescribeLoadBalancers',
    'DescribeTags',
    'DescribeListeners',
    'DescribeTargetGroups',
    'DescribeTargetGroupAttributes',
    'DescribeTargetHealth',
    'DescribeInstances',
  ];

  it('getNLB makes 7 calls', async () => {
    world = await startAwsWorld();
    await world.driver.createNLB(request(world));
    world.fake.resetCalls();
    await world.driver.getNLB({ nameId: 'web' });
    expect(actions(world)).toEqual(READ);
  });

  it('getVMGroupHealthInfo makes the same 7 calls: the targets’ health is read once', async () => {
    world = await startAwsWorld();
    await world.driver.createNLB(request(world));
    world.fake.resetCalls();
    const health = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    expect(actions(world)).toEqual(READ);
    expect(health.allVMs.map((vm) => vm.nameId).sort()).toEqual(['vm-1', 'vm-2']);
  });
});

describe('throttling', () => {
  it('a throttled call at any step of createNLB is retried and the create succeeds', async () => {
    for (const action of [
      'DescribeLoadBalancers',
      'DescribeSubnets',
      'DescribeInstances',
      'CreateLoadBalancer',
      'CreateTargetGroup',
      'RegisterTargets',
      'CreateListener',
    ]) {
      world = await startAwsWorld();
      world.fake.throttle(action, 2);
      const nlb = await world.driver.createNLB(request(world));
      expect(nlb.iid.nameId).toBe('web');
      expect(actions(world).filter((a) => a === action).length).toBeGreaterThanOrEqual(3);
      expect(world.fake.counts()).toMatchObject({
        loadBalancers: 1,
        targetGroups: 1,
        listeners: 1,
        targets: 2,
      });
      await world.close();
      world = undefined;
    }
  });

  it('throttling on every call type is absorbed by retries', async () => {
    world = await startAwsWorld();
    await world.driver.createNLB(request(world));
    world.fake.throttle('*', 2);
    expect((await world.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-3' }])).vmGroup.vms).toHaveLength(3);
  });

  it('persistent throttling ends in THROTTLED, retryable, after 1 + maxRetries tries', async () => {
    world = await startAwsWorld();
    world.fake.throttle('DescribeLoadBalancers', 100);
    const err = await world.driver.getNLB({ nameId: 'web' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'THROTTLED', retryable: true, operation: 'getNLB' });
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(actions(world)).toEqual([
      'DescribeLoadBalancers',
      'DescribeLoadBalancers',
      'DescribeLoadBalancers',
    ]);
  });

  it('persistent EC2 throttling (RequestLimitExceeded, HTTP 503) ends in THROTTLED with nothing created', async () => {
    world = await startAwsWorld();
    world.fake.throttle('DescribeInstances', 100);
    await expect(world.driver.createNLB(request(world))).rejects.toMatchObject({ code: 'THROTTLED' });
    expect(world.fake.counts().loadBalancers).toBe(0);
  });
});

describe('health', () => {
  it('maps every AWS target state as documented', async () => {
    world = await startAwsWorld({ vmCount: 6, fake: { healthyAfterDescribes: 1000 } });
    const vms = world.vms.map((vm) => ({ nameId: vm.nameId }));
    const nlb = await world.driver.createNLB(
      request(world, { vmGroup: { protocol: 'TCP', port: 8080, vms } }),
    );
    const tg = nlb.vmGroup.cspId as string;
    const id = (n: number) => world?.vms[n - 1]?.systemId as string;
    world.fake.setTargetHealth(tg, id(1), 'healthy');
    world.fake.setTargetHealth(tg, id(2), 'unhealthy', 'Target.FailedHealthChecks', 'Health checks failed');
    world.fake.setTargetHealth(tg, id(3), 'unhealthy.draining', 'Target.DeregistrationInProgress');
    world.fake.setTargetHealth(tg, id(4), 'unused', 'Target.InvalidState', 'Target is in the stopped state');
    world.fake.setTargetHealth(tg, id(5), 'unavailable', 'Target.HealthCheckDisabled');
    // vm-6 stays `initial`.
    const h = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    const names = (l: { nameId: string }[]) => l.map((v) => v.nameId).sort();
    expect(names(h.healthyVMs)).toEqual(['vm-1']);
    expect(names(h.unhealthyVMs)).toEqual(['vm-2', 'vm-3', 'vm-4']);
    expect(names(h.unknownVMs)).toEqual(['vm-5', 'vm-6']);
    expect(h.details.find((d) => d.vm.nameId === 'vm-2')).toMatchObject({
      state: 'UNHEALTHY',
      providerState: 'unhealthy',
      reason: 'Target.FailedHealthChecks: Health checks failed',
    });
    expect(h.details.find((d) => d.vm.nameId === 'vm-6')?.providerState).toBe('initial');
  });

  it('a deregistered target that is draining is no longer a member', async () => {
    world = await startAwsWorld({ fake: { drainingDescribes: 100 } });
    await world.driver.createNLB(request(world));
    await world.driver.removeVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }]);
    const h = await world.driver.getVMGroupHealthInfo({ nameId: 'web' });
    expect(h.allVMs.map((v) => v.nameId)).toEqual(['vm-1']);
    expect((await world.driver.getNLB({ nameId: 'web' })).vmGroup.vms.map((v) => v.nameId)).toEqual(['vm-1']);
    expect(world.fake.calls.filter((c) => c.action === 'DescribeTargetHealth').length).toBeGreaterThan(0);
  });

  it('changeHealthCheckerInfo sends every setting to ModifyTargetGroup', async () => {
    world = await startAwsWorld();
    await world.driver.createNLB(request(world));
    const hc = {
      protocol: 'HTTP' as const,
      interval: 20,
      timeout: 6,
      healthyThreshold: 4,
      unhealthyThreshold: 3,
      httpPath: '/healthz',
      expectedCodes: '200-299',
    };
    const changed = await world.driver.changeHealthCheckerInfo({ nameId: 'web' }, hc);
    expect(paramsOf(world, 'ModifyTargetGroup')).toMatchObject({
      HealthCheckProtocol: 'HTTP',
      HealthCheckIntervalSeconds: '20',
      HealthCheckTimeoutSeconds: '6',
      HealthyThresholdCount: '4',
      UnhealthyThresholdCount: '3',
      HealthCheckPath: '/healthz',
      'Matcher.HttpCode': '200-299',
    });
    expect(changed.healthChecker).toMatchObject(hc);
    expect((await world.driver.getNLB({ nameId: 'web' })).healthChecker).toMatchObject(hc);
  });
});

describe('deleteNLB after a delete that failed part way', () => {
  it('finds and removes target groups left when the load balancer is already gone; nothing else sees them', async () => {
    world = await startAwsWorld();
    await world.driver.createNLB(request(world));
    world.fake.failOn('DeleteTargetGroup', { code: 'ResourceInUse', status: 400 });
    await expect(world.driver.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(world.fake.counts()).toMatchObject({ loadBalancers: 0, targetGroups: 1 });
    await expect(world.driver.getNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await world.driver.listNLB()).toEqual([]);
    expect(await world.driver.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(world.fake.counts()).toMatchObject({ loadBalancers: 0, targetGroups: 0 });
    await expect(world.driver.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
