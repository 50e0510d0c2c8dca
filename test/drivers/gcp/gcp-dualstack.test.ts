/**
 * Dual stack on GCP through @google-cloud/compute against the fake: IPv6 forwarding rules on a
 * dual-stack subnetwork, DUAL_STACK as an IPv4 and an IPv6 rule to one backend service, the fake's
 * subnetwork rules, and a failure at every call of a DUAL_STACK createNLB (nothing left).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { faultSteps } from '../fault-steps.js';
import { type GcpWorld, startGcpWorld } from './gcp-world.js';

let world: GcpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (
  w: GcpWorld,
  name: string,
  addressFamily: 'IPV6' | 'DUAL_STACK',
  type: 'PUBLIC' | 'INTERNAL' = 'PUBLIC',
): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: w.vpcIID,
  type,
  listener: { protocol: 'TCP', port: 8080, addressFamily },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
});

/** Nothing of any NLB is left in the fake, and no address stays taken. */
function expectEmpty(w: GcpWorld) {
  const s = w.fake.state;
  expect([...s.forwardingRules.keys(), ...s.backendServices.keys(), ...s.healthChecks.keys()]).toEqual([]);
  expect([...s.negs.keys()]).toEqual([]);
  const taken = [...s.networks.values()].flatMap((n) => n.subnets.flatMap((sn) => [...sn.used]));
  expect(taken.filter((ip) => ip.includes(':'))).toEqual([]);
}

describe('GCP dual stack', () => {
  it('DUAL_STACK: an IPv4 rule and an IPv6 rule to one backend service; deleteNLB removes both', async () => {
    world = await startGcpWorld();
    const nlb = await world.driver.createNLB(request(world, 'web', 'DUAL_STACK'));
    const rules = world.fake.state.forwardingRules;
    expect(rules.get('web')).toMatchObject({ ipVersion: 'IPV4' });
    expect(rules.get('web-v6')).toMatchObject({
      ipVersion: 'IPV6',
      backendService: rules.get('web')?.backendService,
    });
    expect(nlb.listener).toMatchObject({
      addressFamily: 'DUAL_STACK',
      ip: rules.get('web')?.IPAddress,
      ipv6: rules.get('web-v6')?.IPAddress,
    });
    expect(nlb.listener.ipv6).toMatch(/^2600:1900:/);
    expect((await world.driver.getNLB({ nameId: 'web' })).listener).toEqual(nlb.listener);
    // Only the NLB is listed, not its second rule.
    expect((await world.driver.listIID()).map((i) => i.nameId)).toEqual(['web']);
    await world.driver.deleteNLB({ nameId: 'web' });
    expectEmpty(world);
  });

  it('IPV6: one IPv6 rule on the subnetwork; INTERNAL needs an internal IPv6 range', async () => {
    world = await startGcpWorld();
    const six = await world.driver.createNLB(request(world, 'six', 'IPV6'));
    expect(six.listener).toMatchObject({ addressFamily: 'IPV6', ip: six.listener.ipv6 });
    expect(world.fake.state.forwardingRules.get('six')).toMatchObject({
      ipVersion: 'IPV6',
      subnetwork: expect.any(String),
    });
    // The world's subnetwork has an EXTERNAL IPv6 range: GCP refuses an INTERNAL IPv6 rule on it.
    const err = await world.driver
      .createNLB(request(world, 'inner', 'IPV6', 'INTERNAL'))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((err as Error).message).toContain('ipv6AccessType INTERNAL');
    await expect(world.driver.getNLB({ nameId: 'inner' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a subnetwork without IPv6: GCP refuses, nothing is left', async () => {
    world = await startGcpWorld({ ipv6: 'none' });
    for (const family of ['IPV6', 'DUAL_STACK'] as const) {
      const err = await world.driver.createNLB(request(world, 'web', family)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((err as Error).message).toContain('stackType IPV4_IPV6');
      expectEmpty(world);
    }
  });
});

describe('DUAL_STACK createNLB fault injection', async () => {
  const probe = await startGcpWorld();
  // Named as in the cases: the network endpoint groups' paths carry the name.
  await probe.driver.createNLB(request(probe, 'web', 'DUAL_STACK'));
  const calls = probe.fake.calls.map((c) => ({
    method: c.method,
    shape: c.path.replace(/operation-\d+/, '{id}'),
  }));
  await probe.close();
  const writes = faultSteps(calls).filter(
    (s) =>
      s.method !== 'GET' &&
      !s.shape.endsWith('/wait') &&
      !/\/(listNetworkEndpoints|getHealth)$/.test(s.shape),
  );

  it('inserts both forwarding rules', () => {
    expect(writes.filter((s) => s.shape.endsWith('/forwardingRules'))).toHaveLength(2);
  });

  for (const step of writes)
    for (const afterApply of [false, true])
      it(`a failure at ${step.label}${afterApply ? ' (after it was applied)' : ''} leaves nothing`, async () => {
        world = await startGcpWorld();
        world.fake.fail({
          method: step.method,
          path: step.path,
          skip: step.skip,
          times: 1,
          status: 503,
          afterApply,
        });
        const outcome = await world.driver
          .createNLB(request(world, 'web', 'DUAL_STACK'))
          .catch((e: unknown) => e);
        expect(isNLBError(outcome) && outcome.code).toBe('UNAVAILABLE');
        expectEmpty(world);
      });
});
