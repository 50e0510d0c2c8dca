import { describe, expect, it } from 'vitest';
import type { ResolvedHealthCheckerInfo } from '../../interfaces/types.js';
import {
  awsTags,
  forwardTargetGroupArn,
  healthCheckerOf,
  healthCheckInput,
  toNLBInfo,
} from './aws-convert.js';

describe('health-check conversion', () => {
  it('round-trips an HTTP checker through the target-group fields', () => {
    const hc: ResolvedHealthCheckerInfo = {
      protocol: 'HTTP',
      port: 8081,
      interval: 15,
      timeout: 5,
      threshold: 3,
      healthyThreshold: 3,
      unhealthyThreshold: 4,
      httpPath: '/ready',
      expectedCodes: '200,204',
    };
    const input = healthCheckInput(hc);
    expect(input).toMatchObject({
      HealthCheckPort: '8081',
      HealthCheckPath: '/ready',
      Matcher: { HttpCode: '200,204' },
    });
    expect(healthCheckerOf({ ...input })).toEqual(hc);
  });

  it('a TCP checker on the traffic port sends no path or matcher and reads back without a port', () => {
    const hc: ResolvedHealthCheckerInfo = {
      protocol: 'TCP',
      interval: 30,
      timeout: 10,
      threshold: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
    };
    const input = healthCheckInput(hc);
    expect(input.HealthCheckPort).toBe('traffic-port');
    expect(input).not.toHaveProperty('HealthCheckPath');
    expect(input).not.toHaveProperty('Matcher');
    expect(healthCheckerOf({ ...input, HealthCheckPath: '/', Matcher: { HttpCode: '200' } })).toEqual(hc);
  });
});

describe('NLB assembly', () => {
  const lb = {
    LoadBalancerName: 'web',
    LoadBalancerArn: 'arn:lb',
    DNSName: 'web.elb',
    Scheme: 'internal' as const,
    VpcId: 'vpc-1',
    CreatedTime: new Date('2026-01-01T00:00:00Z'),
    State: { Code: 'active' as const },
  };

  it('reads the forward target of a listener in either form', () => {
    expect(forwardTargetGroupArn({ DefaultActions: [{ Type: 'forward', TargetGroupArn: 'a' }] })).toBe('a');
    expect(
      forwardTargetGroupArn({
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'b' }] } }],
      }),
    ).toBe('b');
    expect(forwardTargetGroupArn(undefined)).toBeUndefined();
  });

  it('keeps nlbkit’s own tags out of tagList and gives the VPC back its name', () => {
    const tags = awsTags('nlbkit:nlb', 'web', { nameId: 'main', systemId: 'vpc-1' }, [
      { key: 'team', value: 'a' },
      { key: 'nlbkit:nlb', value: 'spoof' },
    ]);
    expect(tags).toEqual([
      { Key: 'nlbkit:nlb', Value: 'web' },
      { Key: 'nlbkit:vpc', Value: 'main' },
      { Key: 'team', Value: 'a' },
    ]);
    const info = toNLBInfo({ lb, tags, vms: [] }, 'nlbkit:nlb');
    expect(info.tagList).toEqual([{ key: 'team', value: 'a' }]);
    expect(info.vpcIID).toEqual({ nameId: 'main', systemId: 'vpc-1' });
    expect(info.type).toBe('INTERNAL');
    expect(info.iid).toEqual({ nameId: 'web', systemId: 'arn:lb' });
  });

  it('marks a load balancer without listener or group as incomplete, with usable defaults', () => {
    const info = toNLBInfo({ lb, tags: [], vms: [] }, 'nlbkit:nlb');
    expect(info.keyValueList).toContainEqual({ key: 'Incomplete', value: 'true' });
    expect(info.healthChecker).toMatchObject({ interval: 30, timeout: 10 });
    expect(info.vmGroup.algorithm).toBe('SOURCE_HASH');
  });

  it('sorts VMs by name', () => {
    const info = toNLBInfo(
      {
        lb,
        tags: [],
        listener: { Protocol: 'TCP', Port: 80, ListenerArn: 'arn:l' },
        targetGroup: { Protocol: 'TCP', Port: 8080, TargetGroupArn: 'arn:tg' },
        vms: [{ nameId: 'b' }, { nameId: 'a' }],
      },
      'nlbkit:nlb',
    );
    expect(info.vmGroup.vms.map((v) => v.nameId)).toEqual(['a', 'b']);
    expect(info.listener).toEqual({
      protocol: 'TCP',
      port: 80,
      dnsName: 'web.elb',
      cspId: 'arn:l',
      addressFamily: 'IPV4',
    });
    expect(info.keyValueList.map((kv) => kv.key)).not.toContain('Incomplete');
  });

  it('reports the listener family from IpAddressType', () => {
    const parts = { tags: [], vms: [], listener: { Protocol: 'TCP' as const, Port: 80 } };
    const family = (IpAddressType: 'ipv4' | 'dualstack') =>
      toNLBInfo({ ...parts, lb: { ...lb, IpAddressType } }, 'nlbkit:nlb').listener.addressFamily;
    expect([family('ipv4'), family('dualstack')]).toEqual(['IPV4', 'DUAL_STACK']);
  });
});
