/** Load balancers made in the AWS fake through the real SDK, as someone other than nlbkit would. */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { IID } from '../../../src/interfaces/types.js';
import type { ForeignLoadBalancers } from '../../../src/testing/index.js';
import { type AwsFake, awsClientConfig } from '../../fakes/aws/index.js';

/** Foreign load balancers in `vpcId` of `fake`; `instances` maps VM names to instance ids. */
export function awsForeign(
  fake: AwsFake,
  vpcId: string,
  subnetIds: string[],
  instances: IID[],
): ForeignLoadBalancers {
  const idOf = (vm: IID) => vm.systemId ?? instances.find((i) => i.nameId === vm.nameId)?.systemId;
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(fake));
  return {
    async create(name, vms, shape = 'plain') {
      const lb = await elb.send(
        new CreateLoadBalancerCommand({ Name: name, Type: 'network', Subnets: subnetIds }),
      );
      const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn as string;
      const tg = await elb.send(
        new CreateTargetGroupCommand({
          Name: `${name}-tg`.slice(-32),
          Protocol: 'TCP',
          Port: 8080,
          VpcId: vpcId,
        }),
      );
      const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn as string;
      await elb.send(
        new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: vms.map((vm) => ({ Id: idOf(vm) })) }),
      );
      const ports = shape === 'two-listeners' ? [80, 81] : [80];
      for (const Port of ports)
        await elb.send(
          new CreateListenerCommand({
            LoadBalancerArn: lbArn,
            Protocol: 'TCP',
            Port,
            DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
          }),
        );
      return lbArn;
    },
    async exists(systemId) {
      const all = await elb.send(new DescribeLoadBalancersCommand({}));
      return (all.LoadBalancers ?? []).some((lb) => lb.LoadBalancerArn === systemId);
    },
  };
}
