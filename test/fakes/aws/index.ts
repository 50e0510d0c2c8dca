/**
 * A local HTTP fake of AWS ELBv2 (awsQuery) and EC2 (ec2Query) for the calls nlbkit's AWS driver
 * makes, so the real AWS SDK v3 clients can be tested offline.
 *
 * Behaviour worth knowing when testing a driver against it:
 * - Creates are idempotent as on AWS: CreateLoadBalancer/CreateTargetGroup/CreateListener with the same
 *   name (or port) and the same settings return the existing object; different settings answer
 *   `DuplicateLoadBalancerName` / `DuplicateTargetGroupName` / `DuplicateListener`.
 * - DeleteLoadBalancer and DeleteTargetGroup of an absent ARN succeed (AWS does the same);
 *   DeleteListener of an absent ARN answers `ListenerNotFound`.
 * - A load balancer reports `provisioning` to its first `activateAfterDescribes` describes, then `active`.
 *   A target reports `initial` to its first `healthyAfterDescribes` DescribeTargetHealth calls, then
 *   `healthy`; it is `unused` (Target.NotInUse) while no listener forwards to its group, or when its
 *   instance's AZ is not enabled on the load balancer. `setTargetHealth` pins any state.
 * - Injected faults (`failOn`, `throttle`) are decided before the handler runs, so they change no state.
 * - The fake serves network load balancers only: other `Type`s and HTTP/HTTPS/GENEVE protocols are rejected.
 *
 * @example
 * const fake = await startAwsFake();
 * const { vpcId, subnetIds } = fake.addVpc();
 * const elb = new ElasticLoadBalancingV2Client(awsClientConfig(fake));
 * await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Type: 'network', Subnets: subnetIds }));
 * await fake.close();
 */
import type { Server } from 'node:http';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { ec2Service } from './ec2-handlers.js';
import { type AddInstanceOptions, type AddVpcOptions, addInstance, addVpc } from './ec2-world.js';
import { elbv2Service } from './elbv2-service.js';
import { type FailOnOptions, FaultInjector } from './faults.js';
import { listen, type RecordedCall } from './server.js';
import { FakeState } from './state.js';

export type { AddInstanceOptions, AddVpcOptions } from './ec2-world.js';
export type { FailOnOptions } from './faults.js';
export type { RecordedCall } from './server.js';

/** A running fake and its test-side controls. */
export interface AwsFake {
  /** `http://127.0.0.1:PORT`; one server serves both services (routed on the `Version` param). */
  endpoint: string;
  /** Region used in ARNs, DNS names and default AZs; default `us-east-1`. */
  region: string;
  /** Stops the server. */
  close(): Promise<void>;
  /** Adds a VPC with one subnet per AZ (default AZs `REGIONa`, `REGIONb`). */
  addVpc(opts?: AddVpcOptions): { vpcId: string; subnetIds: string[] };
  /** Adds a running instance tagged `Name=name`. */
  addInstance(opts: AddInstanceOptions): { instanceId: string };
  /** Makes the nth call (1-based, counted from now) of `action` (or `*`) fail, `times` calls in a row. */
  failOn(action: string, opts: FailOnOptions): void;
  /** The next `times` calls of `action` (or of any action for `*`) answer throttling (ELBv2 `Throttling` 400, EC2 `RequestLimitExceeded` 503). */
  throttle(action: string | '*', times: number): void;
  /** Pins a target's health; automatic progression no longer changes it. Throws if not registered. */
  setTargetHealth(
    targetGroupArn: string,
    instanceId: string,
    state: string,
    reason?: string,
    description?: string,
  ): void;
  /** Every call received, in order, including failed ones; `params` are decoded and exclude `Action`/`Version`. */
  readonly calls: ReadonlyArray<RecordedCall>;
  /** Forgets recorded calls. */
  resetCalls(): void;
  /** Back to how it started, on the same port: no VPC or other object, no calls or faults. */
  reset(): void;
  /** How many objects exist now (targets: registered and not draining, over all groups). */
  counts(): { loadBalancers: number; targetGroups: number; listeners: number; targets: number };
}

/** Options of {@link startAwsFake}. */
export interface AwsFakeOptions {
  /** Default `us-east-1`. */
  region?: string;
  /** 12 digits; default `123456789012`. */
  accountId?: string;
  /** DescribeLoadBalancers calls that still report `provisioning`; default 1 (the second describe sees `active`). */
  activateAfterDescribes?: number;
  /** DescribeTargetHealth calls that still report `initial`; default 1 (the second describe sees `healthy`). */
  healthyAfterDescribes?: number;
  /** DescribeTargetHealth calls that report a deregistered target as `draining`; default 0 (gone at once). */
  drainingDescribes?: number;
}

/** Starts the fake on an ephemeral loopback port. */
export async function startAwsFake(opts: AwsFakeOptions = {}): Promise<AwsFake> {
  const settings = {
    region: opts.region ?? 'us-east-1',
    accountId: opts.accountId ?? '123456789012',
    activateAfterDescribes: opts.activateAfterDescribes ?? 1,
    healthyAfterDescribes: opts.healthyAfterDescribes ?? 1,
    drainingDescribes: opts.drainingDescribes ?? 0,
  };
  const calls: RecordedCall[] = [];
  // The server reads state and faults from `deps` per request, so `reset` can swap them.
  const deps = {
    state: new FakeState(settings),
    faults: new FaultInjector(),
    services: [elbv2Service, ec2Service],
    calls,
  };
  const { server, endpoint } = await listen(deps);
  return {
    endpoint,
    region: settings.region,
    close: () => closeServer(server),
    addVpc: (o) => addVpc(deps.state, o),
    addInstance: (o) => addInstance(deps.state, o),
    failOn: (action, o) => deps.faults.failOn(action, o),
    throttle: (action, times) => deps.faults.throttle(action, times),
    setTargetHealth: (tgArn, id, health, reason, description) => {
      const targets = [...deps.state.targetsOf(tgArn).values()].filter((t) => t.id === id);
      if (targets.length === 0) throw new Error(`setTargetHealth: ${id} is not registered in ${tgArn}`);
      for (const t of targets) t.pinned = { state: health, reason, description };
    },
    calls,
    resetCalls: () => {
      calls.length = 0;
    },
    reset: () => {
      deps.state = new FakeState(settings);
      deps.faults = new FaultInjector();
      calls.length = 0;
    },
    counts: () => {
      const state = deps.state;
      return {
        loadBalancers: state.loadBalancers.size,
        targetGroups: state.targetGroups.size,
        listeners: state.listeners.size,
        targets: [...state.targets.values()].reduce(
          (n, m) => n + [...m.values()].filter((t) => t.drainingLeft === undefined).length,
          0,
        ),
      };
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/** Options of {@link awsClientConfig}. */
export interface AwsClientConfigOptions {
  /** SDK attempts per call (first try included); default 3, as the SDK's own default. */
  maxAttempts?: number;
  /** Delay between retries in ms; default 5 so retry tests stay fast. */
  retryDelayMs?: number;
}

/**
 * Client options that point a real SDK v3 client (ELBv2 or EC2) at the fake, with dummy credentials
 * and the SDK's standard retry strategy but short, fixed back-off delays.
 */
export function awsClientConfig(fake: AwsFake, opts: AwsClientConfigOptions = {}) {
  const maxAttempts = opts.maxAttempts ?? 3;
  const delay = opts.retryDelayMs ?? 5;
  return {
    region: fake.region,
    endpoint: fake.endpoint,
    credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret-key' },
    maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => delay),
  };
}
