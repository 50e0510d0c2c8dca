/**
 * A shared world's reset: every cloud's fake forgets what the last case made, the calls it recorded and
 * the faults it still held, and the world has its VMs again with a new driver, on the same server.
 */
import { describe, expect, it } from 'vitest';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import type { IID } from '../../src/interfaces/types.js';
import { baseRequest } from '../../src/testing/index.js';
import { startAwsWorld } from './aws/aws-world.js';
import { startAzureWorld } from './azure/azure-world.js';
import { startGcpWorld } from './gcp/gcp-world.js';
import { startOpenStackWorld } from './openstack/openstack-world.js';
import { type ResettableWorld, useSharedWorld } from './shared-world.js';

interface World extends ResettableWorld {
  driver: NLBHandler;
  vms: IID[];
  vpcIID: IID;
  fake: { calls: readonly unknown[] };
}

/** Makes every following provider call fail, in the cloud's own way. */
const FAIL_ALL: Record<string, (w: never) => void> = {
  aws: (w: Awaited<ReturnType<typeof startAwsWorld>>) =>
    w.fake.failOn('*', { code: 'InvalidConfigurationRequest', times: 1000 }),
  azure: (w: Awaited<ReturnType<typeof startAzureWorld>>) =>
    w.fake.fail({ method: 'PUT', path: /./, times: 1000 }),
  gcp: (w: Awaited<ReturnType<typeof startGcpWorld>>) =>
    w.fake.fail({ method: 'POST', path: /./, times: 1000, status: 503 }),
  openstack: (w: Awaited<ReturnType<typeof startOpenStackWorld>>) =>
    w.fake.fail({ method: 'POST', path: /./, times: 1000 }),
};

const CLOUDS: [string, () => Promise<World>][] = [
  ['aws', startAwsWorld],
  ['azure', startAzureWorld],
  ['gcp', startGcpWorld],
  ['openstack', startOpenStackWorld],
];

for (const [cloud, start] of CLOUDS)
  describe(`${cloud} world reset`, () => {
    const shared = useSharedWorld(start);

    it('forgets the NLB, the calls and the faults; keeps the VMs and the server', async () => {
      const w = await shared();
      const vmNames = w.vms.map((vm) => vm.nameId);
      const driver = w.driver;
      const request = (name: string) =>
        baseRequest(
          w.driver.capabilities,
          { driver: w.driver, vms: w.vms, vpcIID: w.vpcIID },
          name,
          w.vms.slice(0, 2),
        );
      await w.driver.createNLB(request('web'));
      (FAIL_ALL[cloud] as (w: World) => void)(w);
      await expect(w.driver.createNLB(request('other'))).rejects.toMatchObject({ code: expect.any(String) });

      const again = await shared();
      expect(again).toBe(w);
      expect(w.driver).not.toBe(driver);
      expect(w.fake.calls).toEqual([]);
      expect(w.vms.map((vm) => vm.nameId)).toEqual(vmNames);
      expect(await w.driver.listNLB()).toEqual([]);
      // The faults are gone: the same create goes through.
      await w.driver.createNLB(request('web'));
      expect((await w.driver.listNLB()).map((n) => n.iid.nameId)).toEqual(['web']);
    });
  });
