/**
 * The Azure fake's world: one subscription and resource group with virtual networks, VMs' network
 * interfaces, public IPs and load balancers (stored as the JSON resources ARM returns), plus the
 * long-running operations in flight.
 */
export interface FakeSubnet {
  name: string;
  id: string;
  /** Three octets: the subnet is `<prefix>.0/24`. */
  prefix: string;
  next: number;
  /** Dual-stack subnets only: the first four groups of its IPv6 /64 (`<prefix6>::/64`). */
  prefix6?: string | undefined;
  next6: number;
}
export interface FakeVnet {
  name: string;
  id: string;
  subnets: FakeSubnet[];
}
export interface FakeNic {
  name: string;
  id: string;
  vmId: string;
  ip: string;
  subnetId: string;
  /** The address of its IPv6 ip configuration, in a dual-stack subnet. */
  ip6?: string | undefined;
}
export type Json = Record<string, unknown>;

/** A long-running operation: `reads` more polls see it in progress, then `finish` runs. */
export interface FakeOperation {
  reads: number;
  finish: () => { status: 'Succeeded' | 'Failed'; body?: unknown; error?: { code: string; message: string } };
  done?: { status: 'Succeeded' | 'Failed'; body?: unknown; error?: { code: string; message: string } };
}

export class AzureState {
  readonly vnets: FakeVnet[] = [];
  readonly nics: FakeNic[] = [];
  readonly publicIps = new Map<string, Json>();
  readonly lbs = new Map<string, Json>();
  readonly operations = new Map<string, FakeOperation>();
  /** Backend health by IP address: Up unless a test says otherwise. */
  readonly health = new Map<string, { state: string; reason?: string }>();
  #ips = 10;

  constructor(
    readonly subscriptionId: string,
    readonly resourceGroup: string,
  ) {}

  /** `/subscriptions/.../resourceGroups/.../providers/Microsoft.<ns>/<type>/<name>`. */
  id(ns: string, type: string, name: string): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroup}/providers/Microsoft.${ns}/${type}/${name}`;
  }

  /** A VNet with one subnet `default`, dual stack (an IPv6 /64 beside the IPv4 /24) when `ipv6`. */
  addVnet(name: string, opts: { ipv6?: boolean } = {}): FakeVnet {
    const n = this.vnets.length;
    const id = this.id('Network', 'virtualNetworks', name);
    const subnet: FakeSubnet = {
      name: 'default',
      id: `${id}/subnets/default`,
      prefix: `10.${n}.0`,
      next: 4,
      next6: 4,
    };
    if (opts.ipv6) subnet.prefix6 = `fd00:db8:0:${n + 1}`;
    const vnet = { name, id, subnets: [subnet] };
    this.vnets.push(vnet);
    return vnet;
  }

  addVm(name: string, vnet: FakeVnet): FakeNic {
    const subnet = vnet.subnets[0] as FakeSubnet;
    const nic = {
      name: `${name}-nic`,
      id: this.id('Network', 'networkInterfaces', `${name}-nic`),
      vmId: this.id('Compute', 'virtualMachines', name),
      ip: `${subnet.prefix}.${subnet.next++}`,
      subnetId: subnet.id,
      ...(subnet.prefix6 ? { ip6: `${subnet.prefix6}::${(subnet.next6++).toString(16)}` } : {}),
    };
    this.nics.push(nic);
    return nic;
  }

  /** A fresh public address of the version asked for. */
  nextPublicIp(version: 'IPv4' | 'IPv6' = 'IPv4'): string {
    const n = this.#ips++;
    return version === 'IPv6' ? `2603:1020::${n.toString(16)}` : `20.0.0.${n}`;
  }

  subnetById(id: string): FakeSubnet | undefined {
    return this.vnets.flatMap((v) => v.subnets).find((s) => s.id.toLowerCase() === id.toLowerCase());
  }
}
