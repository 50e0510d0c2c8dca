/** What createNLB and the changes tell onProgress on GCP, in order, each just before its request. */
import { afterEach, describe, expect, it } from 'vitest';
import { progressRecorder, tcpCreate } from '../progress-recorder.js';
import { type GcpWorld, startGcpWorld } from './gcp-world.js';

let world: GcpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const recorder = (w: GcpWorld) =>
  progressRecorder(
    () => w.fake.calls,
    (c) => `${c.method} ${c.path.split('/').slice(-2).join('/')}`,
  );

describe('GCP progress', () => {
  it('createNLB and addVMs: each step before its request', async () => {
    world = await startGcpWorld();
    const w = world;
    const create = recorder(w);
    await w.driver.createNLB(tcpCreate(w.vpcIID, ['vm-1']), { onProgress: create.onProgress });
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
