/** Test helper: an OpenStack fake with a private and an external network, VMs, and a driver on it. */
import { createOpenStackDriver, type OpenStackDriverOptions } from '../../../src/drivers/openstack/index.js';
import type { NLBHandler } from '../../../src/interfaces/handler.js';
import type { IID } from '../../../src/interfaces/types.js';
import {
  type OpenStackFake,
  type OpenStackFakeOptions,
  startOpenStackFake,
} from '../../fakes/openstack/index.js';
import { resettableWorld } from '../shared-world.js';

export interface OpenStackWorld {
  fake: OpenStackFake;
  driver: NLBHandler;
  vpcIID: IID;
  vms: IID[];
  /** Back to how it started (the fake's server kept): the same networks and VMs, a new driver. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Driver options pointing at the fake (password auth), with fast waits. */
export function driverOptionsFor(
  fake: OpenStackFake,
  extra: Partial<OpenStackDriverOptions> = {},
): OpenStackDriverOptions {
  return {
    authUrl: fake.authUrl,
    auth: {
      username: fake.credentials.username,
      password: fake.credentials.password,
      projectName: fake.credentials.projectName,
    },
    region: fake.region,
    floatingNetwork: 'public',
    waiter: { minDelayMs: 2, maxDelayMs: 10, maxWaitMs: 5000 },
    ...extra,
  };
}

/** Options of {@link startOpenStackWorld}. */
export interface OpenStackWorldOptions {
  fake?: OpenStackFakeOptions;
  driver?: Partial<OpenStackDriverOptions>;
  vmCount?: number;
  /** Give `private` an IPv6 subnet too (dual-stack VIPs need one); default true. */
  ipv6?: boolean;
}

/** Starts a world: network `private` with VMs vm-1.., external network `public`. */
export async function startOpenStackWorld(opts: OpenStackWorldOptions = {}): Promise<OpenStackWorld> {
  const fake = await startOpenStackFake(opts.fake);
  return resettableWorld(fake, (f) => seed(f, opts));
}

/** The networks, the VMs and a driver on a fresh fake. */
function seed(fake: OpenStackFake, opts: OpenStackWorldOptions) {
  const net = fake.addNetwork('private', { ipv6: opts.ipv6 ?? true });
  fake.addNetwork('public', { external: true });
  const vms: IID[] = [];
  for (let i = 1; i <= (opts.vmCount ?? 4); i++) {
    const server = fake.addServer(`vm-${i}`, net);
    vms.push({ nameId: server.name, systemId: server.id });
  }
  const driver = createOpenStackDriver(driverOptionsFor(fake, opts.driver));
  return { driver, vpcIID: { nameId: 'private', systemId: net.id }, vms };
}
