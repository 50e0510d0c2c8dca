import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateTagKeysException,
  ModifyListenerCommand,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  TooManyTagsException,
  waitUntilLoadBalancerAvailable,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: a full NLB lifecycle through the real SDK clients', () => {
  let w: FakeWorld;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it('creates, waits, serves, repoints (change VM group), and tears down', async () => {
    const names = ['vm-1', 'vm-2'];
    for (const name of names) w.fake.addInstance({ vpcId: w.vpcId, name });
    const found = await w.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: names }] }),
    );
    const ids = found.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!) ?? [];
    expect(ids).toHaveLength(2);

    const lb = (
      await w.elb.send(
        new CreateLoadBalancerCommand({
          Name: 'nlb-1',
          Type: 'network',
          Scheme: 'internal',
          Subnets: w.subnetIds,
          Tags: [{ Key: 'nlbkit', Value: 'nlb-1' }],
        }),
      )
    ).LoadBalancers![0]!;
    const waited = await waitUntilLoadBalancerAvailable(
      { client: w.elb, maxWaitTime: 5, minDelay: 0.01, maxDelay: 0.02 },
      { LoadBalancerArns: [lb.LoadBalancerArn!] },
    );
    expect(waited.state).toBe('SUCCESS');

    const tg = (
      await w.elb.send(
        new CreateTargetGroupCommand({ Name: 'nlb-1-g1', Protocol: 'TCP', Port: 8080, VpcId: w.vpcId }),
      )
    ).TargetGroups![0]!;
    await w.elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn!, Targets: ids.map((Id) => ({ Id })) }),
    );
    const listener = (
      await w.elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn!,
          Protocol: 'TCP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn! }],
        }),
      )
    ).Listeners![0]!;
    expect(w.fake.counts()).toEqual({ loadBalancers: 1, targetGroups: 1, listeners: 1, targets: 2 });

    // Change the VM group the AWS way: new group, register, repoint the listener, delete the old group.
    const tg2 = (
      await w.elb.send(
        new CreateTargetGroupCommand({ Name: 'nlb-1-g2', Protocol: 'TCP', Port: 9090, VpcId: w.vpcId }),
      )
    ).TargetGroups![0]!;
    await w.elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: tg2.TargetGroupArn!, Targets: [{ Id: ids[0]! }] }),
    );
    await w.elb.send(
      new ModifyListenerCommand({
        ListenerArn: listener.ListenerArn!,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg2.TargetGroupArn! }],
      }),
    );
    const oldUsers = await w.elb.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [tg.TargetGroupArn!] }),
    );
    expect(oldUsers.TargetGroups?.[0]?.LoadBalancerArns).toEqual([]);
    await w.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn! }));

    await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg2.TargetGroupArn! }));
    const h = await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg2.TargetGroupArn! }));
    expect(
      h.TargetHealthDescriptions?.map((d) => [d.Target?.Id, d.Target?.Port, d.TargetHealth?.State]),
    ).toEqual([[ids[0], 9090, 'healthy']]);

    const tags = await w.elb.send(new DescribeTagsCommand({ ResourceArns: [lb.LoadBalancerArn!] }));
    expect(tags.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'nlbkit', Value: 'nlb-1' }]);

    await w.elb.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn! }));
    const none = await w.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn! }));
    expect(none.Listeners ?? []).toEqual([]);
    await w.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg2.TargetGroupArn! }));
    await w.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn! }));
    expect(w.fake.counts()).toEqual({ loadBalancers: 0, targetGroups: 0, listeners: 0, targets: 0 });
    const all = await w.elb.send(new DescribeLoadBalancersCommand({}));
    expect(all.LoadBalancers ?? []).toEqual([]);
  });

  it('adds, overwrites, removes and limits tags on any ELBv2 resource', async () => {
    const tg = (
      await w.elb.send(new CreateTargetGroupCommand({ Name: 't', Protocol: 'TCP', Port: 1, VpcId: w.vpcId }))
    ).TargetGroups![0]!.TargetGroupArn!;
    await w.elb.send(
      new AddTagsCommand({
        ResourceArns: [tg],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await w.elb.send(new AddTagsCommand({ ResourceArns: [tg], Tags: [{ Key: 'a', Value: '3' }] }));
    await w.elb.send(new RemoveTagsCommand({ ResourceArns: [tg], TagKeys: ['b'] }));
    const res = await w.elb.send(new DescribeTagsCommand({ ResourceArns: [tg] }));
    expect(res.TagDescriptions).toEqual([{ ResourceArn: tg, Tags: [{ Key: 'a', Value: '3' }] }]);

    const dup = await caught(() =>
      w.elb.send(
        new AddTagsCommand({
          ResourceArns: [tg],
          Tags: [
            { Key: 'k', Value: '1' },
            { Key: 'k', Value: '2' },
          ],
        }),
      ),
    );
    expect(dup).toBeInstanceOf(DuplicateTagKeysException);
    const many = Array.from({ length: 50 }, (_, k) => ({ Key: `k${k}`, Value: 'v' }));
    expect(
      await caught(() => w.elb.send(new AddTagsCommand({ ResourceArns: [tg], Tags: many }))),
    ).toBeInstanceOf(TooManyTagsException);
    const tooMany = Array.from({ length: 21 }, () => tg);
    expect((await caught(() => w.elb.send(new DescribeTagsCommand({ ResourceArns: tooMany })))).name).toBe(
      'ValidationError',
    );
    const ghost =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/ghost/0123456789abcdef';
    expect((await caught(() => w.elb.send(new DescribeTagsCommand({ ResourceArns: [ghost] })))).name).toBe(
      'LoadBalancerNotFoundException',
    );
  });
});
