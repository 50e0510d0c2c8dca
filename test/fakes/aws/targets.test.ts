import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  InvalidTargetException,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsFakeOptions } from './index.js';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

async function health(elb: ElasticLoadBalancingV2Client, tgArn: string) {
  const res = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
  return (res.TargetHealthDescriptions ?? []).map((d) => ({
    id: d.Target?.Id,
    state: d.TargetHealth?.State,
    reason: d.TargetHealth?.Reason,
  }));
}

describe('AWS fake: targets and simulated health through the real ELBv2 client', () => {
  let w: FakeWorld;
  afterEach(async () => {
    await w.close();
  });

  /** A world with a TCP group, optionally behind an LB listener. */
  async function setup(
    opts: AwsFakeOptions = {},
    withListener = true,
    targetType: 'instance' | 'ip' = 'instance',
  ) {
    w = await startWorld(opts);
    const tg = await w.elb.send(
      new CreateTargetGroupCommand({
        Name: 'tg',
        Protocol: 'TCP',
        Port: 80,
        VpcId: w.vpcId,
        TargetType: targetType,
      }),
    );
    const tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
    if (withListener) {
      const lb = await w.elb.send(
        new CreateLoadBalancerCommand({ Name: 'lb', Type: 'network', Subnets: [w.subnetIds[0]!] }),
      );
      await w.elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancers![0]!.LoadBalancerArn!,
          Protocol: 'TCP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        }),
      );
    }
    const a = w.fake.addInstance({ vpcId: w.vpcId, name: 'a' }).instanceId;
    return { tgArn, a };
  }

  it('goes initial (Elb.RegistrationInProgress) then healthy', async () => {
    const { tgArn, a } = await setup();
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    expect(await health(w.elb, tgArn)).toEqual([
      { id: a, state: 'initial', reason: 'Elb.RegistrationInProgress' },
    ]);
    expect(await health(w.elb, tgArn)).toEqual([{ id: a, state: 'healthy', reason: undefined }]);
    const full = await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    expect(full.TargetHealthDescriptions?.[0]?.Target?.Port).toBe(80);
    expect(full.TargetHealthDescriptions?.[0]?.HealthCheckPort).toBe('80');
    expect(w.fake.counts().targets).toBe(1);
  });

  it('honours healthyAfterDescribes', async () => {
    const { tgArn, a } = await setup({ healthyAfterDescribes: 2 });
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    const states = [];
    for (let k = 0; k < 4; k++) states.push((await health(w.elb, tgArn))[0]?.state);
    expect(states).toEqual(['initial', 'initial', 'healthy', 'healthy']);
  });

  it('reports unused (Target.NotInUse) when no load balancer uses the group', async () => {
    const { tgArn, a } = await setup({}, false);
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    expect(await health(w.elb, tgArn)).toEqual([{ id: a, state: 'unused', reason: 'Target.NotInUse' }]);
    expect(await health(w.elb, tgArn)).toEqual([{ id: a, state: 'unused', reason: 'Target.NotInUse' }]);
  });

  it('reports unused for an instance in an AZ the load balancer does not enable', async () => {
    const { tgArn } = await setup();
    const b = w.fake.addInstance({ vpcId: w.vpcId, name: 'b', subnetId: w.subnetIds[1] }).instanceId;
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: b }] }));
    expect((await health(w.elb, tgArn))[0]).toMatchObject({ state: 'unused', reason: 'Target.NotInUse' });
  });

  it('lets tests pin any state, reason and description', async () => {
    const { tgArn, a } = await setup();
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    w.fake.setTargetHealth(tgArn, a, 'unhealthy', 'Target.Timeout', 'Request timed out <&>');
    const res = await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    expect(res.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({
      State: 'unhealthy',
      Reason: 'Target.Timeout',
      Description: 'Request timed out <&>',
    });
    expect(() => w.fake.setTargetHealth(tgArn, 'i-00000000000000000', 'healthy')).toThrow(/not registered/);
  });

  it('removes deregistered targets at once by default', async () => {
    const { tgArn, a } = await setup();
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    await w.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    expect(await health(w.elb, tgArn)).toEqual([]);
    expect(w.fake.counts().targets).toBe(0);
    const again = await caught(() =>
      w.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] })),
    );
    expect(again).toBeInstanceOf(InvalidTargetException);
  });

  it('shows draining for drainingDescribes describes, then drops the target', async () => {
    const { tgArn, a } = await setup({ drainingDescribes: 2 });
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    await w.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    expect(w.fake.counts().targets).toBe(0);
    const d = { id: a, state: 'draining', reason: 'Target.DeregistrationInProgress' };
    expect(await health(w.elb, tgArn)).toEqual([d]);
    expect(await health(w.elb, tgArn)).toEqual([d]);
    expect(await health(w.elb, tgArn)).toEqual([]);
  });

  it('answers InvalidTarget for unknown instances and instances outside the group VPC', async () => {
    const { tgArn } = await setup();
    const unknown = await caught(() =>
      w.elb.send(
        new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: 'i-0123456789abcdef0' }] }),
      ),
    );
    expect(unknown).toBeInstanceOf(InvalidTargetException);
    const other = w.fake.addVpc();
    const far = w.fake.addInstance({ vpcId: other.vpcId, name: 'far' }).instanceId;
    const outside = await caught(() =>
      w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: far }] })),
    );
    expect(outside).toBeInstanceOf(InvalidTargetException);
    expect(outside.message).toContain(w.vpcId);
    expect(w.fake.counts().targets).toBe(0);
  });

  it('registers IP targets inside the VPC block only', async () => {
    const { tgArn } = await setup({}, true, 'ip');
    await w.elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '10.0.0.99', Port: 8080 }] }),
    );
    const res = await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    expect(res.TargetHealthDescriptions?.[0]?.Target).toMatchObject({ Id: '10.0.0.99', Port: 8080 });
    const out = await caught(() =>
      w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '192.168.1.1' }] })),
    );
    expect(out).toBeInstanceOf(InvalidTargetException);
  });

  it('describes asked-for targets, reporting unregistered ones as Target.NotRegistered', async () => {
    const { tgArn, a } = await setup();
    const b = w.fake.addInstance({ vpcId: w.vpcId, name: 'b' }).instanceId;
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }));
    const res = await w.elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }, { Id: b }] }),
    );
    expect(res.TargetHealthDescriptions?.map((d) => [d.Target?.Id, d.TargetHealth?.Reason])).toEqual([
      [a, 'Elb.RegistrationInProgress'],
      [b, 'Target.NotRegistered'],
    ]);
  });

  it('answers TargetGroupNotFound for an unknown group', async () => {
    await setup();
    const ghost = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ghost/0123456789abcdef';
    const err = await caught(() => w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: ghost })));
    expect(err).toBeInstanceOf(TargetGroupNotFoundException);
  });
});
