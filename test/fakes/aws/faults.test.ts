import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsClientConfig } from './index.js';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: fault injection, retries and call recording', () => {
  let w: FakeWorld;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const status = (err: Record<string, unknown>) =>
    (err.$metadata as { httpStatusCode?: number }).httpStatusCode;

  it('answers Throttling (400) and the SDK gives up with maxAttempts 1', async () => {
    w.fake.throttle('DescribeLoadBalancers', 1);
    const err = await caught(() => w.elb.send(new DescribeLoadBalancersCommand({})));
    expect(err.name).toBe('Throttling');
    expect(status(err)).toBe(400);
    const ok = await w.elb.send(new DescribeLoadBalancersCommand({}));
    expect(ok.LoadBalancers).toEqual([]);
  });

  it('succeeds through SDK retries with maxAttempts 3 after two throttled calls', async () => {
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(w.fake, { maxAttempts: 3 }));
    try {
      w.fake.throttle('DescribeLoadBalancers', 2);
      const res = await elb.send(new DescribeLoadBalancersCommand({}));
      expect(res.$metadata.attempts).toBe(3);
      expect(w.fake.calls.filter((c) => c.action === 'DescribeLoadBalancers')).toHaveLength(3);
      w.fake.throttle('*', 3);
      const err = await caught(() => elb.send(new DescribeTargetGroupsCommand({})));
      expect(err.name).toBe('Throttling');
      expect((err.$metadata as { attempts: number }).attempts).toBe(3);
    } finally {
      elb.destroy();
    }
  });

  it('throttles EC2 with RequestLimitExceeded (503), which the SDK retries', async () => {
    const ec2 = new EC2Client(awsClientConfig(w.fake, { maxAttempts: 2 }));
    try {
      w.fake.throttle('DescribeVpcs', 1);
      const res = await ec2.send(new DescribeVpcsCommand({}));
      expect(res.$metadata.attempts).toBe(2);
      w.fake.throttle('DescribeVpcs', 2);
      const err = await caught(() => ec2.send(new DescribeVpcsCommand({})));
      expect(err.name).toBe('RequestLimitExceeded');
      expect(status(err)).toBe(503);
    } finally {
      ec2.destroy();
    }
  });

  it('fails exactly the nth call, `times` in a row, and leaves state untouched', async () => {
    w.fake.failOn('CreateLoadBalancer', { code: 'ServiceUnavailable', status: 503, nth: 2, times: 2 });
    const create = (name: string) =>
      w.elb.send(new CreateLoadBalancerCommand({ Name: name, Type: 'network', Subnets: w.subnetIds }));
    await create('one');
    const second = await caught(() => create('two'));
    expect(second.name).toBe('ServiceUnavailable');
    expect(status(second)).toBe(503);
    expect(second.$fault).toBe('server');
    const third = await caught(() => create('three'));
    expect(third.name).toBe('ServiceUnavailable');
    await create('four');
    const names = (await w.elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers?.map(
      (l) => l.LoadBalancerName,
    );
    expect(names).toEqual(['one', 'four']);
  });

  it('defaults server codes to 5xx, which the SDK retries', async () => {
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(w.fake, { maxAttempts: 3 }));
    try {
      w.fake.failOn('DescribeTargetGroups', { code: 'InternalFailure' });
      const res = await elb.send(new DescribeTargetGroupsCommand({}));
      expect(res.$metadata.attempts).toBe(2);
      w.fake.failOn('DescribeTargetGroups', { code: 'InternalFailure', times: 3 });
      const err = await caught(() => elb.send(new DescribeTargetGroupsCommand({})));
      expect(err.name).toBe('InternalFailure');
      expect(status(err)).toBe(500);
    } finally {
      elb.destroy();
    }
  });

  it('injects modelled errors, which the SDK maps to their classes, with a custom message', async () => {
    w.fake.failOn('DescribeLoadBalancers', { code: 'LoadBalancerNotFound', message: 'gone <now> & "then"' });
    const err = await caught(() => w.elb.send(new DescribeLoadBalancersCommand({})));
    expect(err).toBeInstanceOf(LoadBalancerNotFoundException);
    expect(err.message).toBe('gone <now> & "then"');
  });

  it('injects EC2 errors in the ec2Query error shape', async () => {
    w.fake.failOn('DescribeVpcs', { code: 'UnauthorizedOperation', message: 'You are not authorized' });
    const err = await caught(() => w.ec2.send(new DescribeVpcsCommand({})));
    expect(err.name).toBe('UnauthorizedOperation');
    expect(err.message).toBe('You are not authorized');
  });

  it('records every call in order with decoded params, and resets', async () => {
    await w.elb.send(new DescribeLoadBalancersCommand({ Names: ['a b&c'] })).catch(() => undefined);
    await w.ec2.send(new DescribeVpcsCommand({ VpcIds: [w.vpcId] }));
    expect(w.fake.calls).toEqual([
      { action: 'DescribeLoadBalancers', params: { 'Names.member.1': 'a b&c' } },
      { action: 'DescribeVpcs', params: { 'VpcId.1': w.vpcId } },
    ]);
    w.fake.resetCalls();
    expect(w.fake.calls).toEqual([]);
  });

  it('answers InvalidAction for an action it does not serve', async () => {
    const res = await fetch(w.fake.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeRules&Version=2015-12-01',
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('<Code>InvalidAction</Code>');
    expect(body).toContain('<ErrorResponse');
  });
});
