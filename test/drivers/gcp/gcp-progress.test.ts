/** What createNLB and the changes tell onProgress on GCP, in order, each just before its request. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../src/interfaces/types.js';
import { type GcpWorld, startGcpWorld } from './gcp-world.js';

let world: GcpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** onProgress that notes each step with the next request the fake received. */
function recorder(w: GcpWorld) {
  const told: Array<{ event: ProgressEvent; callsBefore: number }> = [];
  return {
    onProgress: (event: ProgressEvent) => told.push({ event, callsBefore: w.fake.calls.length }),
    nextCalls: () =>
      told.map(({ event, callsBefore }) => {
        const call = w.fake.calls[callsBefore];
        return [event.step, call && `${call.method} ${call.path.split('/').slice(-2).join('/')}`];
      }),
  };
}

describe('GCP progress', () => {
  it('createNLB and addVMs: each step before its request', async () => {
    world = await startGcpWorld();
    const w = world;
    const create = recorder(w);
    await w.driver.createNLB(
      {
        iid: { nameId: 'web' },
        vpcIID: w.vpcIID,
        listener: { protocol: 'TCP', port: 80 },
        vmGroup: { protocol: 'TCP', port: 80, vms: [{ nameId: 'vm-1' }] },
        healthChecker: { protocol: 'TCP' },
      },
      { onProgress: create.onProgress },
    );
    expect(create.nextCalls()).toEqual([
      ['create-health-check', 'POST europe-west1/healthChecks'],
      ['attach-endpoints', 'POST web-neg-b/attachNetworkEndpoints'],
      ['create-backend-service', 'POST europe-west1/backendServices'],
      ['create-forwarding-rule', 'POST europe-west1/forwardingRules'],
    ]);
    const add = recorder(w);
    await w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }], { onProgress: add.onProgress });
    expect(add.nextCalls()).toEqual([['attach-endpoints', 'POST web-neg-c/attachNetworkEndpoints']]);
  });
});
