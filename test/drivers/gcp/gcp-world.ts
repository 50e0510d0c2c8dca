/** Test helper: a Compute Engine fake with a network and VMs in three zones, and a GCP driver using it through the real SDK. */
import { OAuth2Client } from 'google-auth-library';
import type { GcpDriverInternals } from '../../../src/drivers/gcp/gcp-driver.js';
import { createGcpDriver, type GcpDriverOptions } from '../../../src/drivers/gcp/index.js';
import type { AdoptableNLBHandler } from '../../../src/interfaces/adoption.js';
import type { IID } from '../../../src/interfaces/types.js';
import { type GceFake, type GceFakeOptions, startGceFake } from '../../fakes/gcp/index.js';
import { resettableWorld } from '../shared-world.js';

export interface GcpWorld {
  fake: GceFake;
  driver: AdoptableNLBHandler;
  vpcIID: IID;
  vms: IID[];
  /** Back to how it started (the fake's server kept): the same network and VMs, a new driver. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** An auth client holding the fake's token (no Google account involved). */
export function fakeAuthClient(fake: GceFake): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: fake.token, expiry_date: Date.now() + 3_600_000 });
  return client;
}

/** Driver options pointing at the fake. */
export function driverOptionsFor(fake: GceFake, extra: Partial<GcpDriverOptions> = {}): GcpDriverOptions {
  return {
    projectId: fake.project,
    region: fake.region,
    endpoint: `http://127.0.0.1:${fake.port}`,
    authClient: fakeAuthClient(fake),
    waiter: { minDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  };
}

/** Options of {@link startGcpWorld}. */
export interface GcpWorldOptions {
  vmCount?: number;
  driver?: Partial<GcpDriverOptions>;
  fake?: GceFakeOptions;
  internals?: GcpDriverInternals;
  /** The subnetwork's IPv6 range (dual stack), or none; default EXTERNAL. */
  ipv6?: 'EXTERNAL' | 'INTERNAL' | 'none';
}

/** A world: network `web-net` with VMs vm-1..vm-N spread over the region's three zones in turn. */
export async function startGcpWorld(opts: GcpWorldOptions = {}): Promise<GcpWorld> {
  const fake = await startGceFake(opts.fake);
  return resettableWorld(fake, (f) => seed(f, opts));
}

/** The network, the VMs and a driver on a fresh fake. */
function seed(fake: GceFake, opts: GcpWorldOptions) {
  const ipv6 = opts.ipv6 ?? 'EXTERNAL';
  const network = fake.addNetwork('web-net', 1, ipv6 === 'none' ? undefined : ipv6);
  const vms: IID[] = [];
  for (let i = 1; i <= (opts.vmCount ?? 4); i++) {
    const instance = fake.addInstance(`vm-${i}`, fake.zones[(i - 1) % fake.zones.length] as string, network);
    vms.push({ nameId: `vm-${i}`, systemId: instance.id });
  }
  const driver = createGcpDriver(driverOptionsFor(fake, opts.driver), opts.internals);
  return { driver, vpcIID: { nameId: 'web-net' }, vms };
}
