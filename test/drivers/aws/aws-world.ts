/** Test helper: an AWS fake with a VPC and named instances, and an AWS driver pointed at it. */
import { type AwsDriverOptions, createAwsDriver } from '../../../src/drivers/aws/index.js';
import type { AdoptableNLBHandler } from '../../../src/interfaces/adoption.js';
import type { IID } from '../../../src/interfaces/types.js';
import { type AwsFake, type AwsFakeOptions, awsClientConfig, startAwsFake } from '../../fakes/aws/index.js';
import { resettableWorld } from '../shared-world.js';

/** A fake, a VPC in it, VMs, and a driver using the fake through the real SDK over HTTP. */
export interface AwsWorld {
  fake: AwsFake;
  driver: AdoptableNLBHandler;
  vpcIID: IID;
  vms: IID[];
  /** The VPC's subnets, one per AZ (for load balancers made outside nlbkit). */
  subnetIds: string[];
  /** Back to how it started (the fake's server kept): a new VPC and VMs of the same names, a new driver. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Driver options that point at the fake, with fast retries and waits. */
export function driverOptionsFor(fake: AwsFake, extra: Partial<AwsDriverOptions> = {}): AwsDriverOptions {
  const cfg = awsClientConfig(fake);
  return {
    region: cfg.region,
    endpoint: cfg.endpoint,
    credentials: cfg.credentials,
    maxRetries: 2,
    retryBackoffMs: 1,
    waiter: { minDelayMs: 1, maxDelayMs: 5, maxWaitMs: 5000 },
    ...extra,
  };
}

/** Options of {@link startAwsWorld}. */
export interface AwsWorldOptions {
  fake?: AwsFakeOptions;
  driver?: Partial<AwsDriverOptions>;
  vmCount?: number;
  /** Subnets with IPv6 CIDR blocks (dual-stack load balancers need them); default true (all). */
  ipv6?: boolean | string[];
  /** The VPC's zones; default the fake's two. */
  azs?: string[];
}

/** Starts a world with `vmCount` instances named vm-1.. in one VPC named `main`. */
export async function startAwsWorld(opts: AwsWorldOptions = {}): Promise<AwsWorld> {
  const fake = await startAwsFake(opts.fake);
  return resettableWorld(fake, (f) => seed(f, opts));
}

/** The VPC, the VMs and a driver on a fresh fake. */
function seed(fake: AwsFake, opts: AwsWorldOptions) {
  const vpc = fake.addVpc({ name: 'main', ipv6: opts.ipv6 ?? true, ...(opts.azs ? { azs: opts.azs } : {}) });
  const vms: IID[] = [];
  for (let i = 1; i <= (opts.vmCount ?? 4); i++) {
    const name = `vm-${i}`;
    const { instanceId } = fake.addInstance({ vpcId: vpc.vpcId, name });
    vms.push({ nameId: name, systemId: instanceId });
  }
  const driver = createAwsDriver(driverOptionsFor(fake, opts.driver));
  return { driver, vpcIID: { nameId: 'main', systemId: vpc.vpcId }, vms, subnetIds: vpc.subnetIds };
}
