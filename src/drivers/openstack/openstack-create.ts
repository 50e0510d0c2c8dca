/**
 * createNLB on OpenStack, all or nothing. Calls, in order: Neutron network lookup, Nova + Neutron port
 * lookups per VM, [floating network lookup for PUBLIC], POST loadbalancer (wait ACTIVE), POST pool,
 * POST healthmonitor, PUT pool members (batch; when there are VMs), POST listener (each waiting for
 * ACTIVE), [POST floatingip]. On any failure the floating IP and the load balancer (cascade) are removed.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Rollback } from '../../common/rollback.js';
import type { ResolvedCreateRequest } from '../../driver-kit/index.js';
import { NLBError, violationsError } from '../../interfaces/errors.js';
import type { AddressFamily, NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './openstack-api.js';
import type { OpenStackDeps } from './openstack-context.js';
import {
  createIdTag,
  groupPortTag,
  lbAlgorithm,
  lbTags,
  memberBatch,
  monitorBody,
  monitorPort,
} from './openstack-convert.js';
import { deleteLoadBalancer, releaseFloatingIps } from './openstack-delete.js';
import { withDrainTimeout } from './openstack-drain.js';
import { resolveFloatingNetwork, resolveNetwork, resolveVMs, vipSubnetsFor } from './openstack-lookup.js';
import { OctaviaLb } from './openstack-octavia.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';
import { byAge, listManaged, readNLB } from './openstack-read.js';

/**
 * Where the VIPs go: IPV4 on the network (Octavia picks the subnet), IPV6 on its IPv6 subnet,
 * DUAL_STACK on its IPv4 subnet with an additional VIP on the IPv6 one. A requested address is the
 * VIP's of its family (INTERNAL IPv4, or IPv6 of any type: a PUBLIC IPv4 one is the floating IP's).
 */
function vipFields(req: ResolvedCreateRequest, family: AddressFamily, subnets: { v4?: string; v6?: string }) {
  const ip = req.listener.ip;
  const v6ip = ip?.includes(':') ? ip : undefined;
  const v4ip = ip && !v6ip && req.type === 'INTERNAL' ? ip : undefined;
  if (family === 'IPV6') return { vip_subnet_id: subnets.v6, ...(v6ip ? { vip_address: v6ip } : {}) };
  const primary = v4ip ? { vip_address: v4ip } : {};
  if (family === 'IPV4') return primary;
  return {
    vip_subnet_id: subnets.v4,
    ...primary,
    additional_vips: [{ subnet_id: subnets.v6, ...(v6ip ? { ip_address: v6ip } : {}) }],
  };
}

/** Creates the whole tree; see the module comment. */
export async function createOnOpenStack(
  deps: OpenStackDeps,
  req: ResolvedCreateRequest,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { api, octavia, options } = deps;
  const name = req.iid.nameId;
  if (req.type === 'PUBLIC' && !options.floatingNetwork)
    throw violationsError(OPENSTACK_DRIVER_NAME, ctx.operation, [
      {
        path: 'type',
        message: 'PUBLIC needs a floating IP: set the driver option floatingNetwork (or create INTERNAL)',
        code: 'UNSUPPORTED',
      },
    ]);
  const network = await resolveNetwork(api, req.vpcIID, 'vpcIID', ctx);
  const vpc = { nameId: network.name, systemId: network.id };
  // One id per create call: its undo removes only what it made, never another process's namesake.
  const createId = randomUUID();
  const tags = withDrainTimeout(
    [
      ...lbTags(vpc, req.type, req.tagList, ctx.operation),
      groupPortTag(req.vmGroup.port),
      createIdTag(createId),
    ],
    req.vmGroup.drainTimeoutSec,
  );
  const vms = await resolveVMs(api, req.vmGroup.vms, network.id, ctx);
  const family = req.listener.addressFamily ?? 'IPV4';
  const subnets = await vipSubnetsFor(api, network, family, ctx);
  // Floating IPs are IPv4 NAT: a PUBLIC IPv6-only VIP is reachable on its own (routed) address.
  const floating =
    req.type === 'PUBLIC' && family !== 'IPV6'
      ? await resolveFloatingNetwork(api, options.floatingNetwork as string, ctx)
      : undefined;
  // Clean-up runs without the caller's signal: an aborted create must still leave nothing.
  const undoCtx = { operation: ctx.operation };

  return new Rollback(OPENSTACK_DRIVER_NAME).run(ctx.operation, async (rb) => {
    let lb: OctaviaLb | undefined;
    // Registered before the call: a call that timed out may still have been applied (found by name).
    rb.push(`load balancer ${name}`, async () => {
      const mine = (await listManaged(octavia, undoCtx, name)).find((x) =>
        x.tags?.includes(createIdTag(createId)),
      );
      const id = lb?.id ?? mine?.id;
      if (id) await deleteLoadBalancer(deps, id, undoCtx);
    });
    const vip = vipFields(req, family, subnets);
    ctx.progress?.('create-load-balancer', `creating load balancer '${name}'`);
    lb = (
      await api.request(
        'load-balancer',
        'POST',
        '/v2/lbaas/loadbalancers',
        {
          loadbalancer: {
            name,
            description: 'made by nlbkit',
            vip_network_id: network.id,
            ...vip,
            ...(options.provider ? { provider: options.provider } : {}),
            tags,
          },
        },
        ctx,
        z.object({ loadbalancer: OctaviaLb }),
      )
    ).loadbalancer;
    const lbId = lb.id;
    // Octavia names are not unique: if another process made one of this name meanwhile, the later of
    // the two (by creation time, then id) backs off, so exactly one remains.
    const first = (await listManaged(octavia, ctx, name)).sort(byAge)[0];
    if (first && first.id !== lbId)
      throw new NLBError({
        code: 'ALREADY_EXISTS',
        driver: OPENSTACK_DRIVER_NAME,
        operation: ctx.operation,
        message: `an NLB named '${name}' was made by someone else meanwhile`,
      });
    lb = await octavia.waitActive(lbId, ctx);

    ctx.progress?.('create-pool', 'creating the pool');
    const { pool } = await octavia.change(
      lbId,
      'POST',
      '/pools',
      {
        pool: {
          name,
          loadbalancer_id: lbId,
          protocol: req.vmGroup.protocol,
          lb_algorithm: lbAlgorithm(req.vmGroup.algorithm, req.vmGroup.hashFields),
        },
      },
      ctx,
      z.object({ pool: z.looseObject({ id: z.string() }) }),
    );
    ctx.progress?.('create-health-monitor', 'creating the health monitor');
    await octavia.change(
      lbId,
      'POST',
      '/healthmonitors',
      { healthmonitor: { name, pool_id: pool.id, ...monitorBody(req.healthChecker, req.vmGroup.port) } },
      ctx,
    );
    if (vms.length > 0) {
      ctx.progress?.('add-members', `adding ${vms.length} VM(s) to the pool`);
      await octavia.change(
        lbId,
        'PUT',
        `/pools/${pool.id}/members`,
        { members: memberBatch(vms, req.vmGroup, monitorPort(req.healthChecker, req.vmGroup.port)) },
        ctx,
      );
    }
    ctx.progress?.(
      'create-listener',
      `creating the ${req.listener.protocol} listener on port ${req.listener.port}`,
    );
    await octavia.change(
      lbId,
      'POST',
      '/listeners',
      {
        listener: {
          name,
          loadbalancer_id: lbId,
          protocol: req.listener.protocol,
          protocol_port: req.listener.port,
          default_pool_id: pool.id,
        },
      },
      ctx,
    );
    if (floating) {
      const vipPort = lb.vip_port_id;
      rb.push(`floating IP of ${name}`, () => releaseFloatingIps(deps, vipPort, undoCtx));
      await api.request(
        'network',
        'POST',
        '/v2.0/floatingips',
        {
          floatingip: {
            floating_network_id: floating.id,
            port_id: vipPort,
            description: `nlbkit ${name}`,
            ...(req.listener.ip && !req.listener.ip.includes(':')
              ? { floating_ip_address: req.listener.ip }
              : {}),
          },
        },
        ctx,
      );
    }
    return readNLB(octavia, await octavia.get('loadbalancer', lbId, ctx), ctx);
  });
}
