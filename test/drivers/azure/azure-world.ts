/** Test helper: an Azure fake with a VNet and VMs, and an Azure driver using it through the real SDK. */
import { type AzureDriverOptions, createAzureDriver } from '../../../src/drivers/azure/index.js';
import type { NLBHandler } from '../../../src/interfaces/handler.js';
import type { IID } from '../../../src/interfaces/types.js';
import { type AzureFake, fakeCredential, fakeHttpClient, startAzureFake } from '../../fakes/azure/index.js';

export interface AzureWorld {
  fake: AzureFake;
  driver: NLBHandler;
  vpcIID: IID;
  vms: IID[];
  close(): Promise<void>;
}

/** Driver options pointing at the fake, without retries (faults are meant to hit). */
export function driverOptionsFor(
  fake: AzureFake,
  extra: Partial<AzureDriverOptions> = {},
): AzureDriverOptions {
  return {
    subscriptionId: fake.subscriptionId,
    resourceGroup: fake.resourceGroup,
    location: fake.location,
    credential: fakeCredential,
    httpClient: fakeHttpClient(fake),
    maxRetries: 0,
    pollIntervalMs: 1,
    ...extra,
  };
}

/** A world: VNet `web-vnet` with VMs vm-1..vm-N. */
export async function startAzureWorld(
  opts: { vmCount?: number; driver?: Partial<AzureDriverOptions> } = {},
): Promise<AzureWorld> {
  const fake = await startAzureFake();
  const vnet = fake.addVnet('web-vnet');
  const vms: IID[] = [];
  for (let i = 1; i <= (opts.vmCount ?? 4); i++) {
    const nic = fake.addVm(`vm-${i}`, vnet);
    vms.push({ nameId: `vm-${i}`, systemId: nic.vmId });
  }
  const driver = createAzureDriver(driverOptionsFor(fake, opts.driver));
  return { fake, driver, vpcIID: { nameId: 'web-vnet', systemId: vnet.id }, vms, close: () => fake.close() };
}
