/**
 * The fake's in-memory world: EC2 objects created by tests and ELBv2 objects created through the API.
 * Plain data plus lookups that throw the AWS "not found" errors, so handlers stay short.
 */
import { AwsFault } from './errors.js';
import { elbArnPrefix } from './ids.js';

/** Options that shape the fake's timing behaviour. */
export interface FakeSettings {
  region: string;
  accountId: string;
  /** DescribeLoadBalancers calls that still see `provisioning` before the LB reports `active`. */
  activateAfterDescribes: number;
  /** DescribeTargetHealth calls that still see `initial` before a target reports `healthy`. */
  healthyAfterDescribes: number;
  /** DescribeTargetHealth calls that see a deregistered target as `draining` before it disappears. */
  drainingDescribes: number;
}

/** A VPC added by a test. */
export interface Vpc {
  vpcId: string;
  cidr: string;
  name?: string;
  /** The VPC's associated IPv6 block (a /56), when it has one. */
  ipv6Cidr?: string;
}

/** A subnet; one per AZ is created by `addVpc`. */
export interface Subnet {
  subnetId: string;
  vpcId: string;
  az: string;
  cidr: string;
  /** The subnet's associated IPv6 block (a /64), when it has one: dual-stack load balancers need it. */
  ipv6Cidr?: string;
}

/** An EC2 instance added by a test; always `running`. */
export interface Instance {
  instanceId: string;
  reservationId: string;
  vpcId: string;
  subnetId: string;
  az: string;
  privateIp: string;
  name: string;
  launchTime: Date;
}

/** A network load balancer. */
export interface LoadBalancer {
  arn: string;
  name: string;
  scheme: 'internet-facing' | 'internal';
  ipAddressType: string;
  vpcId: string;
  subnets: { subnetId: string; az: string }[];
  dnsName: string;
  createdTime: Date;
  /** DescribeLoadBalancers calls that have returned this LB so far. */
  describes: number;
}

/** Health-check settings of a target group. */
export interface HealthSettings {
  protocol: string;
  port: string;
  path?: string;
  interval: number;
  timeout: number;
  healthy: number;
  unhealthy: number;
  matcher?: string;
}

/** A target group. */
export interface TargetGroup {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: 'instance' | 'ip';
  health: HealthSettings;
  /** Target group attributes (deregistration delay, ...); AWS's defaults until first read or set. */
  attributes?: Map<string, string>;
}

/** A listener forwarding to one target group. */
export interface Listener {
  arn: string;
  lbArn: string;
  port: number;
  protocol: string;
  targetGroupArn: string;
  certificateArns: string[];
  sslPolicy?: string;
}

/** A registered (or draining) target and its health as the fake reports it. */
export interface Target {
  id: string;
  port: number;
  az?: string;
  /** Set by `setTargetHealth`: a fixed health that automatic progression never changes. */
  pinned?: { state: string; reason?: string; description?: string };
  /** DescribeTargetHealth calls that have seen this target while its group was in use. */
  describes: number;
  /** While deregistering: describes left before the target disappears. */
  drainingLeft?: number;
}

/** The whole fake world. */
export class FakeState {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly instances = new Map<string, Instance>();
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly targetGroups = new Map<string, TargetGroup>();
  readonly listeners = new Map<string, Listener>();
  /** Target group ARN -> `id:port` -> target. */
  readonly targets = new Map<string, Map<string, Target>>();
  /** Resource ARN -> tag key -> value, in insertion order. */
  readonly tags = new Map<string, Map<string, string>>();

  constructor(readonly settings: FakeSettings) {}

  /** `arn:aws:elasticloadbalancing:REGION:ACCOUNT`. */
  get arnPrefix(): string {
    return elbArnPrefix(this.settings.region, this.settings.accountId);
  }

  /** The LB or a `LoadBalancerNotFound` fault. */
  lb(arn: string): LoadBalancer {
    const lb = this.loadBalancers.get(arn);
    if (!lb) throw new AwsFault('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
    return lb;
  }

  /** The target group or a `TargetGroupNotFound` fault. */
  tg(arn: string): TargetGroup {
    const tg = this.targetGroups.get(arn);
    if (!tg) throw new AwsFault('TargetGroupNotFound', `Target groups '${arn}' not found`);
    return tg;
  }

  /** The listener or a `ListenerNotFound` fault. */
  listener(arn: string): Listener {
    const l = this.listeners.get(arn);
    if (!l) throw new AwsFault('ListenerNotFound', `Listener '${arn}' not found`);
    return l;
  }

  /** ARNs of the load balancers whose listeners forward to a target group. */
  lbArnsOf(tgArn: string): string[] {
    const arns = new Set<string>();
    for (const l of this.listeners.values()) if (l.targetGroupArn === tgArn) arns.add(l.lbArn);
    return [...arns];
  }

  /** The targets of a group (created on first use). */
  targetsOf(tgArn: string): Map<string, Target> {
    let m = this.targets.get(tgArn);
    if (!m) {
      m = new Map();
      this.targets.set(tgArn, m);
    }
    return m;
  }

  /** Tags of a resource (created on first use). */
  tagsOf(arn: string): Map<string, string> {
    let m = this.tags.get(arn);
    if (!m) {
      m = new Map();
      this.tags.set(arn, m);
    }
    return m;
  }
}
