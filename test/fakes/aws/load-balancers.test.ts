import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DuplicateLoadBalancerNameException,
  InvalidSubnetException,
  LoadBalancerNotFoundException,
  SubnetNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: load balancers through the real ELBv2 client', () => {
  let w: FakeWorld;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const create = (name: string, extra: Record<string, unknown> = {}) =>
    w.elb.send(
      new CreateLoadBalancerCommand({ Name: name, Type: 'network', Subnets: w.subnetIds, ...extra }),
    );

  it('creates an NLB with a real-format ARN and DNS name, provisioning then active', async () => {
    const res = await create('web', { Scheme: 'internal', Tags: [{ Key: 'owner', Value: 'a<b&"c\'' }] });
    const lb = res.LoadBalancers?.[0];
    expect(lb?.LoadBalancerArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/net\/web\/[0-9a-f]{16}$/,
    );
    const id = lb?.LoadBalancerArn?.split('/').at(-1);
    expect(lb?.DNSName).toBe(`web-${id}.elb.us-east-1.amazonaws.com`);
    expect(lb).toMatchObject({
      Scheme: 'internal',
      Type: 'network',
      VpcId: w.vpcId,
      State: { Code: 'provisioning' },
    });
    expect(lb?.AvailabilityZones?.map((z) => [z.ZoneName, z.SubnetId])).toEqual([
      ['us-east-1a', w.subnetIds[0]],
      ['us-east-1b', w.subnetIds[1]],
    ]);
    expect(lb?.CreatedTime).toBeInstanceOf(Date);

    const first = await w.elb.send(new DescribeLoadBalancersCommand({ Names: ['web'] }));
    expect(first.LoadBalancers?.[0]?.State?.Code).toBe('provisioning');
    const second = await w.elb.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb!.LoadBalancerArn!] }),
    );
    expect(second.LoadBalancers?.[0]?.State?.Code).toBe('active');

    const tags = await w.elb.send(new DescribeTagsCommand({ ResourceArns: [lb!.LoadBalancerArn!] }));
    expect(tags.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'owner', Value: 'a<b&"c\'' }]);
  });

  it('reports active at once with activateAfterDescribes 0', async () => {
    const quick = await startWorld({ activateAfterDescribes: 0 });
    try {
      const res = await quick.elb.send(
        new CreateLoadBalancerCommand({ Name: 'q', Type: 'network', Subnets: quick.subnetIds }),
      );
      expect(res.LoadBalancers?.[0]?.State?.Code).toBe('active');
    } finally {
      await quick.close();
    }
  });

  it('honours activateAfterDescribes', async () => {
    const slow = await startWorld({ activateAfterDescribes: 3 });
    try {
      await slow.elb.send(
        new CreateLoadBalancerCommand({ Name: 's', Type: 'network', Subnets: slow.subnetIds }),
      );
      const codes: string[] = [];
      for (let k = 0; k < 5; k++) {
        const r = await slow.elb.send(new DescribeLoadBalancersCommand({}));
        codes.push(r.LoadBalancers?.[0]?.State?.Code ?? '');
      }
      expect(codes).toEqual(['provisioning', 'provisioning', 'provisioning', 'active', 'active']);
    } finally {
      await slow.close();
    }
  });

  it('defaults the scheme to internet-facing and is idempotent for identical settings', async () => {
    const a = await create('same');
    const b = await create('same');
    expect(b.LoadBalancers?.[0]?.LoadBalancerArn).toBe(a.LoadBalancers?.[0]?.LoadBalancerArn);
    // A repeated create is not a describe: the first describe still sees provisioning.
    expect(b.LoadBalancers?.[0]?.State?.Code).toBe('provisioning');
    const d = await w.elb.send(new DescribeLoadBalancersCommand({ Names: ['same'] }));
    expect(d.LoadBalancers?.[0]?.State?.Code).toBe('provisioning');
    expect(a.LoadBalancers?.[0]?.Scheme).toBe('internet-facing');
    expect(w.fake.counts().loadBalancers).toBe(1);
  });

  it('answers DuplicateLoadBalancerName when the name exists with other settings', async () => {
    await create('dup');
    const err = await caught(() => create('dup', { Scheme: 'internal' }));
    expect(err).toBeInstanceOf(DuplicateLoadBalancerNameException);
    expect(err.name).toBe('DuplicateLoadBalancerNameException');
    expect((err.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
  });

  it.each([
    ['-lead', 'cannot begin or end'],
    ['trail-', 'cannot begin or end'],
    ['internal-web', "cannot begin with 'internal-'"],
    ['a'.repeat(33), "longer than '32'"],
    ['under_score', 'alphanumeric'],
  ])('rejects the name %s with ValidationError', async (name, fragment) => {
    const err = await caught(() => create(name));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toContain(fragment);
    expect(w.fake.counts().loadBalancers).toBe(0);
  });

  it('accepts a 32-character name', async () => {
    const res = await create(`a${'-b'.repeat(15)}c`);
    expect(res.LoadBalancers?.[0]?.LoadBalancerName).toHaveLength(32);
  });

  it('rejects a non-network Type', async () => {
    const err = await caught(() =>
      w.elb.send(new CreateLoadBalancerCommand({ Name: 'x', Subnets: w.subnetIds })),
    );
    expect(err.name).toBe('ValidationError');
  });

  it('checks subnets: existence, one VPC, one per AZ', async () => {
    const missing = await caught(() => create('m', { Subnets: ['subnet-0000000000000000f'] }));
    expect(missing).toBeInstanceOf(SubnetNotFoundException);
    const other = w.fake.addVpc({ azs: ['us-east-1c'] });
    const mixed = await caught(() => create('m', { Subnets: [w.subnetIds[0], other.subnetIds[0]] }));
    expect(mixed).toBeInstanceOf(InvalidSubnetException);
    const twoInA = w.fake.addVpc({ azs: ['us-east-1a', 'us-east-1a'] });
    const sameAz = await caught(() => create('m', { Subnets: twoInA.subnetIds }));
    expect(sameAz.name).toBe('InvalidConfigurationRequestException');
    const none = await caught(() => create('m', { Subnets: [] }));
    expect(none.name).toBe('ValidationError');
  });

  it('reports LoadBalancerNotFound for unknown names and ARNs', async () => {
    await create('known');
    const byName = await caught(() =>
      w.elb.send(new DescribeLoadBalancersCommand({ Names: ['known', 'ghost'] })),
    );
    expect(byName).toBeInstanceOf(LoadBalancerNotFoundException);
    expect(byName.message).toContain('ghost');
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/ghost/0123456789abcdef';
    const byArn = await caught(() =>
      w.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] })),
    );
    expect(byArn).toBeInstanceOf(LoadBalancerNotFoundException);
    const badArn = await caught(() =>
      w.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: ['nope'] })),
    );
    expect(badArn.name).toBe('ValidationError');
  });

  it('pages DescribeLoadBalancers with PageSize and an opaque Marker', async () => {
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    for (const n of names) await create(n);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const res = await w.elb.send(new DescribeLoadBalancersCommand({ PageSize: 2, Marker: marker }));
      expect(res.LoadBalancers?.length).toBeLessThanOrEqual(2);
      seen.push(...(res.LoadBalancers ?? []).map((lb) => lb.LoadBalancerName!));
      marker = res.NextMarker;
      pages += 1;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
    const bad = await caught(() => w.elb.send(new DescribeLoadBalancersCommand({ Marker: 'garbage' })));
    expect(bad.name).toBe('ValidationError');
    const big = await caught(() => w.elb.send(new DescribeLoadBalancersCommand({ PageSize: 401 })));
    expect(big.name).toBe('ValidationError');
  });

  it('deletes, and deleting an absent load balancer succeeds as on AWS', async () => {
    const arn = (await create('gone')).LoadBalancers![0]!.LoadBalancerArn!;
    await w.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    expect(w.fake.counts().loadBalancers).toBe(0);
    await w.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    const all = await w.elb.send(new DescribeLoadBalancersCommand({}));
    expect(all.LoadBalancers ?? []).toEqual([]);
  });
});
