/**
 * adoptNLB / releaseNLB on OpenStack. A load balancer is nlbkit's when it carries the managed tag (see
 * openstack-read.ts), so adopting one is tagging it as the driver tags its own, after checking nlbkit can show
 * it as one NLB: one TCP or UDP listener forwarding to the load balancer's only pool, one health
 * monitor, and members that are Nova servers' addresses on the VIP network, all on one port and checked
 * there. Members are renamed to their servers' names and tagged with the server id; the load balancer's
 * tag comes last, so a half-adopted one is never listed. Releasing removes the marks, deleting nothing.
 * Both undo their steps on failure.
 */
import { z } from 'zod';
import { mapLimited } from '../../common/map-limited.js';
import { Rollback } from '../../common/rollback.js';
import { checkCreate, type DriverCapabilities } from '../../interfaces/capabilities.js';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { createRequestSchema } from '../../interfaces/schemas.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './openstack-api.js';
import type { OpenStackDeps } from './openstack-context.js';
import {
  groupPortTag,
  lbTags,
  MANAGED_TAG,
  type OctaviaTree,
  toNLBInfo,
  withMemberVm,
  withoutMarks,
  withoutMemberVm,
} from './openstack-convert.js';
import type { OctaviaLb, OctaviaMember } from './openstack-octavia.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';
import { readNLB, readTree } from './openstack-read.js';

const L4 = ['TCP', 'UDP'];

/** The ports of the VIP network: which server (device) has which address. */
const PortsAnswer = z.object({
  ports: z.array(
    z.looseObject({
      device_id: z.string(),
      fixed_ips: z.array(z.looseObject({ ip_address: z.string() })).optional(),
    }),
  ),
});
const ServerAnswer = z.object({ server: z.looseObject({ id: z.string(), name: z.string() }) });

const fail = (
  ctx: CallContext,
  code: 'UNSUPPORTED' | 'INVALID_ARGUMENT' | 'ALREADY_EXISTS',
  message: string,
) => new NLBError({ code, driver: OPENSTACK_DRIVER_NAME, operation: ctx.operation, message });

/** Why the tree's structure is not one NLB (empty: it is). */
function shapeProblems(tree: OctaviaTree, provider: string | undefined): string[] {
  const { lb, listener, pool, monitor, members } = tree;
  const out: string[] = [];
  const ovn = provider === 'ovn';
  if ((lb.provider === 'ovn') !== ovn)
    out.push(`its provider is ${lb.provider ?? 'unknown'}; this driver serves ${ovn ? 'ovn' : 'amphora'}`);
  if (lb.listeners.length !== 1) out.push(`it has ${lb.listeners.length} listeners; an nlbkit NLB has one`);
  else if (!listener || !L4.includes(listener.protocol))
    out.push(`its listener's protocol ${listener?.protocol} is not TCP or UDP`);
  if (lb.pools.length !== 1) out.push(`it has ${lb.pools.length} pools; an nlbkit NLB has one`);
  else if (pool && listener && listener.default_pool_id !== pool.id)
    out.push('its listener does not forward to its pool');
  if (pool && listener && pool.protocol !== listener.protocol)
    out.push(`its pool's protocol ${pool.protocol} differs from the listener's`);
  if (pool?.lb_algorithm === 'LEAST_CONNECTIONS') out.push("its pool's algorithm LEAST_CONNECTIONS");
  if (pool && !monitor) out.push('its pool has no health monitor');
  if (monitor && !['TCP', 'HTTP', 'HTTPS', 'UDP-CONNECT'].includes(monitor.type))
    out.push(`its health monitor's type ${monitor.type}`);
  if (new Set(members.map((m) => m.protocol_port)).size > 1) out.push('its members are on different ports');
  if (members.some((m) => m.monitor_port != null || m.monitor_address))
    out.push('its members are checked on another port or address (monitor_port, monitor_address)');
  if (members.some((m) => m.backup)) out.push('it has backup members');
  return out;
}

/** The NLB as a create request would ask for it, checked against the driver's capabilities. */
function valueProblems(caps: DriverCapabilities, nlb: NLBInfo): string[] {
  const hc = nlb.healthChecker;
  const parsed = createRequestSchema.safeParse({
    iid: { nameId: nlb.iid.nameId },
    vpcIID: { nameId: nlb.vpcIID.nameId || 'vpc' },
    type: nlb.type,
    listener: { protocol: nlb.listener.protocol, port: nlb.listener.port },
    vmGroup: {
      protocol: nlb.vmGroup.protocol,
      port: nlb.vmGroup.port,
      vms: nlb.vmGroup.vms.map((vm) => ({
        nameId: vm.nameId,
        ...(vm.weight === undefined ? {} : { weight: vm.weight }),
      })),
      algorithm: nlb.vmGroup.algorithm,
      ...(nlb.vmGroup.hashFields ? { hashFields: nlb.vmGroup.hashFields } : {}),
    },
    healthChecker: {
      protocol: hc.protocol,
      interval: hc.interval,
      timeout: hc.timeout,
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
      ...(hc.httpPath ? { httpPath: hc.httpPath, expectedCodes: hc.expectedCodes } : {}),
    },
  });
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  return checkCreate(caps, parsed.data).map((v) => `${v.path}: ${v.message}`);
}

/** The Nova server behind each member (by its port on the VIP network), or why one has none. */
async function serversOf(deps: OpenStackDeps, lb: OctaviaLb, members: OctaviaMember[], ctx: CallContext) {
  const path = `/v2.0/ports?network_id=${encodeURIComponent(lb.vip_network_id)}`;
  const { ports } = await deps.api.request('network', 'GET', path, undefined, ctx, PortsAnswer);
  const device = new Map(ports.flatMap((p) => (p.fixed_ips ?? []).map((f) => [f.ip_address, p.device_id])));
  const problems: string[] = [];
  const servers = await mapLimited(members, 4, async (m) => {
    const id = device.get(m.address);
    const server = id
      ? await deps.api
          .request('compute', 'GET', `/servers/${id}`, undefined, ctx, ServerAnswer)
          .then((b) => b.server)
          .catch((e: unknown) => {
            if (isNLBError(e) && e.code === 'NOT_FOUND') return undefined;
            throw e;
          })
      : undefined;
    if (!server)
      problems.push(`member ${m.address}:${m.protocol_port} is not a server's address on its network`);
    return server;
  });
  if (new Set(servers.map((s) => s?.id)).size < servers.length) problems.push('a server is a member twice');
  return { servers, problems };
}

/** Marks Octavia load balancer `systemId` as the NLB `name`; see the module comment. */
export async function adoptOnOpenStack(
  deps: OpenStackDeps,
  caps: DriverCapabilities,
  systemId: string,
  name: string,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { octavia, api } = deps;
  let lb = await octavia.get('loadbalancer', systemId, ctx);
  if (lb.tags?.includes(MANAGED_TAG))
    throw fail(
      ctx,
      'ALREADY_EXISTS',
      `nlbkit already manages load balancer ${systemId} (as ${quoteInput(lb.name)})`,
    );
  if (lb.name !== name)
    throw fail(
      ctx,
      'INVALID_ARGUMENT',
      `on OpenStack an NLB is named as its load balancer: ${quoteInput(lb.name)}`,
    );
  if (lb.provisioning_status !== 'ACTIVE') lb = await octavia.waitActive(lb.id, ctx);
  const tree = await readTree(octavia, lb, ctx);
  const problems = shapeProblems(tree, deps.options.provider);
  const { servers, problems: memberProblems } = await serversOf(deps, lb, tree.members, ctx);
  problems.push(...memberProblems);
  const network = await api.request(
    'network',
    'GET',
    `/v2.0/networks/${lb.vip_network_id}`,
    undefined,
    ctx,
    z.object({ network: z.looseObject({ name: z.string() }) }),
  );
  const vpc = { nameId: network.network.name, systemId: lb.vip_network_id };
  const groupPort = tree.members[0]?.protocol_port ?? tree.listener?.protocol_port ?? 0;
  const type = tree.floatingIp ? 'PUBLIC' : 'INTERNAL';
  // Marks left from an earlier life under nlbkit (a released NLB) are replaced, never doubled.
  const tags = [...withoutMarks(lb.tags), ...lbTags(vpc, type, [], ctx.operation), groupPortTag(groupPort)];
  const renamed = tree.members.map((m, i) => {
    const server = servers[i] ?? { id: '', name: m.name };
    return { ...m, name: server.name, tags: withMemberVm(m.tags, server.id) };
  });
  if (problems.length === 0)
    problems.push(...valueProblems(caps, toNLBInfo({ ...tree, lb: { ...lb, tags }, members: renamed })));
  if (problems.length > 0)
    throw fail(
      ctx,
      'UNSUPPORTED',
      `load balancer ${systemId} cannot be one nlbkit NLB: ${problems.join('; ')}`,
    );

  const undo: CallContext = { operation: ctx.operation };
  const poolId = tree.pool?.id as string;
  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    for (const [i, m] of tree.members.entries()) {
      const next = renamed[i] as OctaviaMember;
      const path = `/pools/${poolId}/members/${m.id}`;
      rb.push(`member ${m.address}`, () =>
        octavia.change(lb.id, 'PUT', path, { member: { name: m.name, tags: m.tags ?? [] } }, undo),
      );
      await octavia.change(lb.id, 'PUT', path, { member: { name: next.name, tags: next.tags } }, ctx);
    }
    rb.push(`the tags of load balancer ${lb.id}`, () =>
      octavia.change(
        lb.id,
        'PUT',
        `/loadbalancers/${lb.id}`,
        { loadbalancer: { tags: lb.tags ?? [] } },
        undo,
      ),
    );
    await octavia.change(lb.id, 'PUT', `/loadbalancers/${lb.id}`, { loadbalancer: { tags } }, ctx);
    return readNLB(octavia, await octavia.get('loadbalancer', lb.id, ctx), ctx);
  });
}

/**
 * Removes nlbkit's marks: the load balancer's own tags (managed, VPC, type, group port, create id,
 * drain timeout; the user's `nlbkit:tag:` tags stay) first, then each member's server-id tag.
 */
export async function releaseOnOpenStack(deps: OpenStackDeps, current: NLBInfo, ctx: CallContext) {
  const { octavia } = deps;
  const lbId = current.iid.systemId as string;
  const lb = await octavia.get('loadbalancer', lbId, ctx);
  const poolId = lb.pools[0]?.id;
  const members = poolId ? await octavia.members(poolId, ctx) : [];
  const undo: CallContext = { operation: ctx.operation };
  await new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    const lbPath = `/loadbalancers/${lbId}`;
    rb.push(`the tags of load balancer ${lbId}`, () =>
      octavia.change(lbId, 'PUT', lbPath, { loadbalancer: { tags: lb.tags ?? [] } }, undo),
    );
    await octavia.change(lbId, 'PUT', lbPath, { loadbalancer: { tags: withoutMarks(lb.tags) } }, ctx);
    for (const m of members) {
      const tags = withoutMemberVm(m.tags);
      if (tags.length === (m.tags ?? []).length) continue;
      const path = `/pools/${poolId}/members/${m.id}`;
      rb.push(`member ${m.name}`, () =>
        octavia.change(lbId, 'PUT', path, { member: { tags: m.tags ?? [] } }, undo),
      );
      await octavia.change(lbId, 'PUT', path, { member: { tags } }, ctx);
    }
  });
}
