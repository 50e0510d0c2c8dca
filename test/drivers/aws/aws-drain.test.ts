/** drainTimeoutSec on AWS: the target group's deregistration delay, and how group changes carry it. */
import {
  DescribeTargetGroupAttributesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, expect, it } from 'vitest';
import type { NLBCreateRequest, NLBInfo } from '../../../src/interfaces/types.js';
import { awsClientConfig } from '../../fakes/aws/index.js';
import { type AwsWorld, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: AwsWorld, drainTimeoutSec?: number): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: w.vpcIID,
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }], drainTimeoutSec },
  healthChecker: { protocol: 'TCP' },
});

/** The target group's drain attributes, as AWS holds them. */
async function drainOf(w: AwsWorld, nlb: NLBInfo) {
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(w.fake));
  const res = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: nlb.vmGroup.cspId }));
  const get = (key: string) => res.Attributes?.find((a) => a.Key === key)?.Value;
  return {
    seconds: get('deregistration_delay.timeout_seconds'),
    terminate: get('deregistration_delay.connection_termination.enabled'),
  };
}

it('a requested delay also terminates connections at its end (so 0 cuts at once)', async () => {
  world = await startAwsWorld();
  const nlb = await world.driver.createNLB(request(world, 0));
  expect(await drainOf(world, nlb)).toEqual({ seconds: '0', terminate: 'true' });
});

it("without one, AWS's defaults stay, and a group change carries them over as they are", async () => {
  world = await startAwsWorld();
  const nlb = await world.driver.createNLB(request(world));
  expect(nlb.vmGroup.drainTimeoutSec).toBe(300);
  expect(await drainOf(world, nlb)).toEqual({ seconds: '300', terminate: 'false' });
  const moved = await world.driver.changeVMGroupInfo(nlb.iid, { protocol: 'TCP', port: 9090, vms: [] });
  expect(moved.vmGroup.cspId).not.toBe(nlb.vmGroup.cspId);
  expect(await drainOf(world, moved)).toEqual({ seconds: '300', terminate: 'false' });
  const set = await world.driver.changeVMGroupInfo(nlb.iid, {
    protocol: 'TCP',
    port: 8080,
    vms: [],
    drainTimeoutSec: 45,
  });
  expect(await drainOf(world, set)).toEqual({ seconds: '45', terminate: 'true' });
  expect((await world.driver.getNLB(nlb.iid)).vmGroup.drainTimeoutSec).toBe(45);
});
