/**
 * What ELBv2 answers is checked where it enters (aws-answers.ts): a load balancer, target group or
 * listener without the identifier the driver goes on to use is a typed UNAVAILABLE naming the field
 * (never an `undefined` sent to the next call, never the answer's values), and a create that meets
 * such an answer leaves nothing behind.
 */
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClientLike } from '../../../src/drivers/aws/index.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { awsClientConfig } from '../../fakes/aws/index.js';
import { nlbFailure, ODD } from '../odd-answers.js';
import { type AwsWorld, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: AwsWorld): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: w.vpcIID,
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: w.vms.slice(0, 2) },
  healthChecker: { protocol: 'TCP' },
});

/** A world whose ELBv2 answers to `command` (e.g. `DescribeLoadBalancers`) are rewritten while `odd.on`. */
async function oddWorld(command: string, rewrite: (answer: Record<string, unknown>) => void) {
  const odd = { on: false };
  let real: ElasticLoadBalancingV2Client | undefined;
  const client: AwsClientLike = {
    async send(cmd, options) {
      real ??= new ElasticLoadBalancingV2Client(awsClientConfig((world as AwsWorld).fake));
      const answer = await real.send(cmd, options);
      if (odd.on && cmd.constructor.name === `${command}Command`)
        rewrite(answer as unknown as Record<string, unknown>);
      return answer;
    },
  };
  world = await startAwsWorld({ driver: { elbv2Client: client } });
  return { world, odd };
}

describe('AWS driver: answers it cannot read', () => {
  it('a load balancer without its ARN is UNAVAILABLE naming the field, without the values', async () => {
    const { world, odd } = await oddWorld('DescribeLoadBalancers', (a) => {
      for (const lb of a.LoadBalancers as Record<string, unknown>[]) {
        lb.LoadBalancerArn = undefined;
        lb.DNSName = ODD;
      }
    });
    await world.driver.createNLB(request(world));
    odd.on = true;
    for (const call of [world.driver.listNLB(), world.driver.getNLB({ nameId: 'web' })]) {
      const e = await nlbFailure(call);
      expect(e).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
      expect(e.message).toMatch(
        /unexpected answer from AWS DescribeLoadBalancers: LoadBalancers\.0\.LoadBalancerArn/,
      );
      expect(e.message).not.toContain(ODD);
      expect(e.cause).toBeUndefined();
    }
    odd.on = false;
    expect((await world.driver.getNLB({ nameId: 'web' })).iid.nameId).toBe('web');
  });

  it('a create whose new target group comes back without an ARN fails typed and leaves nothing', async () => {
    const { world, odd } = await oddWorld('CreateTargetGroup', (a) => {
      a.TargetGroups = [];
    });
    odd.on = true;
    const e = await nlbFailure(world.driver.createNLB(request(world)));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/unexpected answer from AWS CreateTargetGroup: TargetGroups/);
    odd.on = false;
    expect(world.fake.counts()).toMatchObject({ loadBalancers: 0, targetGroups: 0, listeners: 0 });
    expect(await world.driver.listNLB()).toEqual([]);
  });
});
