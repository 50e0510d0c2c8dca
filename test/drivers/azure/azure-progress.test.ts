/** What createNLB and the changes tell onProgress on Azure, in order, each just before its request. */
import { afterEach, describe, expect, it } from 'vitest';
import { progressRecorder, tcpCreate } from '../progress-recorder.js';
import { type AzureWorld, startAzureWorld } from './azure-world.js';

let world: AzureWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const recorder = (w: AzureWorld) =>
  progressRecorder(
    () => w.fake.calls,
    (c) => `${c.method} ${c.path.split('/').slice(-2).join('/')}`,
  );

describe('Azure progress', () => {
  it('createNLB, addVMs and deleteNLB: each step before its request', async () => {
    world = await startAzureWorld();
    const w = world;
    const create = recorder(w);
    await w.driver.createNLB(tcpCreate(w.vpcIID, ['vm-1']), { onProgress: create.onProgress });
    expect(create.nextCalls()).toEqual([
      ['create-public-ip', 'PUT publicIPAddresses/web-nlbkit-ip'],
      ['create-load-balancer', 'PUT loadBalancers/web'],
    ]);
    const add = recorder(w);
    await w.driver.addVMs({ nameId: 'web' }, [{ nameId: 'vm-2' }], { onProgress: add.onProgress });
    expect(add.nextCalls()).toEqual([['update-load-balancer', 'PUT loadBalancers/web']]);
    const del = recorder(w);
    await w.driver.deleteNLB({ nameId: 'web' }, { onProgress: del.onProgress });
    expect(del.nextCalls()).toEqual([
      ['delete-load-balancer', 'DELETE loadBalancers/web'],
      ['delete-public-ip', 'DELETE publicIPAddresses/web-nlbkit-ip'],
    ]);
  });
});
