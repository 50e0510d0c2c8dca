import {
  CreateTargetGroupCommand,
  DescribeTargetGroupAttributesCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: target group attributes through the real ELBv2 client', () => {
  let w: FakeWorld;
  let arn: string;
  beforeEach(async () => {
    w = await startWorld();
    const res = await w.elb.send(
      new CreateTargetGroupCommand({ Name: 'tg1', Protocol: 'TCP', Port: 80, VpcId: w.vpcId }),
    );
    arn = res.TargetGroups?.[0]?.TargetGroupArn as string;
  });
  afterEach(async () => {
    await w.close();
  });

  const attributes = async () => {
    const res = await w.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    return Object.fromEntries((res.Attributes ?? []).map((a) => [a.Key, a.Value]));
  };

  it('starts with AWS defaults: a 300 s deregistration delay, connections kept after it', async () => {
    expect(await attributes()).toMatchObject({
      'deregistration_delay.timeout_seconds': '300',
      'deregistration_delay.connection_termination.enabled': 'false',
    });
  });

  it('keeps a modified delay and termination', async () => {
    await w.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: '0' },
          { Key: 'deregistration_delay.connection_termination.enabled', Value: 'true' },
        ],
      }),
    );
    expect(await attributes()).toMatchObject({
      'deregistration_delay.timeout_seconds': '0',
      'deregistration_delay.connection_termination.enabled': 'true',
    });
  });

  it.each([
    ['deregistration_delay.timeout_seconds', '3601'],
    ['deregistration_delay.timeout_seconds', '-1'],
    ['deregistration_delay.connection_termination.enabled', 'yes'],
    ['stickiness.lb_cookie.duration_seconds', '10'],
  ])('refuses %s=%s and changes nothing, not even the valid part', async (Key, Value) => {
    const err = await caught(() =>
      w.elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: arn,
          Attributes: [
            { Key: 'deregistration_delay.timeout_seconds', Value: '10' },
            { Key, Value },
          ],
        }),
      ),
    );
    expect(err.name).toBe('InvalidConfigurationRequestException');
    expect((await attributes())['deregistration_delay.timeout_seconds']).toBe('300');
  });
});
