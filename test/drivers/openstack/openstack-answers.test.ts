/**
 * What OpenStack answers is parsed where it enters: an answer without the fields the driver reads is a
 * typed UNAVAILABLE naming the field (never a TypeError, never the answer's values), a create that
 * meets one undoes what it made, and each service's error body gives its text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { nlbFailure, ODD } from '../odd-answers.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

let world: OpenStackWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: OpenStackWorld): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: w.vpcIID,
  type: 'INTERNAL',
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: w.vms.slice(0, 2) },
  healthChecker: { protocol: 'TCP' },
});

describe('OpenStack driver: answers it cannot read', () => {
  it('a list with a malformed entry is UNAVAILABLE naming the field, without the values', async () => {
    world = await startOpenStackWorld();
    world.fake.fail({
      method: 'GET',
      path: /^\/v2\/lbaas\/loadbalancers$/,
      answer: { loadbalancers: [{ id: 7, name: ODD }] },
    });
    const e = await nlbFailure(world.driver.listNLB());
    expect(e).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
    expect(e.message).toMatch(
      /unexpected answer from OpenStack GET load-balancer \/v2\/lbaas\/loadbalancers: loadbalancers\.0\.id \(.*expected string/,
    );
    expect(e.message).not.toContain(ODD);
    expect(e.cause).toBeUndefined();
  });

  it('an answer that is not an object is UNAVAILABLE for the whole body', async () => {
    world = await startOpenStackWorld();
    world.fake.fail({ method: 'GET', path: /^\/v2\/lbaas\/loadbalancers$/, answer: ODD });
    const e = await nlbFailure(world.driver.listNLB());
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/loadbalancers: \(body\) \(.*expected object/);
    expect(e.message).not.toContain(ODD);
  });

  it('a create whose load balancer answer is malformed deletes what it made', async () => {
    world = await startOpenStackWorld();
    world.fake.fail({
      method: 'POST',
      path: /^\/v2\/lbaas\/loadbalancers$/,
      afterApply: true,
      answer: { loadbalancer: { id: ODD } },
    });
    const e = await nlbFailure(world.driver.createNLB(request(world)));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/unexpected answer from OpenStack POST load-balancer .*: loadbalancer\.name/);
    expect(world.fake.state.lbs).toEqual([]);
  });

  it("an error body's text is read from Octavia's description when it has no faultstring", async () => {
    world = await startOpenStackWorld();
    world.fake.fail({
      method: 'GET',
      path: /^\/v2\/lbaas\/loadbalancers$/,
      status: 409,
      answer: { faultcode: 'Client', description: 'the project is being moved' },
    });
    const e = await nlbFailure(world.driver.listNLB());
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('HTTP 409: the project is being moved');
  });
});
