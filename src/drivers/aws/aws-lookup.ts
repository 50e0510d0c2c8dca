/**
 * EC2 look-ups: the VPC by id or Name tag, one subnet per Availability Zone, and VM IIDs to instance
 * ids. A VM's `nameId` is its instance's `Name` tag; a `systemId`, when given, must be that instance's
 * id (it picks one when several instances share a name).
 */
import type { Instance } from '@aws-sdk/client-ec2';
import { NLBError } from '../../interfaces/errors.js';
import type { IID } from '../../interfaces/types.js';
import type { AwsApi, CallContext } from './aws-api.js';
import { AWS_DRIVER_NAME } from './aws-options.js';

/** Instance states that can be registered as targets (terminated ones cannot). */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

const fail = (ctx: CallContext, code: 'NOT_FOUND' | 'INVALID_ARGUMENT', message: string) =>
  new NLBError({ code, driver: AWS_DRIVER_NAME, operation: ctx.operation, message });

const nameTag = (inst: Instance) => inst.Tags?.find((t) => t.Key === 'Name')?.Value;

/** The VPC's id: `systemId`, a `nameId` that is itself a `vpc-` id, or the VPC whose Name tag is `nameId`. */
export async function resolveVpcId(api: AwsApi, vpc: IID, ctx: CallContext): Promise<string> {
  if (vpc.systemId) return vpc.systemId;
  if (/^vpc-[0-9a-f]+$/.test(vpc.nameId)) return vpc.nameId;
  const out = await api.ec2('DescribeVpcs', { Filters: [{ Name: 'tag:Name', Values: [vpc.nameId] }] }, ctx);
  const ids = (out.Vpcs ?? []).map((v) => v.VpcId).filter((id): id is string => !!id);
  if (ids.length === 0) throw fail(ctx, 'NOT_FOUND', `no VPC named '${vpc.nameId}'`);
  if (ids.length > 1)
    throw fail(ctx, 'INVALID_ARGUMENT', `${ids.length} VPCs are named '${vpc.nameId}'; give vpcIID.systemId`);
  return ids[0] as string;
}

/**
 * One subnet per Availability Zone of the VPC (an NLB takes at most one per AZ): in each AZ the
 * subnet with the smallest id, so repeated creates choose the same ones.
 */
export async function subnetsPerAz(
  api: AwsApi,
  vpcId: string,
  ctx: CallContext,
  ipv6 = false,
): Promise<string[]> {
  const out = await api.ec2('DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }, ctx);
  const byAz = new Map<string, string>();
  const all = out.Subnets ?? [];
  // Dual stack needs subnets with an IPv6 CIDR: only those, when there are any. With none, AWS's own
  // refusal ("You must specify subnets with an associated IPv6 CIDR block") reaches the caller.
  const withIpv6 = all.filter((s) =>
    s.Ipv6CidrBlockAssociationSet?.some((a) => a.Ipv6CidrBlockState?.State === 'associated'),
  );
  for (const s of ipv6 && withIpv6.length > 0 ? withIpv6 : all) {
    if (!s.SubnetId || !s.AvailabilityZone) continue;
    const seen = byAz.get(s.AvailabilityZone);
    if (seen === undefined || s.SubnetId < seen) byAz.set(s.AvailabilityZone, s.SubnetId);
  }
  if (byAz.size === 0) throw fail(ctx, 'INVALID_ARGUMENT', `VPC '${vpcId}' has no subnets`);
  return [...byAz.keys()].sort().map((az) => byAz.get(az) as string);
}

/** Finds each VM's instance in the VPC; returns IIDs with `systemId` set, in the order given. */
export async function resolveInstances(
  api: AwsApi,
  vpcId: string,
  vms: readonly IID[],
  ctx: CallContext,
): Promise<IID[]> {
  if (vms.length === 0) return [];
  const names = [...new Set(vms.map((vm) => vm.nameId))];
  const out = await api.ec2(
    'DescribeInstances',
    {
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'tag:Name', Values: names },
        { Name: 'instance-state-name', Values: LIVE_STATES },
      ],
    },
    ctx,
  );
  const byName = new Map<string, string[]>();
  for (const r of out.Reservations ?? [])
    for (const inst of r.Instances ?? []) {
      const name = nameTag(inst);
      if (!name || !inst.InstanceId) continue;
      byName.set(name, [...(byName.get(name) ?? []), inst.InstanceId]);
    }
  return vms.map((vm) => {
    const ids = byName.get(vm.nameId) ?? [];
    if (vm.systemId !== undefined) {
      if (!ids.includes(vm.systemId))
        throw fail(ctx, 'NOT_FOUND', `no instance '${vm.systemId}' named '${vm.nameId}' in VPC '${vpcId}'`);
      return { nameId: vm.nameId, systemId: vm.systemId };
    }
    if (ids.length === 0) throw fail(ctx, 'NOT_FOUND', `no instance named '${vm.nameId}' in VPC '${vpcId}'`);
    if (ids.length > 1)
      throw fail(
        ctx,
        'INVALID_ARGUMENT',
        `${ids.length} instances are named '${vm.nameId}'; give its systemId`,
      );
    return { nameId: vm.nameId, systemId: ids[0] as string };
  });
}

/** The Name tag of each instance id (the id itself when it has none). */
export async function instanceNames(
  api: AwsApi,
  instanceIds: readonly string[],
  ctx: CallContext,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (instanceIds.length === 0) return names;
  // A terminated instance makes the whole call fail with NotFound; its id then stands for its name.
  const out = await api
    .ec2('DescribeInstances', { InstanceIds: [...instanceIds] }, ctx)
    .catch((e: NLBError) => {
      if (e.code === 'NOT_FOUND') return { Reservations: [] };
      throw e;
    });
  for (const r of out.Reservations ?? [])
    for (const inst of r.Instances ?? [])
      if (inst.InstanceId) names.set(inst.InstanceId, nameTag(inst) ?? inst.InstanceId);
  for (const id of instanceIds) if (!names.has(id)) names.set(id, id);
  return names;
}
