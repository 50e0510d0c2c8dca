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
import { afterEach, describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import { awsClientConfig } from '../../fakes/aws/index.js';
import { awsForeign } from './aws-foreign.js';
import { type AwsWorld, actionSteps, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A world with a foreign load balancer named `web` over vm-1 and vm-2, and its ARN. */
async function withForeign(): Promise<{ w: AwsWorld; arn: string }> {
  const w = await startAwsWorld();
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

async function record(
  prepare: (w: AwsWorld, arn: string) => Promise<unknown>,
  run: (w: AwsWorld, arn: string) => Promise<unknown>,
) {
  const { w, arn } = await withForeign();
  try {
    await prepare(w, arn);
    w.fake.resetCalls();
    await run(w, arn);
    return actionSteps(w.fake.calls.map((c) => c.action));
  } finally {
    await w.close();
  }
}

const adopt = (w: AwsWorld, arn: string) => w.driver.adoptNLB(arn, { nameId: 'web' });
const release = (w: AwsWorld) => w.driver.releaseNLB({ nameId: 'web' });

describe('adoptNLB fault injection', async () => {
  const actions = await record(async () => undefined, adopt);

  it('tags the target group, then the load balancer', () => {
    expect(actions.map(([a]) => a).filter((a) => /^(Add|Remove)Tags$/.test(a))).toEqual([
      'AddTags',
      'AddTags',
    ]);
  });

  for (const [action, nth] of actions) {
    it(`${action} #${nth} failing -> typed error, no nlbkit tag left, not listed`, async () => {
      const made = await withForeign();
      world = made.w;
      world.fake.failOn(action, { code: 'InvalidConfigurationRequest', nth });
      const err = await adopt(world, made.arn).catch((e: unknown) => e);
      expect(isNLBError(err)).toBe(true);
      expect(await nlbkitTags(world)).toEqual([]);
      expect(await world.driver.listIID()).toEqual([]);
      expect(world.fake.counts()).toMatchObject({ loadBalancers: 1, targetGroups: 1, listeners: 1 });
    });
  }
});

describe('releaseNLB fault injection', async () => {
  const actions = await record(adopt, release);

  it('untags the target group, then the load balancer', () => {
    expect(actions.map(([a]) => a).filter((a) => /^(Add|Remove)Tags$/.test(a))).toEqual([
      'RemoveTags',
      'RemoveTags',
    ]);
  });

  for (const [action, nth] of actions) {
    it(`${action} #${nth} failing -> typed error, still managed with every tag`, async () => {
      const made = await withForeign();
      world = made.w;
      await adopt(world, made.arn);
      const tagged = await nlbkitTags(world);
      world.fake.failOn(action, { code: 'InvalidConfigurationRequest', nth });
      const err = await release(world).catch((e: unknown) => e);
      expect(isNLBError(err)).toBe(true);
      expect(await nlbkitTags(world)).toEqual(tagged);
      expect(tagged).toEqual(['lb nlbkit:nlb', 'tg nlbkit:nlb']);
      expect((await world.driver.listIID()).map((i) => i.nameId)).toEqual(['web']);
    });
  }

  it('a clean release leaves every AWS resource and no nlbkit tag', async () => {
    const made = await withForeign();
    world = made.w;
    await adopt(world, made.arn);
    expect(await release(world)).toBe(true);
    expect(await nlbkitTags(world)).toEqual([]);
    expect(world.fake.counts()).toMatchObject({
      loadBalancers: 1,
      targetGroups: 1,
      listeners: 1,
      targets: 2,
    });
  });
});

describe('adoptNLB refusals', () => {
  it('NOT_FOUND for an ARN that is no load balancer, INVALID_ARGUMENT for another name', async () => {
    const made = await withForeign();
    world = made.w;
    await expect(
      world.driver.adoptNLB(made.arn.replace(/\/[0-9a-f]+$/, '/0000000000000000'), { nameId: 'web' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(world.driver.adoptNLB(made.arn, { nameId: 'other' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/'web'/),
    });
    expect(await nlbkitTags(world)).toEqual([]);
  });
});
