/** Test helper: an Azure fake with a VNet and VMs, and an Azure driver using it through the real SDK. */
import { NetworkManagementClient } from '@azure/arm-network';
import { type AzureDriverOptions, createAzureDriver } from '../../../src/drivers/azure/index.js';
import type { AdoptableNLBHandler } from '../../../src/interfaces/adoption.js';
import type { IID } from '../../../src/interfaces/types.js';
import { type AzureFake, fakeCredential, fakeHttpClient, startAzureFake } from '../../fakes/azure/index.js';
import { resettableWorld } from '../shared-world.js';

export interface AzureWorld {
  fake: AzureFake;
  driver: AdoptableNLBHandler;
  vpcIID: IID;
  vms: IID[];
  /** Back to how it started (the fake's server kept): the same VNet and VMs, a new driver. */
  reset(): Promise<void>;
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
    waiter: { minDelayMs: 1 },
    ...extra,
  };
}

/** Options of {@link startAzureWorld}. */
export interface AzureWorldOptions {
  vmCount?: number;
  driver?: Partial<AzureDriverOptions>;
  /** A dual-stack subnet (IPv6 prefix) and VMs with IPv6 addresses; default true. */
  ipv6?: boolean;
}

/** A world: VNet `web-vnet` (dual stack unless `ipv6: false`) with VMs vm-1..vm-N. */
export async function startAzureWorld(opts: AzureWorldOptions = {}): Promise<AzureWorld> {
  const fake = await startAzureFake();
  return resettableWorld(fake, (f) => seed(f, opts));
}

/** The VNet, the VMs and a driver on a fresh fake. */
function seed(fake: AzureFake, opts: AzureWorldOptions) {
  const vnet = fake.addVnet('web-vnet', { ipv6: opts.ipv6 ?? true });
  const vms: IID[] = [];
  for (let i = 1; i <= (opts.vmCount ?? 4); i++) {
    const nic = fake.addVm(`vm-${i}`, vnet);
    vms.push({ nameId: `vm-${i}`, systemId: nic.vmId });
  }
  const driver = createAzureDriver(driverOptionsFor(fake, opts.driver));
  return { driver, vpcIID: { nameId: 'web-vnet', systemId: vnet.id }, vms };
}

/** The real SDK's client on the fake, as another program (the portal, a script) would use it. */
export const sdkClient = (fake: AzureFake) =>
  new NetworkManagementClient(fakeCredential, fake.subscriptionId, {
    httpClient: fakeHttpClient(fake),
    retryOptions: { maxRetries: 0 },
  });
