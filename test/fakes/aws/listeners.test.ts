import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  DuplicateListenerException,
  IncompatibleProtocolsException,
  ListenerNotFoundException,
  ModifyListenerCommand,
  ResourceInUseException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
  UnsupportedProtocolException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';

describe('AWS fake: listeners through the real ELBv2 client', () => {
  let w: FakeWorld;
  let lbArn: string;
  let tcpTg: string;
  let udpTg: string;
  beforeEach(async () => {
    w = await startWorld();
    const lb = await w.elb.send(
      new CreateLoadBalancerCommand({ Name: 'lb', Type: 'network', Subnets: w.subnetIds }),
    );
    lbArn = lb.LoadBalancers![0]!.LoadBalancerArn!;
    tcpTg = await tg('tcp', 'TCP');
    udpTg = await tg('udp', 'UDP');
  });
  afterEach(async () => {
    await w.close();
  });

  async function tg(
    name: string,
    protocol: 'TCP' | 'UDP' | 'TCP_UDP' | 'TLS',
    vpcId = w.vpcId,
  ): Promise<string> {
    const res = await w.elb.send(
      new CreateTargetGroupCommand({ Name: name, Protocol: protocol, Port: 80, VpcId: vpcId }),
    );
    return res.TargetGroups![0]!.TargetGroupArn!;
  }

  const listen = (port: number, protocol: 'TCP' | 'UDP' | 'TCP_UDP' | 'TLS', tgArn: string, lb = lbArn) =>
    w.elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: protocol,
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      }),
    );

  it('creates a listener with a real-format ARN and describes it by LB and by ARN', async () => {
    const l = (await listen(80, 'TCP', tcpTg)).Listeners?.[0];
    const [, lbPath] = lbArn.split(':loadbalancer/');
    expect(l?.ListenerArn).toMatch(new RegExp(`:listener/${lbPath}/[0-9a-f]{16}$`));
    expect(l).toMatchObject({ LoadBalancerArn: lbArn, Port: 80, Protocol: 'TCP' });
    expect(l?.DefaultActions?.[0]).toMatchObject({ Type: 'forward', TargetGroupArn: tcpTg });
    expect(l?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: tcpTg, Weight: 1 },
    ]);
    const byLb = await w.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    expect(byLb.Listeners?.map((x) => x.ListenerArn)).toEqual([l?.ListenerArn]);
    const byArn = await w.elb.send(new DescribeListenersCommand({ ListenerArns: [l!.ListenerArn!] }));
    expect(byArn.Listeners?.[0]?.Port).toBe(80);
    const tgs = await w.elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }));
    expect(tgs.TargetGroups?.map((t) => t.TargetGroupArn)).toEqual([tcpTg]);
    expect(tgs.TargetGroups?.[0]?.LoadBalancerArns).toEqual([lbArn]);
  });

  it('accepts ForwardConfig with one group', async () => {
    const res = await w.elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'UDP',
        Port: 53,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: udpTg }] } }],
      }),
    );
    expect(res.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn).toBe(udpTg);
  });

  it('answers DuplicateListener when the port is taken on that LB', async () => {
    await listen(80, 'TCP', tcpTg);
    const err = await caught(() => listen(80, 'UDP', udpTg));
    expect(err).toBeInstanceOf(DuplicateListenerException);
    const same = await listen(80, 'TCP', tcpTg);
    expect(same.Listeners?.[0]?.Port).toBe(80);
    expect(w.fake.counts().listeners).toBe(1);
  });

  it('checks listener/target-group protocol compatibility and NLB protocols', async () => {
    expect(await caught(() => listen(80, 'TCP', udpTg))).toBeInstanceOf(IncompatibleProtocolsException);
    const both = await tg('both', 'TCP_UDP');
    expect(await caught(() => listen(81, 'TCP_UDP', tcpTg))).toBeInstanceOf(IncompatibleProtocolsException);
    expect((await listen(82, 'TCP_UDP', both)).Listeners?.[0]?.Protocol).toBe('TCP_UDP');
    const http = await caught(() =>
      w.elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Protocol: 'HTTP',
          Port: 8080,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tcpTg }],
        }),
      ),
    );
    expect(http).toBeInstanceOf(UnsupportedProtocolException);
    const tls = await caught(() => listen(443, 'TLS', tcpTg));
    expect(tls.name).toBe('CertificateNotFoundException');
  });

  it('rejects a group in another VPC and a group already used by another LB', async () => {
    const other = w.fake.addVpc({ azs: ['us-east-1a'] });
    const foreign = await tg('foreign', 'TCP', other.vpcId);
    expect((await caught(() => listen(80, 'TCP', foreign))).name).toBe(
      'InvalidConfigurationRequestException',
    );
    await listen(80, 'TCP', tcpTg);
    const lb2 = await w.elb.send(
      new CreateLoadBalancerCommand({ Name: 'lb2', Type: 'network', Subnets: w.subnetIds }),
    );
    const err = await caught(() => listen(80, 'TCP', tcpTg, lb2.LoadBalancers![0]!.LoadBalancerArn!));
    expect(err).toBeInstanceOf(TargetGroupAssociationLimitException);
  });

  it('answers TargetGroupNotFound for an unknown forward target', async () => {
    const ghost = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ghost/0123456789abcdef';
    expect(await caught(() => listen(80, 'TCP', ghost))).toBeInstanceOf(TargetGroupNotFoundException);
  });

  it('modifies port, protocol and target group; checks duplicates on modify', async () => {
    const a = (await listen(80, 'TCP', tcpTg)).Listeners![0]!.ListenerArn!;
    await listen(81, 'UDP', udpTg);
    const moved = await w.elb.send(new ModifyListenerCommand({ ListenerArn: a, Port: 8080 }));
    expect(moved.Listeners?.[0]).toMatchObject({ Port: 8080, Protocol: 'TCP', ListenerArn: a });
    const dup = await caught(() => w.elb.send(new ModifyListenerCommand({ ListenerArn: a, Port: 81 })));
    expect(dup).toBeInstanceOf(DuplicateListenerException);
    const tg2 = await tg('tcp2', 'TCP');
    const repointed = await w.elb.send(
      new ModifyListenerCommand({
        ListenerArn: a,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg2 }],
      }),
    );
    expect(repointed.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn).toBe(tg2);
    const incompatible = await caught(() =>
      w.elb.send(new ModifyListenerCommand({ ListenerArn: a, Protocol: 'UDP' })),
    );
    expect(incompatible).toBeInstanceOf(IncompatibleProtocolsException);
    const desc = await w.elb.send(new DescribeListenersCommand({ ListenerArns: [a] }));
    expect(desc.Listeners?.[0]).toMatchObject({ Port: 8080, Protocol: 'TCP' });
  });

  it('blocks deleting a group in use (ResourceInUse); deleting the LB removes listeners, keeps groups', async () => {
    const l = (await listen(80, 'TCP', tcpTg)).Listeners![0]!.ListenerArn!;
    expect(
      await caught(() => w.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tcpTg }))),
    ).toBeInstanceOf(ResourceInUseException);
    await w.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lbArn }));
    expect(w.fake.counts()).toMatchObject({ loadBalancers: 0, listeners: 0, targetGroups: 2 });
    const gone = await caught(() => w.elb.send(new DescribeListenersCommand({ ListenerArns: [l] })));
    expect(gone).toBeInstanceOf(ListenerNotFoundException);
    await w.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tcpTg }));
    expect(w.fake.counts().targetGroups).toBe(1);
  });

  it('deletes a listener and answers ListenerNotFound the second time', async () => {
    const l = (await listen(80, 'TCP', tcpTg)).Listeners![0]!.ListenerArn!;
    await w.elb.send(new DeleteListenerCommand({ ListenerArn: l }));
    expect(w.fake.counts().listeners).toBe(0);
    expect(await caught(() => w.elb.send(new DeleteListenerCommand({ ListenerArn: l })))).toBeInstanceOf(
      ListenerNotFoundException,
    );
    const noArgs = await caught(() => w.elb.send(new DescribeListenersCommand({})));
    expect(noArgs.name).toBe('ValidationError');
  });
});
