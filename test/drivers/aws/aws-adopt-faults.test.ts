/**
 * adoptNLB and releaseNLB, all or nothing: a failure injected at every AWS call of a clean run ends in a
 * typed error and leaves nlbkit's tags exactly as before (none after a failed adopt, all after a failed
 * release). The step lists come from a clean run, so a new call in the driver is covered here too.
 */
import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../fakes/aws/index.js';
import { describeFaultMatrix } from '../fault-matrix.js';
import { useSharedWorld } from '../shared-world.js';
import { awsForeign } from './aws-foreign.js';
import { type AwsStep, actionsOf, awsRecorder, failAt } from './aws-steps.js';
import { type AwsWorld, startAwsWorld } from './aws-world.js';

const shared = useSharedWorld(startAwsWorld);

/** The shared world with a foreign load balancer named `web` over vm-1 and vm-2, and its ARN. */
async function withForeign(): Promise<{ w: AwsWorld; arn: string }> {
  const w = await shared();
  const foreign = awsForeign(w.fake, w.vpcIID.systemId as string, w.subnetIds, w.vms);
  const arn = await foreign.create('web', w.vms.slice(0, 2));
  return { w, arn };
}

/** The nlbkit tags (keys starting `nlbkit:`) on every load balancer and target group, read through the SDK. */
async function nlbkitTags(w: AwsWorld) {
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(w.fake));
  const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  const tgs = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  const arns = [...lbs.map((l) => l.LoadBalancerArn), ...tgs.map((t) => t.TargetGroupArn)] as string[];
  const res = await elb.send(new DescribeTagsCommand({ ResourceArns: arns }));
  return (res.TagDescriptions ?? [])
    .map(
      (d) =>
        [d.ResourceArn, (d.Tags ?? []).map((t) => t.Key).filter((k) => k?.startsWith('nlbkit:'))] as const,
    )
    .filter(([, keys]) => keys.length > 0)
    .map(([arn, keys]) => `${arn?.includes(':targetgroup/') ? 'tg' : 'lb'} ${[...keys].sort().join(',')}`)
    .sort();
}

const adopt = (w: AwsWorld, arn: string) => w.driver.adoptNLB(arn, { nameId: 'web' });
const release = (w: AwsWorld) => w.driver.releaseNLB({ nameId: 'web' });

/** nlbkit's tags, the NLBs it manages, and every AWS object counted. */
const cloud = async (w: AwsWorld) => ({
  tags: await nlbkitTags(w),
  managed: (await w.driver.listIID()).map((i) => i.nameId),
  counts: w.fake.counts(),
});

const tagSteps = (s: { shape: string }) => /^(Add|Remove)Tags$/.test(s.shape);

/** What both matrices share: one world, AWS steps, each failing with a client error. */
const base = {
  world: shared,
  steps: awsRecorder,
  inject: (w: AwsWorld, step: AwsStep) => failAt(w, step, 'InvalidConfigurationRequest'),
  code: () => 'INVALID_ARGUMENT',
  cloud,
};

describeFaultMatrix({
  ...base,
  title: 'adoptNLB fault injection',
  prepare: async () => (await withForeign()).arn,
  run: adopt,
  leaves: 'leaves no nlbkit tag, not listed',
  expectSteps: (steps) => expect(actionsOf(steps, tagSteps)).toEqual(['AddTags', 'AddTags']),
  after: async ({ before }) => {
    expect(before).toMatchObject({
      tags: [],
      managed: [],
      counts: { loadBalancers: 1, targetGroups: 1, listeners: 1 },
    });
  },
});

describeFaultMatrix({
  ...base,
  title: 'releaseNLB fault injection',
  prepare: async (w) => {
    const { arn } = await withForeign();
    await adopt(w, arn);
  },
  run: release,
  leaves: 'leaves it managed with every tag',
  expectSteps: (steps) => expect(actionsOf(steps, tagSteps)).toEqual(['RemoveTags', 'RemoveTags']),
  after: async ({ before }) => {
    expect(before).toMatchObject({ tags: ['lb nlbkit:nlb', 'tg nlbkit:nlb'], managed: ['web'] });
  },
});

describe('releaseNLB', () => {
  it('a clean release leaves every AWS resource and no nlbkit tag', async () => {
    const { w, arn } = await withForeign();
    await adopt(w, arn);
    expect(await release(w)).toBe(true);
    expect(await nlbkitTags(w)).toEqual([]);
    expect(w.fake.counts()).toMatchObject({
      loadBalancers: 1,
      targetGroups: 1,
      listeners: 1,
      targets: 2,
    });
  });
});

describe('adoptNLB refusals', () => {
  it('NOT_FOUND for an ARN that is no load balancer, INVALID_ARGUMENT for another name', async () => {
    const { w, arn } = await withForeign();
    await expect(
      w.driver.adoptNLB(arn.replace(/\/[0-9a-f]+$/, '/0000000000000000'), { nameId: 'web' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(w.driver.adoptNLB(arn, { nameId: 'other' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/'web'/),
    });
    expect(await nlbkitTags(w)).toEqual([]);
  });
});
