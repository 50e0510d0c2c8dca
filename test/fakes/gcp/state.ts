/**
 * What the Compute Engine fake keeps: networks, instances, and the regional resources of passthrough
 * NLBs (health checks, backend services, forwarding rules), zonal GCE_VM_IP network endpoint groups and
 * the operations that changed them. Resources are stored as the API returns them (camelCase JSON,
 * int64 as strings).
 */
import { randomBytes } from 'node:crypto';

export const API_BASE = 'https://www.googleapis.com/compute/v1';

/** A Compute Engine error: HTTP status, the `reason` of `errors[0]`, and the message. */
export class GceFault extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new GceFault(400, 'invalid', message);
export const notFound = (path: string) =>
  new GceFault(404, 'notFound', `The resource '${path}' was not found`);
export const inUse = (path: string, by: string) =>
  new GceFault(
    400,
    'resourceInUseByAnotherResource',
    `The resource '${path}' is already being used by '${by}'`,
  );

export type Json = Record<string, unknown>;

export interface Instance {
  id: string;
  name: string;
  zone: string;
  network: string;
  subnetwork: string;
  networkIP: string;
}

export interface Subnet {
  name: string;
  /** e.g. `10.0.0.` (a /24). */
  prefix: string;
  used: Set<string>;
  /** Dual stack (`stackType: IPV4_IPV6`): whose IPv6 range it has, and its prefix (`2600:1900:…::`). */
  ipv6?: { accessType: 'EXTERNAL' | 'INTERNAL'; prefix: string; next: number };
}

export interface Network {
  name: string;
  subnets: Subnet[];
}

export interface Neg {
  resource: Json;
  /** Attached instances by name. */
  endpoints: Map<string, { instance: string; ipAddress: string }>;
}

export interface Operation {
  resource: Json;
  /** Waits that still see it RUNNING. */
  waitsLeft: number;
}

/** RFC 1035 names, as Compute Engine requires. */
export const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

let counter = 1000;
/** A numeric id as Compute Engine gives (uint64, sent as a string). */
export const newId = () => `${BigInt(Date.now()) * 1000n + BigInt(++counter)}`;
export const fingerprint = () => randomBytes(8).toString('base64');

export class GceState {
  readonly networks = new Map<string, Network>();
  readonly instances: Instance[] = [];
  readonly healthChecks = new Map<string, Json>();
  readonly backendServices = new Map<string, Json>();
  readonly forwardingRules = new Map<string, Json>();
  /** Zonal NEGs keyed `zone/name`. */
  readonly negs = new Map<string, Neg>();
  /** Zonal unmanaged instance groups keyed `zone/name` (as the API returns them). */
  readonly instanceGroups = new Map<string, Json>();
  readonly operations = new Map<string, Operation>();
  /** Reserved regional external addresses a PUBLIC forwarding rule may name. */
  readonly reservedAddresses = new Set<string>();
  readonly usedExternal = new Set<string>();
  /** Health per instance name, as getHealth reports it. Default HEALTHY. */
  readonly health = new Map<string, string>();
  #external = 10;

  constructor(
    readonly project: string,
    readonly region: string,
    readonly zones: string[],
  ) {}

  get regionSelf(): string {
    return `${API_BASE}/projects/${this.project}/regions/${this.region}`;
  }

  zoneSelf(zone: string): string {
    return `${API_BASE}/projects/${this.project}/zones/${zone}`;
  }

  regionUrl(kind: string, name: string): string {
    return `${API_BASE}/projects/${this.project}/regions/${this.region}/${kind}/${name}`;
  }

  zoneUrl(zone: string, kind: string, name: string): string {
    return `${this.zoneSelf(zone)}/${kind}/${name}`;
  }

  networkUrl(name: string): string {
    return `${API_BASE}/projects/${this.project}/global/networks/${name}`;
  }

  subnetUrl(name: string): string {
    return this.regionUrl('subnetworks', name);
  }

  addNetwork(name: string, subnets = 1, ipv6?: 'EXTERNAL' | 'INTERNAL'): Network {
    const network: Network = { name, subnets: [] };
    for (let i = 0; i < subnets; i++)
      network.subnets.push({
        name: `${name}-subnet-${i}`,
        prefix: `10.${this.networks.size}.${i}.`,
        used: new Set(),
        ...(ipv6
          ? {
              ipv6: {
                accessType: ipv6,
                // External ranges come from Google's 2600:1900::/28; internal ones are ULAs.
                prefix: `${ipv6 === 'EXTERNAL' ? '2600:1900' : 'fd20'}:${this.networks.size.toString(16)}:${i.toString(16)}::`,
                next: 1,
              },
            }
          : {}),
      });
    this.networks.set(name, network);
    return network;
  }

  addInstance(name: string, zone: string, network: Network, subnet = 0): Instance {
    const sn = network.subnets[subnet] as Subnet;
    const instance: Instance = {
      id: newId(),
      name,
      zone,
      network: this.networkUrl(network.name),
      subnetwork: this.subnetUrl(sn.name),
      networkIP: this.takeInternal(sn),
    };
    this.instances.push(instance);
    return instance;
  }

  /** The next free IPv6 address of a dual-stack subnet. */
  takeIpv6(subnet: Subnet & { ipv6: NonNullable<Subnet['ipv6']> }): string {
    const ip = `${subnet.ipv6.prefix}${(subnet.ipv6.next++).toString(16)}`;
    subnet.used.add(ip);
    return ip;
  }

  /** The next free address of a subnet. */
  takeInternal(subnet: Subnet): string {
    for (let host = 2; host < 255; host++) {
      const ip = `${subnet.prefix}${host}`;
      if (!subnet.used.has(ip)) {
        subnet.used.add(ip);
        return ip;
      }
    }
    throw new GceFault(400, 'ipSpaceExhausted', `subnet ${subnet.name} has no free address`);
  }

  takeExternal(): string {
    this.#external += 1;
    const ip = `34.0.${Math.floor(this.#external / 250)}.${this.#external % 250}`;
    this.usedExternal.add(ip);
    return ip;
  }

  /** The subnet a URL names. */
  subnetOf(url: string): Subnet | undefined {
    const name = lastSegment(url);
    for (const n of this.networks.values()) {
      const s = n.subnets.find((x) => x.name === name);
      if (s) return s;
    }
    return undefined;
  }
}

/** The last path segment of a URL or partial URL. */
export const lastSegment = (url: string) => url.split('/').filter(Boolean).at(-1) ?? '';

/** The zone of a zonal URL (`.../zones/ZONE/...`). */
export const zoneOf = (url: string) => url.match(/\/zones\/([^/]+)/)?.[1] ?? '';
