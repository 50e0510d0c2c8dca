import {
  CreateTargetGroupCommand,
  type CreateTargetGroupCommandInput,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
  DuplicateTargetGroupNameException,
  ModifyTargetGroupCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: target groups through the real ELBv2 client', () => {
  let w: FakeWorld;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const create = (name: string, extra: Partial<CreateTargetGroupCommandInput> = {}) =>
    w.elb.send(
      new CreateTargetGroupCommand({ Name: name, Protocol: 'TCP', Port: 80, VpcId: w.vpcId, ...extra }),
    );

  it('creates a TCP group with the NLB defaults and a real-format ARN', async () => {
    const tg = (await create('tg1')).TargetGroups?.[0];
    expect(tg?.TargetGroupArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/tg1\/[0-9a-f]{16}$/,
    );
    expect(tg).toMatchObject({
      Protocol: 'TCP',
      Port: 80,
      VpcId: w.vpcId,
      TargetType: 'instance',
      HealthCheckProtocol: 'TCP',
      HealthCheckPort: 'traffic-port',
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 10,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckEnabled: true,
    });
    expect(tg?.HealthCheckPath).toBeUndefined();
    expect(tg?.LoadBalancerArns).toEqual([]);
  });

  it('keeps HTTP health settings, with path and matcher', async () => {
    const tg = (
      await create('h', {
        Protocol: 'UDP',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: '8080',
        HealthCheckPath: '/healthz',
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 2,
        HealthyThresholdCount: 10,
        UnhealthyThresholdCount: 3,
        Matcher: { HttpCode: '200-299' },
        TargetType: 'ip',
      })
    ).TargetGroups?.[0];
    expect(tg).toMatchObject({
      Protocol: 'UDP',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: '8080',
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 2,
      HealthyThresholdCount: 10,
      UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200-299' },
      TargetType: 'ip',
    });
  });

  it.each([
    [{ HealthCheckIntervalSeconds: 4 }, 'greater than or equal to 5'],
    [{ HealthCheckIntervalSeconds: 301 }, 'less than or equal to 300'],
    [{ HealthCheckTimeoutSeconds: 1 }, 'greater than or equal to 2'],
    [{ HealthCheckTimeoutSeconds: 121, HealthCheckIntervalSeconds: 300 }, 'less than or equal to 120'],
    [{ HealthyThresholdCount: 1 }, 'healthyThresholdCount'],
    [{ HealthyThresholdCount: 11 }, 'healthyThresholdCount'],
    [{ UnhealthyThresholdCount: 1 }, 'unhealthyThresholdCount'],
    [{ UnhealthyThresholdCount: 11 }, 'unhealthyThresholdCount'],
    [{ HealthCheckTimeoutSeconds: 20, HealthCheckIntervalSeconds: 10 }, 'interval'],
    [{ Protocol: 'UDP', HealthCheckProtocol: 'UDP' }, "'UDP'"],
    [{ HealthCheckProtocol: 'TLS' }, "'TLS'"],
    [{ HealthCheckProtocol: 'PING' }, 'enum value set'],
    [{ HealthCheckPath: '/x' }, 'path'],
    [{ HealthCheckProtocol: 'HTTP', HealthCheckPath: 'nope' }, "start with '/'"],
    [{ HealthCheckProtocol: 'HTTP', Matcher: { HttpCode: '100' } }, '200-599'],
    [{ HealthCheckPort: '0' }, 'traffic-port'],
    [{ Protocol: 'HTTP' }, 'network load balancers only'],
    [{ Port: 0 }, 'port'],
    [{ VpcId: 'vpc-00000000000000000' }, 'not found'],
    [{ Name: 'bad_name' }, 'alphanumeric'],
    [{ Name: 'x'.repeat(33) }, "'32'"],
    [{ Name: 'end-' }, "'-'"],
  ] as [Partial<CreateTargetGroupCommandInput>, string][])(
    'rejects %j with ValidationError',
    async (extra, fragment) => {
      const err = await caught(() => create('v', extra));
      expect(err.name).toBe('ValidationError');
      expect(err.message).toContain(fragment);
      expect(w.fake.counts().targetGroups).toBe(0);
    },
  );

  it('accepts the range bounds', async () => {
    const lo = await create('lo', {
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 2,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
    });
    expect(lo.TargetGroups?.[0]?.HealthCheckIntervalSeconds).toBe(5);
    const hi = await create('hi', {
      HealthCheckIntervalSeconds: 300,
      HealthCheckTimeoutSeconds: 120,
      HealthyThresholdCount: 10,
      UnhealthyThresholdCount: 10,
    });
    expect(hi.TargetGroups?.[0]?.HealthCheckTimeoutSeconds).toBe(120);
  });

  it('is idempotent for identical settings and answers DuplicateTargetGroupName otherwise', async () => {
    const a = await create('d');
    const b = await create('d');
    expect(b.TargetGroups?.[0]?.TargetGroupArn).toBe(a.TargetGroups?.[0]?.TargetGroupArn);
    const err = await caught(() => create('d', { Port: 81 }));
    expect(err).toBeInstanceOf(DuplicateTargetGroupNameException);
  });

  it('describes by names, ARNs and all, and pages', async () => {
    const arns: string[] = [];
    for (const n of ['a', 'b', 'c']) arns.push((await create(n)).TargetGroups![0]!.TargetGroupArn!);
    const byName = await w.elb.send(new DescribeTargetGroupsCommand({ Names: ['b'] }));
    expect(byName.TargetGroups?.map((t) => t.TargetGroupArn)).toEqual([arns[1]]);
    const byArn = await w.elb.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [arns[2]!, arns[0]!] }),
    );
    expect(byArn.TargetGroups?.map((t) => t.TargetGroupName).sort()).toEqual(['a', 'c']);
    const p1 = await w.elb.send(new DescribeTargetGroupsCommand({ PageSize: 2 }));
    expect(p1.TargetGroups?.map((t) => t.TargetGroupName)).toEqual(['a', 'b']);
    const p2 = await w.elb.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: p1.NextMarker }));
    expect(p2.TargetGroups?.map((t) => t.TargetGroupName)).toEqual(['c']);
    expect(p2.NextMarker).toBeUndefined();
    const missing = await caught(() => w.elb.send(new DescribeTargetGroupsCommand({ Names: ['zz'] })));
    expect(missing).toBeInstanceOf(TargetGroupNotFoundException);
  });

  it('modifies health settings, validating the merged result', async () => {
    const arn = (await create('m')).TargetGroups![0]!.TargetGroupArn!;
    const res = await w.elb.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: arn,
        HealthCheckProtocol: 'HTTPS',
        HealthCheckIntervalSeconds: 10,
        HealthCheckTimeoutSeconds: 5,
      }),
    );
    expect(res.TargetGroups?.[0]).toMatchObject({
      HealthCheckProtocol: 'HTTPS',
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200-399' },
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
    });
    const bad = await caught(() =>
      w.elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckTimeoutSeconds: 11 })),
    );
    expect(bad.name).toBe('ValidationError');
    const after = await w.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
    expect(after.TargetGroups?.[0]?.HealthCheckTimeoutSeconds).toBe(5);
    const back = await w.elb.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckProtocol: 'TCP' }),
    );
    expect(back.TargetGroups?.[0]?.HealthCheckPath).toBeUndefined();
    expect(back.TargetGroups?.[0]?.Matcher).toBeUndefined();
  });

  it('answers TargetGroupNotFound when modifying an unknown group; deleting one succeeds', async () => {
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ghost/0123456789abcdef';
    const err = await caught(() =>
      w.elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckIntervalSeconds: 10 })),
    );
    expect(err).toBeInstanceOf(TargetGroupNotFoundException);
    await w.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    const real = (await create('del')).TargetGroups![0]!.TargetGroupArn!;
    await w.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: real }));
    expect(w.fake.counts().targetGroups).toBe(0);
  });
});
