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

  addVnet(name: string, prefix = `10.${this.vnets.length}.0`): FakeVnet {
    const id = this.id('Network', 'virtualNetworks', name);
    const vnet = { name, id, subnets: [{ name: 'default', id: `${id}/subnets/default`, prefix, next: 4 }] };
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
    };
    this.nics.push(nic);
    return nic;
  }

  /** A fresh public address. */
  nextPublicIp(): string {
    return `20.0.0.${this.#ips++}`;
  }

  subnetById(id: string): FakeSubnet | undefined {
    return this.vnets.flatMap((v) => v.subnets).find((s) => s.id.toLowerCase() === id.toLowerCase());
  }
}
