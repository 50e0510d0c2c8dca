/**
 * The OpenStack fake's world: Keystone users and tokens, Neutron networks/subnets/ports/floating IPs,
 * Nova servers, and Octavia's load-balancer trees with their provisioning status. Plain data; the
 * handlers in the other files enforce what the real services enforce.
 */
import { randomUUID } from 'node:crypto';

export interface Subnet {
  id: string;
  networkId: string;
  /** Three octets, e.g. `10.0.1`: the subnet is `<prefix>.0/24`; IPv6: `fd00:1::`, a /64. */
  prefix: string;
  next: number;
  /** 4 unless said otherwise. */
  ipVersion?: 4 | 6;
}
export interface Network {
  id: string;
  name: string;
  external: boolean;
  subnets: Subnet[];
}
export interface Port {
  id: string;
  networkId: string;
  deviceId: string;
  subnetId: string;
  ip: string;
  /** Further fixed IPs (a dual-stack VIP port's IPv6 address). */
  more?: { subnetId: string; ip: string }[];
}
export interface FloatingIp {
  id: string;
  networkId: string;
  portId: string;
  address: string;
  description: string;
}
export interface Server {
  id: string;
  name: string;
}
export interface Member {
  id: string;
  name: string;
  address: string;
  protocol_port: number;
  subnet_id: string;
  weight: number;
  monitor_port: number | null;
  tags: string[];
}
export interface Monitor {
  id: string;
  name: string;
  pool_id: string;
  type: string;
  delay: number;
  timeout: number;
  max_retries: number;
  max_retries_down: number;
  http_method?: string;
  url_path?: string;
  expected_codes?: string;
  tags: string[];
}
export interface Pool {
  id: string;
  name: string;
  protocol: string;
  lb_algorithm: string;
  members: Member[];
  monitorId: string | null;
}
export interface Listener {
  id: string;
  name: string;
  protocol: string;
  protocol_port: number;
  default_pool_id: string | null;
}
export interface LoadBalancer {
  id: string;
  name: string;
  description: string;
  provisioning_status: string;
  vip_address: string;
  vip_port_id: string;
  vip_network_id: string;
  vip_subnet_id: string;
  /** Octavia's `additional_vips`: further VIPs on other subnets of the VIP network (dual stack). */
  additional_vips: { subnet_id: string; ip_address: string }[];
  /** `amphora` (Octavia's default here) or `ovn`, whose limits the fake then enforces. */
  provider: string;
  tags: string[];
  created_at: string;
  listeners: Listener[];
  pools: Pool[];
  monitors: Monitor[];
  /** While PENDING_*: how many more reads of the load balancer see it pending, and what ends the change. */
  pending?: { reads: number; settle: () => void };
}

export class OpenStackState {
  readonly networks: Network[] = [];
  readonly ports: Port[] = [];
  readonly floatingIps: FloatingIp[] = [];
  readonly servers: Server[] = [];
  readonly lbs: LoadBalancer[] = [];
  readonly tokens = new Map<string, number>();
  /** Member health by server name: ONLINE unless a test says otherwise. */
  readonly health = new Map<string, string>();

  addNetwork(name: string, opts: { external?: boolean; prefix?: string; ipv6?: boolean } = {}): Network {
    const id = randomUUID();
    const prefix = opts.prefix ?? `10.${this.networks.length}.0`;
    const net: Network = {
      id,
      name,
      external: opts.external ?? false,
      subnets: [{ id: randomUUID(), networkId: id, prefix, next: 10 }],
    };
    // A second, IPv6 subnet (a /64 of fd00::/8) makes the network dual stack.
    if (opts.ipv6)
      net.subnets.push({
        id: randomUUID(),
        networkId: id,
        prefix: `fd00:${(this.networks.length + 1).toString(16)}::`,
        next: 10,
        ipVersion: 6,
      });
    this.networks.push(net);
    return net;
  }

  /** A fixed IP on `subnet` (default: `network`'s first), as a port owned by `deviceId`. */
  addPort(network: Network, deviceId: string, ip?: string, subnet = network.subnets[0] as Subnet): Port {
    const address = ip ?? this.nextAddress(subnet);
    const port = { id: randomUUID(), networkId: network.id, deviceId, subnetId: subnet.id, ip: address };
    this.ports.push(port);
    return port;
  }

  addServer(name: string, network: Network): Server {
    const server = { id: randomUUID(), name };
    this.servers.push(server);
    this.addPort(network, server.id);
    return server;
  }

  /** The next free address of a subnet. */
  nextAddress(subnet: Subnet): string {
    return subnet.ipVersion === 6
      ? `${subnet.prefix}${(subnet.next++).toString(16)}`
      : `${subnet.prefix}.${subnet.next++}`;
  }

  ipInUse(networkId: string, ip: string): boolean {
    return this.ports.some(
      (p) => p.networkId === networkId && (p.ip === ip || p.more?.some((m) => m.ip === ip)),
    );
  }

  subnet(id: string): Subnet | undefined {
    return this.networks.flatMap((n) => n.subnets).find((s) => s.id === id);
  }

  /** Where a pool, listener or monitor lives. */
  lbOwning(kind: 'pool' | 'listener' | 'monitor', id: string): LoadBalancer | undefined {
    return this.lbs.find((lb) =>
      kind === 'pool'
        ? lb.pools.some((p) => p.id === id)
        : kind === 'listener'
          ? lb.listeners.some((l) => l.id === id)
          : lb.monitors.some((m) => m.id === id),
    );
  }
}
