/** What a conformance case runs against, and the requests it builds from the driver's capabilities. */
import type { DriverCapabilities, IntRange } from '../interfaces/capabilities.js';
import type { NLBHandler } from '../interfaces/handler.js';
import type { HealthCheckerInfo, IID, NLBCreateRequest, NLBInfo } from '../interfaces/types.js';

/** A fresh driver and the world it lives in, made anew for every case. */
export interface ConformanceWorld {
  driver: NLBHandler;
  /** At least four VMs that exist for this driver, usable in `vmGroup.vms`. */
  vms: IID[];
  /** The VPC to create NLBs in (required by drivers whose capabilities say `vpcRequired`). */
  vpcIID?: IID | undefined;
  /** Called after the case, whether it passed or not. */
  cleanup?(): Promise<void>;
  // Adoption (issue 20).
  /** Required when `capabilities.adoption`: makes load balancers in the provider as someone else would. */
  foreign?: ForeignLoadBalancers | undefined;
}

/** Load balancers made directly in the provider (its SDK), not by nlbkit: what adoptNLB takes over. */
export interface ForeignLoadBalancers {
  /**
   * Makes a load balancer named `name` forwarding TCP 80 to port 8080 of `vms` and returns its
   * provider id. `shape` 'two-listeners' adds a second listener (TCP 81), which nlbkit cannot show.
   */
  create(name: string, vms: IID[], shape?: 'plain' | 'two-listeners'): Promise<string>;
  /** Whether the provider still holds the load balancer `systemId`. */
  exists(systemId: string): Promise<boolean>;
}

/** Makes a fresh world. */
export type MakeWorld = () => Promise<ConformanceWorld>;

let sequence = 0;
/** A name unique within this process, short enough for every cloud (AWS allows 32 characters). */
export function uniqueName(tag: string): string {
  sequence += 1;
  return `cf-${tag}-${process.pid.toString(36)}-${sequence}`.slice(0, 32);
}

/** A value inside `range` near `preferred` (or `preferred` when the setting is fixed). */
export function within(range: IntRange | null, preferred: number): number {
  if (!range) return preferred;
  return Math.min(range.max, Math.max(range.min, preferred));
}

/** A health checker every driver accepts for a group of `protocol`, with settings away from the defaults. */
export function healthCheckerFor(
  caps: DriverCapabilities,
  groupProtocol: string,
  shift = 0,
): HealthCheckerInfo {
  const hc = caps.healthCheck;
  const allowed = groupProtocol === 'UDP' ? (hc.protocolsForUdpGroup ?? hc.protocols) : hc.protocols;
  const protocol = allowed.includes('TCP') ? 'TCP' : (allowed[0] as HealthCheckerInfo['protocol']);
  const interval = within(hc.interval, 10 + shift * 10);
  const out: HealthCheckerInfo = { protocol };
  if (hc.interval) out.interval = interval;
  if (hc.timeout)
    out.timeout = within(hc.timeout, Math.min(interval - (hc.timeoutBelowInterval ? 1 : 0), 4 + shift));
  if (hc.healthyThreshold) out.threshold = within(hc.healthyThreshold, 3 + shift);
  return out;
}

/**
 * A create request every driver accepts: TCP 80 -> 8080 over the given VMs (8080 -> 8080 where the
 * driver does not translate ports).
 */
export function baseRequest(
  caps: DriverCapabilities,
  world: ConformanceWorld,
  name: string,
  vms: IID[],
): NLBCreateRequest {
  const protocol = caps.listenerProtocols.includes('TCP')
    ? 'TCP'
    : (caps.listenerProtocols[0] as 'TCP' | 'UDP');
  return {
    iid: { nameId: name },
    ...(world.vpcIID ? { vpcIID: world.vpcIID } : {}),
    listener: { protocol, port: caps.samePortRequired ? 8080 : 80 },
    vmGroup: { protocol, port: 8080, vms: vms.map((vm) => ({ nameId: vm.nameId })) },
    healthChecker: healthCheckerFor(caps, protocol),
  };
}

/** The parts of an NLB that must round-trip unchanged, in a comparable form. */
export function essence(info: NLBInfo) {
  return {
    iid: info.iid,
    type: info.type,
    scope: info.scope,
    listener: { protocol: info.listener.protocol, port: info.listener.port, ip: info.listener.ip },
    vmGroup: {
      protocol: info.vmGroup.protocol,
      port: info.vmGroup.port,
      algorithm: info.vmGroup.algorithm,
      vms: info.vmGroup.vms.map((vm) => vm.nameId).sort(),
    },
    healthChecker: {
      protocol: info.healthChecker.protocol,
      port: info.healthChecker.port,
      interval: info.healthChecker.interval,
      timeout: info.healthChecker.timeout,
      healthyThreshold: info.healthChecker.healthyThreshold,
      unhealthyThreshold: info.healthChecker.unhealthyThreshold,
    },
  };
}

/** A create request that asks for something outside `caps`, and the field it names; undefined when the driver supports all. */
export function unsupportedRequest(
  caps: DriverCapabilities,
  base: NLBCreateRequest,
): { request: NLBCreateRequest; path: string } | undefined {
  const hc = caps.healthCheck;
  const variants: [boolean, string, (r: NLBCreateRequest) => void][] = [
    [
      !caps.listenerProtocols.includes('UDP'),
      'listener.protocol',
      (r) => {
        r.listener.protocol = 'UDP';
      },
    ],
    [
      !caps.vmGroupProtocols.includes('HTTPS'),
      'vmGroup.protocol',
      (r) => {
        r.vmGroup.protocol = 'HTTPS';
      },
    ],
    [
      !hc.protocols.includes('UDP'),
      'healthChecker.protocol',
      (r) => {
        r.healthChecker = { protocol: 'UDP' };
      },
    ],
    [
      hc.interval !== null && hc.interval.max < 3600,
      'healthChecker.interval',
      (r) => {
        r.healthChecker = { ...r.healthChecker, interval: 3600, timeout: undefined };
      },
    ],
    [
      hc.interval !== null && hc.interval.min > 1,
      'healthChecker.interval',
      (r) => {
        r.healthChecker = { ...r.healthChecker, interval: 1, timeout: 1 };
      },
    ],
    [
      hc.timeout === null,
      'healthChecker.timeout',
      (r) => {
        r.healthChecker = { ...r.healthChecker, timeout: 1 };
      },
    ],
    [
      hc.healthyThreshold !== null && hc.healthyThreshold.max < 100,
      'healthChecker.healthyThreshold',
      (r) => {
        r.healthChecker = { ...r.healthChecker, healthyThreshold: 100 };
      },
    ],
    [
      !caps.algorithms.includes('MAGLEV'),
      'vmGroup.algorithm',
      (r) => {
        r.vmGroup.algorithm = 'MAGLEV';
      },
    ],
    [
      !caps.weights,
      'vmGroup.vms',
      (r) => {
        r.vmGroup.vms = r.vmGroup.vms.map((vm) => ({ ...vm, weight: 5 }));
      },
    ],
    [
      !caps.types.includes('INTERNAL'),
      'type',
      (r) => {
        r.type = 'INTERNAL';
      },
    ],
    [
      !caps.scopes.includes('GLOBAL'),
      'scope',
      (r) => {
        r.scope = 'GLOBAL';
      },
    ],
    [
      caps.samePortRequired === true,
      'vmGroup.port',
      (r) => {
        r.vmGroup.port = r.listener.port + 1;
      },
    ],
  ];
  const hit = variants.find(([applies]) => applies);
  if (!hit) return undefined;
  const request = structuredClone(base);
  hit[2](request);
  return { request, path: hit[1] };
}
