/** Test helper: an AWS fake with a VPC and named instances, and an AWS driver pointed at it. */
import { type AwsDriverOptions, createAwsDriver } from '../../../src/drivers/aws/index.js';
import type { AdoptableNLBHandler } from '../../../src/interfaces/adoption.js';
import type { IID } from '../../../src/interfaces/types.js';
import { type AwsFake, type AwsFakeOptions, awsClientConfig, startAwsFake } from '../../fakes/aws/index.js';

/** A fake, a VPC in it, VMs, and a driver using the fake through the real SDK over HTTP. */
export interface AwsWorld {
  fake: AwsFake;
  driver: AdoptableNLBHandler;
  vpcIID: IID;
  vms: IID[];
  /** The VPC's subnets, one per AZ (for load balancers made outside nlbkit). */
  subnetIds: string[];
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

/** Starts a world with `vmCount` instances named vm-1.. in one VPC named `main`. */
export async function startAwsWorld(
  opts: {
    fake?: AwsFakeOptions;
    driver?: Partial<AwsDriverOptions>;
    vmCount?: number;
    /** Subnets with IPv6 CIDR blocks (dual-stack load balancers need them); default true (all). */
    ipv6?: boolean | string[];
    /** The VPC's zones; default the fake's two. */
    azs?: string[];
  } = {},
): Promise<AwsWorld> {
  const fake = await startAwsFake(opts.fake);
  const vpc = fake.addVpc({ name: 'main', ipv6: opts.ipv6 ?? true, ...(opts.azs ? { azs: opts.azs } : {}) });
  const vms: IID[] = [];
  for (let i = 1; i <= (opts.vmCount ?? 4); i++) {
    const name = `vm-${i}`;
    const { instanceId } = fake.addInstance({ vpcId: vpc.vpcId, name });
    vms.push({ nameId: name, systemId: instanceId });
  }
  const driver = createAwsDriver(driverOptionsFor(fake, opts.driver));
  return {
    fake,
    driver,
    vpcIID: { nameId: 'main', systemId: vpc.vpcId },
    vms,
    subnetIds: vpc.subnetIds,
    close: () => fake.close(),
  };
}

/** Each call of a recorded run as [action, its occurrence number among calls of that action]. */
export function actionSteps(actions: string[]): [string, number][] {
  const seen = new Map<string, number>();
  return actions.map((a) => {
    const n = (seen.get(a) ?? 0) + 1;
    seen.set(a, n);
    return [a, n];
  });
}
