/**
 * Dual stack on AWS through the real SDK against the fake: IpAddressType on create and through
 * SetIpAddressType, the IPv6-subnet rule, and a failure injected at every call of a dual-stack
 * createNLB and of a changeListener that changes the family (nothing left, the NLB as it was).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { essence } from '../../../src/testing/index.js';
import { faultSteps } from '../fault-steps.js';
import { type AwsWorld, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: AwsWorld, name: string, dual = true): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: w.vpcIID,
  listener: { protocol: 'TCP', port: 80, ...(dual ? { addressFamily: 'DUAL_STACK' as const } : {}) },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
});

const EMPTY = { loadBalancers: 0, targetGroups: 0, listeners: 0, targets: 0 };
/** The fake's calls as fault steps (the action is the "path"; `skip` counts earlier calls of it). */
const stepsOf = (w: AwsWorld, from = 0) =>
  faultSteps(w.fake.calls.slice(from).map((c) => ({ method: 'POST', shape: c.action })));

describe('AWS dual stack', () => {
  it('creates a dualstack NLB on the VPC subnets that have IPv6 blocks, and reads it back', async () => {
    // The third zone's subnet has no IPv6 block: a dual-stack NLB leaves it out, an IPv4 one takes it.
    const azs = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
    world = await startAwsWorld({ azs, ipv6: azs.slice(0, 2) });
    const created = await world.driver.createNLB(request(world, 'web'));
    expect(created.listener.addressFamily).toBe('DUAL_STACK');
    expect((await world.driver.getNLB({ nameId: 'web' })).listener.addressFamily).toBe('DUAL_STACK');
    const sent = world.fake.calls.filter((c) => c.action === 'CreateLoadBalancer').map((c) => c.params);
    expect(sent[0]).toMatchObject({ IpAddressType: 'dualstack' });
    expect(Object.keys(sent[0] ?? {}).filter((k) => k.startsWith('Subnets.member'))).toHaveLength(2);
    await world.driver.createNLB(request(world, 'v4', false));
    const v4 = world.fake.calls.filter((c) => c.action === 'CreateLoadBalancer').map((c) => c.params)[1];
    expect(v4).toMatchObject({ IpAddressType: 'ipv4' });
    expect(Object.keys(v4 ?? {}).filter((k) => k.startsWith('Subnets.member'))).toHaveLength(3);
  });

  it('on a VPC without IPv6 blocks, AWS refuses: INVALID_ARGUMENT with its words, nothing left', async () => {
    world = await startAwsWorld({ ipv6: false });
    const err = await world.driver.createNLB(request(world, 'web')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((err as Error).message).toContain('You must specify subnets with an associated IPv6 CIDR block');
    expect(world.fake.counts()).toEqual(EMPTY);
    // IPv4 still works there, and a change to dual stack is refused the same way, changing nothing.
    const plain = await world.driver.createNLB(request(world, 'v4', false));
    const { protocol, port } = plain.listener;
    await expect(
      world.driver.changeListener({ nameId: 'v4' }, { protocol, port, addressFamily: 'DUAL_STACK' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await world.driver.getNLB({ nameId: 'v4' })).listener.addressFamily).toBe('IPV4');
  });

  it('changeListener switches the family with SetIpAddressType, and back', async () => {
    world = await startAwsWorld();
    await world.driver.createNLB(request(world, 'web', false));
    const to = (addressFamily: 'IPV4' | 'DUAL_STACK') =>
      world!.driver.changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 80, addressFamily });
    expect((await to('DUAL_STACK')).listener.addressFamily).toBe('DUAL_STACK');
    expect((await world.driver.getNLB({ nameId: 'web' })).listener.addressFamily).toBe('DUAL_STACK');
    expect((await to('IPV4')).listener.addressFamily).toBe('IPV4');
    const sets = world.fake.calls.filter((c) => c.action === 'SetIpAddressType').map((c) => c.params);
    expect(sets).toMatchObject([{ IpAddressType: 'dualstack' }, { IpAddressType: 'ipv4' }]);
  });
});

describe('dual-stack createNLB fault injection', async () => {
  const probe = await startAwsWorld();
  await probe.driver.createNLB(request(probe, 'probe'));
  const steps = stepsOf(probe);
  await probe.close();

  for (const step of steps)
    it(`${step.label} failing -> typed error, nothing left`, async () => {
      world = await startAwsWorld();
      world.fake.failOn(step.shape, { code: 'InvalidConfigurationRequest', nth: step.skip + 1 });
      const err = await world.driver.createNLB(request(world, 'web')).catch((e: unknown) => e);
      expect(isNLBError(err)).toBe(true);
      expect(world.fake.counts()).toEqual(EMPTY);
    });
});

describe('changeListener to DUAL_STACK fault injection', async () => {
  const probe = await startAwsWorld();
  await probe.driver.createNLB(request(probe, 'probe', false));
  const from = probe.fake.calls.length;
  await probe.driver.changeListener(
    { nameId: 'probe' },
    { protocol: 'TCP', port: 81, addressFamily: 'DUAL_STACK' },
  );
  const steps = stepsOf(probe, from);
  await probe.close();

  it('records SetIpAddressType before ModifyListener', () => {
    const writes = steps.map((s) => s.shape).filter((a) => !a.startsWith('Describe'));
    expect(writes).toEqual(['SetIpAddressType', 'ModifyListener']);
  });

  for (const step of steps)
    it(`${step.label} failing -> typed error, the NLB as it was`, async () => {
      world = await startAwsWorld();
      const before = await world.driver.createNLB(request(world, 'web', false));
      world.fake.failOn(step.shape, { code: 'InvalidConfigurationRequest', nth: step.skip + 1 });
      const err = await world.driver
        .changeListener({ nameId: 'web' }, { protocol: 'TCP', port: 81, addressFamily: 'DUAL_STACK' })
        .catch((e: unknown) => e);
      expect(isNLBError(err)).toBe(true);
      const after = await world.driver.getNLB({ nameId: 'web' });
      expect(essence(after)).toEqual(essence(before));
      expect(after.listener.addressFamily).toBe('IPV4');
    });
});
