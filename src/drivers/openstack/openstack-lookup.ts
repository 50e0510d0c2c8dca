/**
 * Finding what a request names: the network (nlbkit's VPC) by id or name, and each VM's server and its
 * address on that network. A VM is matched by its Neutron port on the NLB's network (device_id and
 * network_id), never by "some server with this IP": the address and subnet a member gets are exactly
 * the VM's own on that network.
 */
import { z } from 'zod';
import { mapLimited } from '../../common/map-limited.js';
import { violationsError } from '../../interfaces/errors.js';
import type { ValidVMMember } from '../../interfaces/schemas.js';
import type { AddressFamily, IID } from '../../interfaces/types.js';
import type { CallContext, OpenStackApi } from './openstack-api.js';
import { providerError } from './openstack-errors.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-options.js';

/** A Neutron network. */
const Network = z.looseObject({
  id: z.string(),
  name: z.string(),
  'router:external': z.boolean().optional(),
});
export type Network = z.infer<typeof Network>;
const Server = z.looseObject({ id: z.string(), name: z.string() });
type Server = z.infer<typeof Server>;
const Port = z.looseObject({
  fixed_ips: z.array(z.looseObject({ subnet_id: z.string(), ip_address: z.string() })).optional(),
});
const Subnet = z.looseObject({ id: z.string(), ip_version: z.number() });

/** A VM resolved to what a member needs. */
export interface ResolvedVM {
  nameId: string;
  systemId: string;
  address: string;
  subnetId: string;
  weight?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const notFound = (operation: string, message: string) => providerError(operation, message, 'NOT_FOUND');

/** The network `iid` names: by systemId when given (and its name must match), else by exact name. */
export async function resolveNetwork(
  api: OpenStackApi,
  iid: IID,
  what: string,
  ctx: CallContext,
): Promise<Network> {
  if (iid.systemId) {
    const net = await api
      .request(
        'network',
        'GET',
        `/v2.0/networks/${encodeURIComponent(iid.systemId)}`,
        undefined,
        ctx,
        z.object({ network: Network }),
      )
      .then((b) => b.network)
      .catch((e) => {
        throw e?.code === 'NOT_FOUND' ? notFound(ctx.operation, `${what} ${iid.systemId} does not exist`) : e;
      });
    if (iid.nameId && net.name !== iid.nameId)
      throw notFound(ctx.operation, `${what} ${iid.systemId} is named '${net.name}', not '${iid.nameId}'`);
    return net;
  }
  const found = (
    await api.request(
      'network',
      'GET',
      `/v2.0/networks?name=${encodeURIComponent(iid.nameId)}`,
      undefined,
      ctx,
      z.object({ networks: z.array(Network) }),
    )
  ).networks.filter((n) => n.name === iid.nameId);
  if (found.length > 1)
    throw providerError(
      ctx.operation,
      `${what} name '${iid.nameId}' is used by ${found.length} networks: give its id as systemId`,
      'INVALID_ARGUMENT',
    );
  const [only] = found;
  if (!only) throw notFound(ctx.operation, `${what} '${iid.nameId}' does not exist`);
  return only;
}

/** The external network for floating IPs, by id or name. */
export async function resolveFloatingNetwork(
  api: OpenStackApi,
  nameOrId: string,
  ctx: CallContext,
): Promise<Network> {
  const net = await resolveNetwork(
    api,
    UUID.test(nameOrId) ? { nameId: '', systemId: nameOrId } : { nameId: nameOrId },
    'floating network',
    ctx,
  );
  if (net['router:external'] === false)
    throw providerError(ctx.operation, `floating network '${nameOrId}' is not external`, 'INVALID_ARGUMENT');
  return net;
}

/** One VM: its server (by systemId or exact name) and its IPv4 address on `networkId`. */
async function resolveVM(
  api: OpenStackApi,
  vm: ValidVMMember,
  networkId: string,
  ctx: CallContext,
): Promise<ResolvedVM> {
  let server: Server | undefined;
  if (vm.systemId) {
    server = await api
      .request(
        'compute',
        'GET',
        `/servers/${encodeURIComponent(vm.systemId)}`,
        undefined,
        ctx,
        z.object({ server: Server }),
      )
      .then((b) => b.server)
      .catch((e) => {
        if (e?.code === 'NOT_FOUND') return undefined;
        throw e;
      });
    if (server && server.name !== vm.nameId) server = undefined;
  } else {
    // Nova's name filter is a regular expression: anchor it, then keep exact matches only.
    const q = encodeURIComponent(`^${escapeRegex(vm.nameId)}$`);
    const servers = (
      await api.request(
        'compute',
        'GET',
        `/servers/detail?name=${q}`,
        undefined,
        ctx,
        z.object({ servers: z.array(Server) }),
      )
    ).servers.filter((s) => s.name === vm.nameId);
    if (servers.length > 1)
      throw providerError(
        ctx.operation,
        `VM name '${vm.nameId}' is used by ${servers.length} servers: give its id as systemId`,
        'INVALID_ARGUMENT',
      );
    server = servers[0];
  }
  if (!server) throw notFound(ctx.operation, `VM '${vm.nameId}' does not exist`);
  const ports = (
    await api.request(
      'network',
      'GET',
      `/v2.0/ports?device_id=${encodeURIComponent(server.id)}&network_id=${encodeURIComponent(networkId)}`,
      undefined,
      ctx,
      z.object({ ports: z.array(Port) }),
    )
  ).ports;
  const ip = ports.flatMap((p) => p.fixed_ips ?? []).find((f) => !f.ip_address.includes(':'));
  if (!ip)
    throw providerError(
      ctx.operation,
      `VM '${vm.nameId}' has no IPv4 address on the load balancer's network`,
      'INVALID_ARGUMENT',
    );
  return {
    nameId: vm.nameId,
    systemId: server.id,
    address: ip.ip_address,
    subnetId: ip.subnet_id,
    ...(vm.weight !== undefined ? { weight: vm.weight } : {}),
  };
}

/** Every VM, four lookups at a time; the first failure (NOT_FOUND naming the VM) rejects. */
export function resolveVMs(
  api: OpenStackApi,
  vms: readonly ValidVMMember[],
  networkId: string,
  ctx: CallContext,
): Promise<ResolvedVM[]> {
  return mapLimited(vms, 4, (vm) => resolveVM(api, vm, networkId, ctx));
}

/** The subnets of the VIP network a listener of `family` needs: the first of each IP version. */
export async function vipSubnetsFor(
  api: OpenStackApi,
  network: Network,
  family: AddressFamily,
  ctx: CallContext,
): Promise<{ v4?: string; v6?: string }> {
  if (family === 'IPV4') return {};
  const { subnets } = await api.request(
    'network',
    'GET',
    `/v2.0/subnets?network_id=${encodeURIComponent(network.id)}`,
    undefined,
    ctx,
    z.object({ subnets: z.array(Subnet) }),
  );
  const first = (version: number) => subnets.find((s) => s.ip_version === version)?.id;
  const out = { v4: first(4), v6: first(6) };
  const missing = !out.v6 ? 'an IPv6' : family === 'DUAL_STACK' && !out.v4 ? 'an IPv4' : undefined;
  if (missing)
    throw violationsError(OPENSTACK_DRIVER_NAME, ctx.operation, [
      {
        path: 'listener.addressFamily',
        message: `${family} needs ${missing} subnet on network '${network.name}', which has none`,
        code: 'INVALID_ARGUMENT',
      },
    ]);
  return out;
}
