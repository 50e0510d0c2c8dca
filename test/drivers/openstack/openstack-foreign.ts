/**
 * Load balancers made in the OpenStack fake as someone other than nlbkit would: straight Octavia calls
 * (no nlbkit tags, members named as their owner likes), through the driver's HTTP client only.
 */

import { z } from 'zod';
import { OpenStackApi } from '../../../src/drivers/openstack/openstack-api.js';
import { Octavia, OctaviaLb } from '../../../src/drivers/openstack/openstack-octavia.js';
import { resolveOpenStackOptions } from '../../../src/drivers/openstack/openstack-options.js';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { IID } from '../../../src/interfaces/types.js';
import type { ForeignLoadBalancers } from '../../../src/testing/index.js';
import type { OpenStackFake } from '../../fakes/openstack/index.js';
import { driverOptionsFor } from './openstack-world.js';

const ctx = { operation: 'foreign' };

/** A plain Octavia client on the fake (someone else's tooling). */
export function octaviaClient(fake: OpenStackFake): Octavia {
  const options = resolveOpenStackOptions(driverOptionsFor(fake), {});
  return new Octavia(new OpenStackApi(options), options.waiter);
}

/** What a foreign load balancer looks like beyond the conformance shapes. */
export interface ForeignShape {
  provider?: 'amphora' | 'ovn';
  algorithm?: string;
  monitorType?: string;
  /** Members' weight; default 1. */
  weight?: number;
  listeners?: number[];
}

/** Makes a foreign load balancer on network `networkId`: TCP 80 -> 8080 of `vms`. */
export async function makeForeign(
  fake: OpenStackFake,
  networkId: string,
  name: string,
  vms: IID[],
  shape: ForeignShape = {},
): Promise<string> {
  const octavia = octaviaClient(fake);
  const { api } = octavia;
  const { loadbalancer } = await api.request(
    'load-balancer',
    'POST',
    '/v2/lbaas/loadbalancers',
    {
      loadbalancer: {
        name,
        vip_network_id: networkId,
        provider: shape.provider ?? 'amphora',
        tags: ['team-a'],
      },
    },
    ctx,
    z.object({ loadbalancer: OctaviaLb }),
  );
  const id = loadbalancer.id;
  await octavia.waitActive(id, ctx);
  const { pool } = await octavia.change(
    id,
    'POST',
    '/pools',
    {
      pool: {
        name: 'backends',
        loadbalancer_id: id,
        protocol: 'TCP',
        lb_algorithm: shape.algorithm ?? 'ROUND_ROBIN',
      },
    },
    ctx,
    z.object({ pool: z.object({ id: z.string() }) }),
  );
  const monitor = {
    type: shape.monitorType ?? 'TCP',
    delay: 5,
    timeout: 3,
    max_retries: 2,
    max_retries_down: 2,
  };
  await octavia.change(
    id,
    'POST',
    '/healthmonitors',
    { healthmonitor: { pool_id: pool.id, ...monitor } },
    ctx,
  );
  for (const [i, vm] of vms.entries()) {
    const server = fake.state.servers.find((s) => s.name === vm.nameId);
    const port = fake.state.ports.find((p) => p.deviceId === server?.id && p.networkId === networkId);
    await octavia.change(
      id,
      'POST',
      `/pools/${pool.id}/members`,
      {
        member: {
          name: `backend-${i}`,
          address: port?.ip,
          subnet_id: port?.subnetId,
          protocol_port: 8080,
          weight: shape.weight ?? 1,
        },
      },
      ctx,
    );
  }
  for (const listenerPort of shape.listeners ?? [80])
    await octavia.change(
      id,
      'POST',
      '/listeners',
      {
        listener: {
          loadbalancer_id: id,
          protocol: 'TCP',
          protocol_port: listenerPort,
          default_pool_id: pool.id,
        },
      },
      ctx,
    );
  return id;
}

/** The conformance suite's view of foreign load balancers on the fake. */
export function openStackForeign(
  fake: OpenStackFake,
  networkId: string,
  provider?: 'ovn',
): ForeignLoadBalancers {
  // OVN balances by SOURCE_IP_PORT only; nlbkit's OVN capabilities take nothing else.
  const base: ForeignShape = provider ? { provider, algorithm: 'SOURCE_IP_PORT' } : {};
  return {
    create: (name, vms, shape = 'plain') =>
      makeForeign(fake, networkId, name, vms, {
        ...base,
        ...(shape === 'two-listeners' ? { listeners: [80, 81] } : {}),
      }),
    async exists(systemId) {
      return octaviaClient(fake)
        .get('loadbalancer', systemId, ctx)
        .then(
          (lb) => lb.provisioning_status !== 'DELETED',
          (e: unknown) => {
            if (isNLBError(e) && e.code === 'NOT_FOUND') return false;
            throw e;
          },
        );
    },
  };
}
