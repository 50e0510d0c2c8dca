/**
 * What Resource Manager answers is checked where it enters: a load balancer without the fields the
 * driver reads is a typed UNAVAILABLE naming the field (never a TypeError, never the answer's values),
 * and ARM's error body gives the code and message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { nlbFailure, ODD } from '../odd-answers.js';
import { type AzureWorld, startAzureWorld } from './azure-world.js';

let world: AzureWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: AzureWorld): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: w.vpcIID,
  type: 'INTERNAL',
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: w.vms.slice(0, 2) },
  healthChecker: { protocol: 'TCP' },
});

describe('Azure driver: answers it cannot read', () => {
  it('a load balancer without a name is UNAVAILABLE naming the field, without the values', async () => {
    world = await startAzureWorld();
    await world.driver.createNLB(request(world));
    world.fake.fail({
      method: 'GET',
      path: /^loadBalancers\/web$/,
      answer: { id: `/subscriptions/x/${ODD}`, properties: { description: ODD } },
    });
    const e = await nlbFailure(world.driver.getNLB({ nameId: 'web' }));
    expect(e).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
    expect(e.message).toMatch(/unexpected answer from Azure GET loadBalancer: name \(.*expected string/);
    expect(e.message).not.toContain(ODD);
    expect(e.cause).toBeUndefined();
  });

  it('a list whose load balancer has no id is UNAVAILABLE, not a TypeError', async () => {
    world = await startAzureWorld();
    world.fake.fail({ method: 'GET', path: /^loadBalancers$/, answer: { value: [{ name: 'web' }] } });
    const e = await nlbFailure(world.driver.listNLB());
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/unexpected answer from Azure LIST loadBalancers: id/);
  });

  it("ARM's error body gives the code and message", async () => {
    world = await startAzureWorld();
    world.fake.fail({
      method: 'GET',
      path: /^loadBalancers\/web$/,
      status: 409,
      answer: { error: { code: 'AnotherOperationInProgress', message: 'another change is under way' } },
    });
    const e = await nlbFailure(world.driver.getNLB({ nameId: 'web' }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('AnotherOperationInProgress: another change is under way');
  });
});
