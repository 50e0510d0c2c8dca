/** Shared setup for the fake's own tests: a fake plus real SDK clients pointed at it. */

import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type AwsFake, type AwsFakeOptions, awsClientConfig, startAwsFake } from './index.js';

/** A started fake with one VPC (two AZs) and real ELBv2/EC2 clients. */
export interface FakeWorld {
  fake: AwsFake;
  elb: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  vpcId: string;
  subnetIds: string[];
  close(): Promise<void>;
}

/** Starts a fake and the clients; `maxAttempts` defaults to 1 so injected errors surface at once. */
export async function startWorld(opts: AwsFakeOptions = {}, maxAttempts = 1): Promise<FakeWorld> {
  const fake = await startAwsFake(opts);
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(fake, { maxAttempts }));
  const ec2 = new EC2Client(awsClientConfig(fake, { maxAttempts }));
  const { vpcId, subnetIds } = fake.addVpc({ name: 'main' });
  return {
    fake,
    elb,
    ec2,
    vpcId,
    subnetIds,
    close: async () => {
      elb.destroy();
      ec2.destroy();
      await fake.close();
    },
  };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
