/**
 * What Compute Engine answers is checked where it enters: a resource or operation without the fields
 * the driver reads is a typed UNAVAILABLE naming the field (never a TypeError, never the answer's
 * values), and a create that meets one undoes what it made.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { nlbFailure, ODD } from '../odd-answers.js';
import { type GcpWorld, startGcpWorld } from './gcp-world.js';

let world: GcpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: GcpWorld): NLBCreateRequest => ({
  iid: { nameId: 'web' },
  vpcIID: w.vpcIID,
  type: 'PUBLIC',
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 80, vms: w.vms.slice(0, 2) },
  healthChecker: { protocol: 'TCP' },
});

describe('GCP driver: answers it cannot read', () => {
  it('a forwarding rule without a name is UNAVAILABLE naming the field, without the values', async () => {
    world = await startGcpWorld();
    await world.driver.createNLB(request(world));
    world.fake.fail({
      method: 'GET',
      path: /forwardingRules\/web$/,
      answer: { id: '1', description: ODD, IPAddress: '203.0.113.9' },
    });
    const e = await nlbFailure(world.driver.getNLB({ nameId: 'web' }));
    expect(e).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
    expect(e.message).toMatch(/unexpected answer from Compute Engine forwardingRules\.get: name \(/);
    expect(e.message).not.toContain(ODD);
  });

  it('an operation without a name is UNAVAILABLE, and the create undoes what it made', async () => {
    world = await startGcpWorld();
    world.fake.fail({
      method: 'POST',
      path: /forwardingRules$/,
      afterApply: true,
      answer: { kind: 'compute#operation', status: 'DONE', description: ODD },
    });
    const e = await nlbFailure(world.driver.createNLB(request(world)));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/unexpected answer from Compute Engine forwardingRules\.insert: name \(/);
    expect(e.message).not.toContain(ODD);
    const s = world.fake.state;
    expect([s.forwardingRules.size, s.backendServices.size, s.healthChecks.size]).toEqual([0, 0, 0]);
  });
});
