/**
 * Test-side creation of EC2 objects (`addVpc`, `addInstance`). The fake never creates these through
 * the API, because nlbkit's driver only reads them.
 */
import { ec2Id } from './ids.js';
import { intToIp, ipToInt, parseCidr } from './ipv4.js';
import type { FakeState, Instance } from './state.js';

/** Options of `addVpc`. */
export interface AddVpcOptions {
  /** Value of the VPC's `Name` tag; subnets are tagged `NAME-AZ`. */
  name?: string;
  /** IPv4 block, prefix /8 to /24; default `10.N.0.0/16` with N counting VPCs. */
  cidr?: string;
  /** One subnet (a /24, or the whole block if it is a /24) per zone; default `REGIONa`, `REGIONb`. */
  azs?: string[];
  /**
   * Give the VPC an IPv6 /56 and each subnet a /64 of it (dual stack), or only the subnets of the
   * zones listed; default false.
   */
  ipv6?: boolean | string[];
}

/** Options of `addInstance`. */
export interface AddInstanceOptions {
  vpcId: string;
  /** Value of the instance's `Name` tag. */
  name: string;
  /** Default: the next free address from .10 up in the subnet. */
  privateIp?: string;
  /** Default: the VPC's first subnet. */
  subnetId?: string;
}

/** Adds a VPC with one subnet per AZ. */
export function addVpc(state: FakeState, opts: AddVpcOptions = {}): { vpcId: string; subnetIds: string[] } {
  const cidr = opts.cidr ?? `10.${state.vpcs.size % 256}.0.0/16`;
  const { base, prefix } = parseCidr(cidr);
  if (prefix < 8 || prefix > 24) throw new Error(`addVpc: cidr ${cidr} must be /8 to /24`);
  const region = state.settings.region;
  const azs = opts.azs ?? [`${region}a`, `${region}b`];
  if (prefix === 24 && azs.length > 1) throw new Error('addVpc: a /24 VPC holds only one subnet');
  const vpcId = ec2Id('vpc');
  // Amazon-provided blocks look like 2600:1f18:xxxx:yy00::/56; a counter keeps them apart.
  const v6 = opts.ipv6 ? `2600:1f18:${(state.vpcs.size + 1).toString(16)}:` : undefined;
  state.vpcs.set(vpcId, {
    vpcId,
    cidr: `${intToIp(base)}/${prefix}`,
    ...(opts.name ? { name: opts.name } : {}),
    ...(v6 ? { ipv6Cidr: `${v6}:/56` } : {}),
  });
  const subnetIds = azs.map((az, k) => {
    const subnetId = ec2Id('subnet');
    const dual = v6 && (opts.ipv6 === true || (Array.isArray(opts.ipv6) && opts.ipv6.includes(az)));
    const ipv6 = dual ? { ipv6Cidr: `${v6}${k.toString(16)}::/64` } : {};
    state.subnets.set(subnetId, { subnetId, vpcId, az, cidr: `${intToIp(base + k * 256)}/24`, ...ipv6 });
    return subnetId;
  });
  return { vpcId, subnetIds };
}

/** Adds a running instance tagged `Name=name`. */
export function addInstance(state: FakeState, opts: AddInstanceOptions): { instanceId: string } {
  if (!state.vpcs.has(opts.vpcId)) throw new Error(`addInstance: unknown VPC ${opts.vpcId}`);
  const subnet = opts.subnetId
    ? state.subnets.get(opts.subnetId)
    : [...state.subnets.values()].find((s) => s.vpcId === opts.vpcId);
  if (!subnet || subnet.vpcId !== opts.vpcId) {
    throw new Error(`addInstance: subnet ${opts.subnetId ?? '(none)'} is not in ${opts.vpcId}`);
  }
  let privateIp = opts.privateIp;
  if (!privateIp) {
    const used = new Set([...state.instances.values()].map((i) => i.privateIp));
    let n = parseCidr(subnet.cidr).base + 10;
    while (used.has(intToIp(n))) n += 1;
    privateIp = intToIp(n);
  }
  ipToInt(privateIp); // throws on a malformed address, which is a test bug
  const instance: Instance = {
    instanceId: ec2Id('i'),
    reservationId: ec2Id('r'),
    vpcId: opts.vpcId,
    subnetId: subnet.subnetId,
    az: subnet.az,
    privateIp,
    name: opts.name,
    launchTime: new Date(),
  };
  state.instances.set(instance.instanceId, instance);
  return { instanceId: instance.instanceId };
}
