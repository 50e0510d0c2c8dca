import { DescribeInstancesCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: EC2 describes through the real EC2Client', () => {
  let w: FakeWorld;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it('describes VPCs by id and by tag filter, with Name tags', async () => {
    const other = w.fake.addVpc({ name: 'other', cidr: '172.16.0.0/16' });
    const byId = await w.ec2.send(new DescribeVpcsCommand({ VpcIds: [other.vpcId] }));
    expect(byId.Vpcs).toHaveLength(1);
    expect(byId.Vpcs?.[0]).toMatchObject({
      VpcId: other.vpcId,
      CidrBlock: '172.16.0.0/16',
      State: 'available',
    });
    expect(byId.Vpcs?.[0]?.Tags).toEqual([{ Key: 'Name', Value: 'other' }]);
    const byTag = await w.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['ma*'] }] }),
    );
    expect(byTag.Vpcs?.map((v) => v.VpcId)).toEqual([w.vpcId]);
    const all = await w.ec2.send(new DescribeVpcsCommand({}));
    expect(all.Vpcs?.map((v) => v.VpcId).sort()).toEqual([w.vpcId, other.vpcId].sort());
  });

  it('answers InvalidVpcID.NotFound for an unknown VPC id', async () => {
    const err = await caught(() =>
      w.ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0000000000000000a'] })),
    );
    expect(err.name).toBe('InvalidVpcID.NotFound');
    expect(err.message).toContain('vpc-0000000000000000a');
    expect((err.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
  });

  it('describes subnets filtered by vpc-id, one per AZ, inside the VPC block', async () => {
    w.fake.addVpc({ azs: ['us-east-1c'] });
    const res = await w.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [w.vpcId] }] }),
    );
    expect(res.Subnets?.map((s) => s.SubnetId).sort()).toEqual([...w.subnetIds].sort());
    expect(res.Subnets?.map((s) => s.AvailabilityZone).sort()).toEqual(['us-east-1a', 'us-east-1b']);
    for (const s of res.Subnets ?? []) expect(s.CidrBlock).toMatch(/^10\.0\.\d+\.0\/24$/);
    const byId = await w.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [w.subnetIds[1]!] }));
    expect(byId.Subnets?.map((s) => s.AvailabilityZone)).toEqual(['us-east-1b']);
    const err = await caught(() => w.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-nope'] })));
    expect(err.name).toBe('InvalidSubnetID.NotFound');
  });

  it('describes instances in Reservations/Instances shape with filters', async () => {
    const a = w.fake.addInstance({ vpcId: w.vpcId, name: 'web-1' });
    const b = w.fake.addInstance({
      vpcId: w.vpcId,
      name: 'web-2',
      privateIp: '10.0.1.77',
      subnetId: w.subnetIds[1],
    });
    const other = w.fake.addVpc();
    w.fake.addInstance({ vpcId: other.vpcId, name: 'db-1' });

    const byName = await w.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['web-*'] }] }),
    );
    const instances = byName.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(instances.map((i) => i.InstanceId).sort()).toEqual([a.instanceId, b.instanceId].sort());
    const iB = instances.find((i) => i.InstanceId === b.instanceId);
    expect(iB).toMatchObject({ PrivateIpAddress: '10.0.1.77', SubnetId: w.subnetIds[1], VpcId: w.vpcId });
    expect(iB?.State).toEqual({ Code: 16, Name: 'running' });
    expect(iB?.Placement?.AvailabilityZone).toBe('us-east-1b');
    expect(iB?.Tags).toEqual([{ Key: 'Name', Value: 'web-2' }]);

    const byIp = await w.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'private-ip-address', Values: ['10.0.1.77'] }] }),
    );
    expect(byIp.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([
      b.instanceId,
    ]);

    const anded = await w.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [w.vpcId] },
          { Name: 'instance-id', Values: [a.instanceId, 'i-00000000000000000'] },
        ],
      }),
    );
    expect(anded.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([
      a.instanceId,
    ]);

    const none = await w.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['zzz'] }] }),
    );
    expect(none.Reservations ?? []).toEqual([]);
  });

  it('rejects unknown instance ids and unknown filter names', async () => {
    const err = await caught(() =>
      w.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(err.name).toBe('InvalidInstanceID.NotFound');
    const bad = await caught(() =>
      w.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'flavour', Values: ['x'] }] })),
    );
    expect(bad.name).toBe('InvalidParameterValue');
  });

  it('pages DescribeInstances with MaxResults/NextToken', async () => {
    const ids = Array.from(
      { length: 7 },
      (_, k) => w.fake.addInstance({ vpcId: w.vpcId, name: `n${k}` }).instanceId,
    );
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await w.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: token }));
      seen.push(...(res.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!) ?? []));
      token = res.NextToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toEqual(ids);
  });
});
