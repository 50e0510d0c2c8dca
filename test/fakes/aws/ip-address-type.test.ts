/** The AWS fake's dual-stack rules, through the real ELBv2 and EC2 clients. */
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  SetIpAddressTypeCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: IpAddressType through the real clients', () => {
  let w: FakeWorld;
  let dual: { vpcId: string; subnetIds: string[] };
  beforeEach(async () => {
    w = await startWorld();
    dual = w.fake.addVpc({ name: 'dual', ipv6: true });
  });
  afterEach(async () => {
    await w.close();
  });

  const create = (name: string, subnets: string[], type?: string) =>
    w.elb.send(
      new CreateLoadBalancerCommand({
        Name: name,
        Type: 'network',
        Subnets: subnets,
        ...(type ? { IpAddressType: type as 'dualstack' } : {}),
      }),
    );

  it('DescribeSubnets shows the IPv6 block of a dual-stack subnet, and none elsewhere', async () => {
    const res = await w.ec2.send(
      new DescribeSubnetsCommand({ SubnetIds: [dual.subnetIds[0]!, w.subnetIds[0]!] }),
    );
    const byId = new Map(res.Subnets?.map((s) => [s.SubnetId, s.Ipv6CidrBlockAssociationSet]));
    expect(byId.get(dual.subnetIds[0])).toEqual([
      expect.objectContaining({
        Ipv6CidrBlock: expect.stringMatching(/::\/64$/),
        Ipv6CidrBlockState: { State: 'associated' },
      }),
    ]);
    expect(byId.get(w.subnetIds[0]) ?? []).toEqual([]);
  });

  it('creates a dualstack NLB on subnets with IPv6 blocks and reports it', async () => {
    const lb = (await create('ds', dual.subnetIds, 'dualstack')).LoadBalancers?.[0];
    expect(lb?.IpAddressType).toBe('dualstack');
    const read = await w.elb.send(new DescribeLoadBalancersCommand({ Names: ['ds'] }));
    expect(read.LoadBalancers?.[0]?.IpAddressType).toBe('dualstack');
  });

  it('refuses dualstack on subnets without an IPv6 block, and dualstack-without-public-ipv4 on an NLB', async () => {
    const noV6 = await caught(() => create('v4only', w.subnetIds, 'dualstack'));
    expect(noV6).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    expect(noV6.message).toBe('You must specify subnets with an associated IPv6 CIDR block.');
    const alb = await caught(() => create('albonly', dual.subnetIds, 'dualstack-without-public-ipv4'));
    expect(alb).toMatchObject({ name: 'ValidationError' });
    const all = await w.elb.send(new DescribeLoadBalancersCommand({}));
    expect(all.LoadBalancers ?? []).toEqual([]);
  });

  it('SetIpAddressType switches ipv4 <-> dualstack, and refuses dualstack without IPv6 subnets', async () => {
    const arn = (await create('sw', dual.subnetIds)).LoadBalancers?.[0]?.LoadBalancerArn as string;
    const set = (IpAddressType: 'ipv4' | 'dualstack') =>
      w.elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: arn, IpAddressType }));
    expect((await set('dualstack')).IpAddressType).toBe('dualstack');
    expect(
      (await w.elb.send(new DescribeLoadBalancersCommand({ Names: ['sw'] }))).LoadBalancers?.[0]
        ?.IpAddressType,
    ).toBe('dualstack');
    expect((await set('ipv4')).IpAddressType).toBe('ipv4');

    const plainArn = (await create('plain', w.subnetIds)).LoadBalancers?.[0]?.LoadBalancerArn as string;
    const refused = await caught(() =>
      w.elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: plainArn, IpAddressType: 'dualstack' })),
    );
    expect(refused).toMatchObject({ name: 'ValidationError' });
    const plain = await w.elb.send(new DescribeLoadBalancersCommand({ Names: ['plain'] }));
    expect(plain.LoadBalancers?.[0]?.IpAddressType).toBe('ipv4');
  });
});
