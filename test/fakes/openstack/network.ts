/** Neutron v2.0: networks, ports (read), floating IPs. Nova v2.1: servers (read). */
import { randomUUID } from 'node:crypto';
import {
  bad,
  conflict,
  type FakeRequest,
  type FakeResponse,
  notFound,
  ok,
  pathMatcher,
  str,
} from './http.js';
import type { Network, OpenStackState } from './state.js';

const networkView = (n: Network) => ({
  id: n.id,
  name: n.name,
  'router:external': n.external,
  subnets: n.subnets.map((s) => s.id),
  status: 'ACTIVE',
});

export function neutron(state: OpenStackState, req: FakeRequest): FakeResponse {
  const { method, path, query } = req;
  const { at, id: pathId } = pathMatcher(path);
  if (method === 'GET' && path === '/v2.0/networks') {
    const name = query.get('name');
    return ok({ networks: state.networks.filter((n) => name === null || n.name === name).map(networkView) });
  }
  if (method === 'GET' && at(/^\/v2\.0\/networks\/([^/]+)$/)) {
    const net = state.networks.find((n) => n.id === pathId());
    if (!net) throw notFound(`Network ${pathId()} could not be found.`, 'NetworkNotFound');
    return ok({ network: networkView(net) });
  }
  if (method === 'GET' && path === '/v2.0/subnets') {
    const network = query.get('network_id');
    const subnets = state.networks
      .filter((n) => network === null || n.id === network)
      .flatMap((n) => n.subnets)
      .map((s) => ({
        id: s.id,
        network_id: s.networkId,
        ip_version: s.ipVersion ?? 4,
        cidr: s.ipVersion === 6 ? `${s.prefix}/64` : `${s.prefix}.0/24`,
      }));
    return ok({ subnets });
  }
  if (method === 'GET' && path === '/v2.0/ports') {
    const device = query.get('device_id');
    const network = query.get('network_id');
    const ports = state.ports.filter(
      (p) => (device === null || p.deviceId === device) && (network === null || p.networkId === network),
    );
    return ok({
      ports: ports.map((p) => ({
        id: p.id,
        network_id: p.networkId,
        device_id: p.deviceId,
        fixed_ips: [
          { subnet_id: p.subnetId, ip_address: p.ip },
          ...(p.more ?? []).map((m) => ({ subnet_id: m.subnetId, ip_address: m.ip })),
        ],
      })),
    });
  }
  const fipView = (f: (typeof state.floatingIps)[number]) => ({
    id: f.id,
    floating_network_id: f.networkId,
    port_id: f.portId,
    floating_ip_address: f.address,
    description: f.description,
  });
  if (method === 'GET' && path === '/v2.0/floatingips') {
    const port = query.get('port_id');
    return ok({
      floatingips: state.floatingIps.filter((f) => port === null || f.portId === port).map(fipView),
    });
  }
  if (method === 'POST' && path === '/v2.0/floatingips') {
    const body = (req.body?.floatingip ?? {}) as Record<string, unknown>;
    const net = state.networks.find((n) => n.id === str(body, 'floating_network_id', 'required'));
    if (!net)
      throw notFound(`Network ${String(body.floating_network_id)} could not be found.`, 'NetworkNotFound');
    if (!net.external)
      throw bad(`Bad floatingip request: Network ${net.id} is not a valid external network.`);
    const portId = str(body, 'port_id', 'required');
    const target = state.ports.find((p) => p.id === portId);
    if (!target) throw notFound(`Port ${portId} could not be found.`, 'PortNotFound');
    // Floating IPs are IPv4 NAT: a port without an IPv4 address cannot take one.
    if (target.ip.includes(':') && !target.more?.some((m) => !m.ip.includes(':')))
      throw bad(`Bad floatingip request: Port ${portId} does not have any IPv4 address.`);
    if (state.floatingIps.some((f) => f.portId === portId))
      throw conflict(`Cannot associate floating IP with port ${portId}: it already has a floating IP.`);
    const wanted = body.floating_ip_address;
    if (
      wanted !== undefined &&
      (typeof wanted !== 'string' || !wanted.startsWith(`${net.subnets[0]?.prefix}.`))
    )
      throw bad(
        `Bad floatingip request: IP address ${String(wanted)} is not a valid IP for the specified network.`,
      );
    if (typeof wanted === 'string' && state.ipInUse(net.id, wanted))
      throw conflict(
        `Unable to complete operation for network ${net.id}. The IP address ${wanted} is in use.`,
      );
    const port = state.addPort(net, 'network:floatingip', wanted as string | undefined);
    const fip = {
      id: randomUUID(),
      networkId: net.id,
      portId,
      address: port.ip,
      description: typeof body.description === 'string' ? body.description : '',
    };
    state.floatingIps.push(fip);
    return ok({ floatingip: fipView(fip) }, 201);
  }
  if (method === 'DELETE' && at(/^\/v2\.0\/floatingips\/([^/]+)$/)) {
    const i = state.floatingIps.findIndex((f) => f.id === pathId());
    if (i < 0) throw notFound(`Floating IP ${pathId()} could not be found`, 'FloatingIPNotFound');
    const [fip] = state.floatingIps.splice(i, 1);
    const pi = state.ports.findIndex((p) => p.deviceId === 'network:floatingip' && p.ip === fip?.address);
    if (pi >= 0) state.ports.splice(pi, 1);
    return { status: 204 };
  }
  throw notFound(`The resource could not be found.`);
}

export function nova(state: OpenStackState, req: FakeRequest): FakeResponse {
  const { method, path, query } = req;
  const { at, id: pathId } = pathMatcher(path);
  const view = (s: { id: string; name: string }) => ({ id: s.id, name: s.name, status: 'ACTIVE' });
  if (method === 'GET' && path === '/servers/detail') {
    // Nova's name filter is a regular expression (matched anywhere, as Nova does).
    const name = query.get('name');
    let re: RegExp | undefined;
    try {
      re = name === null ? undefined : new RegExp(name);
    } catch {
      throw bad(`Invalid regular expression in name filter: ${name}`);
    }
    return ok({ servers: state.servers.filter((s) => !re || re.test(s.name)).map(view) });
  }
  if (method === 'GET' && at(/^\/servers\/([^/]+)$/)) {
    const server = state.servers.find((s) => s.id === pathId());
    if (!server) throw notFound(`Instance ${pathId()} could not be found.`);
    return ok({ server: view(server) });
  }
  throw notFound('The resource could not be found.');
}
