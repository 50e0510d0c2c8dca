/**
 * The data shapes of nlbkit, following CB-Spider's NLB driver spec (NLBInfo, ListenerInfo, VMGroupInfo,
 * HealthCheckerInfo, HealthInfo) in TypeScript casing. Ports are numbers. Everything beyond the spec is an
 * optional field, so a spec-shaped object is always a valid nlbkit object.
 */

/** Identifies a resource: `nameId` is the user's name, `systemId` the provider's own id. */
export interface IID {
  /** The name the user gave the resource. Unique per driver instance for NLBs. */
  nameId: string;
  /** The provider's id (ARN, UUID, resource id). Filled in by drivers on output. */
  systemId?: string | undefined;
}

/** A free-form key/value pair (spec: KeyValue). */
export interface KeyValue {
  key: string;
  value: string;
}

/** PUBLIC: reachable from the internet (default). INTERNAL: reachable only inside the VPC. */
export type NLBType = 'PUBLIC' | 'INTERNAL';
/** REGION: served in one region (default). GLOBAL: served across regions. */
export type NLBScope = 'REGION' | 'GLOBAL';
/** Protocols a listener accepts. */
export type ListenerProtocol = 'TCP' | 'UDP';
/** Protocols the VM group serves on (spec: TCP|UDP|HTTP|HTTPS; layer-4 drivers accept TCP and UDP). */
export type VMGroupProtocol = 'TCP' | 'UDP' | 'HTTP' | 'HTTPS';
/** Health-check protocols (spec: TCP|HTTP|HTTPS; UDP is an extension, best effort where offered). */
export type HealthCheckProtocol = 'TCP' | 'HTTP' | 'HTTPS' | 'UDP';

/**
 * How new flows are spread over the VM group (extension).
 * - ROUND_ROBIN: in turn, honouring per-VM weights when given (weighted round robin).
 * - SOURCE_HASH: a hash of the client's address (and optionally port) picks the VM, modulo N.
 * - MAGLEV: consistent hashing; every LB node picks the same VM, and a VM change moves only its share.
 */
export type Algorithm = 'ROUND_ROBIN' | 'SOURCE_HASH' | 'MAGLEV';

/** Which packet fields a hashing algorithm uses (extension). */
export type HashFields = 'SOURCE_IP' | 'SOURCE_IP_PORT' | 'FIVE_TUPLE';

/** A VM in a VM group: its IID plus an optional weight (extension, default 1). */
export interface VMGroupMember extends IID {
  /** Relative share of new flows, 1-100. Honoured by ROUND_ROBIN and MAGLEV where the driver supports it. */
  weight?: number | undefined;
}

/** The frontend: where clients connect (spec: ListenerInfo). */
export interface ListenerInfo {
  protocol: ListenerProtocol;
  /** The listener address. Chosen by the driver when omitted; a driver may honour a requested one. */
  ip?: string | undefined;
  /** 1-65535. */
  port: number;
  /** DNS name, when the provider gives one. Output only. */
  dnsName?: string | undefined;
  /** The provider's id of the listener. Output only. */
  cspId?: string | undefined;
  keyValueList?: KeyValue[] | undefined;
  /**
   * Extension: the IP families the listener accepts. Default on create: IPV4 on the clouds and the
   * mock; on the native driver, the family of `ip` when given, else IPv4 when every VM has an IPv4
   * address (see the driver's `capabilities.addressFamilies`). Reported by every read.
   */
  addressFamily?: AddressFamily | undefined;
  /**
   * Extension: the listener's IPv6 address whenever it has one and the provider reports it (for an
   * IPV6 listener the same as `ip`; `ip` stays the primary: the IPv4 address of a DUAL_STACK one).
   * Output only: ignored on input.
   */
  ipv6?: string | undefined;
}

/** The backend: the VMs that serve, and on which port (spec: VMGroupInfo). */
export interface VMGroupInfo {
  protocol: VMGroupProtocol;
  /** 1-65535; may differ from the listener port. */
  port: number;
  vms: VMGroupMember[];
  /** Extension: how flows are spread; default ROUND_ROBIN. */
  algorithm?: Algorithm | undefined;
  /**
   * Extension: fields hashed by SOURCE_HASH and MAGLEV; default SOURCE_IP for SOURCE_HASH, FIVE_TUPLE for
   * MAGLEV (on create, and on a change that names `algorithm`; a change without `algorithm` keeps both).
   */
  hashFields?: HashFields | undefined;
  /** The provider's id of the group (target group, backend pool). Output only. */
  cspId?: string | undefined;
  keyValueList?: KeyValue[] | undefined;
  /**
   * Extension (connection draining): seconds a removed VM keeps its established connections while it
   * gets no new ones; 0 cuts them at once. Omitted on create: the driver's default
   * (`capabilities.draining.defaultSec`: AWS 300, GCP 0, OpenStack 0, mock 0; native: none, a removed VM's
   * connections go on until they end, and getNLB leaves the field out); omitted on a change: the
   * value in force stays. Refused with UNSUPPORTED where `capabilities.draining` is absent (Azure,
   * OpenStack's OVN provider).
   */
  drainTimeoutSec?: number | undefined;
  /**
   * Extension (issue 21): how packets reach the VMs. `nat` (the default wherever the field exists):
   * the LB rewrites the destination and replies come back through it; `dsr`: direct server return, the
   * packet reaches the VM unchanged and the VM answers the client itself (the VM holds the listener
   * address on `lo`: `nlbkit backend setup`); `tunnel`: encapsulated to the VM (no driver offers it
   * yet). Which modes a driver offers is in `capabilities.forwarding`; absent there, the field is
   * refused. Omitted on create: the driver's default; omitted on a change: the mode in force stays.
   * See docs/native-forwarding.md.
   */
  forwarding?: ForwardingMode | undefined;
}

/** How the VMs' health is checked (spec: HealthCheckerInfo). */
export interface HealthCheckerInfo {
  protocol: HealthCheckProtocol;
  /** Port to check, 1-65535. Omitted: the VM group's port (AWS calls it "traffic-port"). */
  port?: number | undefined;
  /** Seconds between checks. Omitted: the driver's default. */
  interval?: number | undefined;
  /** Seconds to wait for an answer; never more than `interval`. Omitted: the driver's default. */
  timeout?: number | undefined;
  /** Consecutive results that change a VM's state (sets both thresholds below unless they are given). */
  threshold?: number | undefined;
  /** Extension: consecutive successes to become healthy (rise). */
  healthyThreshold?: number | undefined;
  /** Extension: consecutive failures to become unhealthy (fall). */
  unhealthyThreshold?: number | undefined;
  /** Extension: HTTP(S) path to GET, starting with '/'. Default '/'. */
  httpPath?: string | undefined;
  /** Extension: HTTP(S) status codes that mean healthy, e.g. "200-299" or "200,204". Driver default otherwise. */
  expectedCodes?: string | undefined;
  keyValueList?: KeyValue[] | undefined;
}

/**
 * A health checker as drivers return it: every setting resolved to the value in force.
 *
 * @example
 * const hc: ResolvedHealthCheckerInfo = {
 *   protocol: 'TCP', interval: 10, timeout: 5, threshold: 3, healthyThreshold: 3, unhealthyThreshold: 3,
 * };
 */
export interface ResolvedHealthCheckerInfo extends HealthCheckerInfo {
  interval: number;
  timeout: number;
  threshold: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** A load balancer as drivers return it (spec: NLBInfo). */
export interface NLBInfo {
  iid: IID;
  vpcIID: IID;
  type: NLBType;
  scope: NLBScope;
  listener: ListenerInfo;
  vmGroup: VMGroupInfo & { algorithm: Algorithm };
  healthChecker: ResolvedHealthCheckerInfo;
  createdTime: Date;
  /** Extension: user tags, kept by the driver. */
  tagList: KeyValue[];
  /** Provider-specific details the driver wants to expose. */
  keyValueList: KeyValue[];
}

/** What `createNLB` takes: an NLBInfo without the output-only fields. */
export interface NLBCreateRequest {
  iid: { nameId: string };
  /** The VPC to create the NLB in: required by drivers whose capabilities say `vpcRequired` (clouds). */
  vpcIID?: IID | undefined;
  /** Default PUBLIC. */
  type?: NLBType | undefined;
  /** Default REGION. */
  scope?: NLBScope | undefined;
  listener: Omit<ListenerInfo, 'dnsName' | 'cspId' | 'ipv6'>;
  vmGroup: Omit<VMGroupInfo, 'cspId'>;
  healthChecker: HealthCheckerInfo;
  tagList?: KeyValue[] | undefined;
  keyValueList?: KeyValue[] | undefined;
}

/** The health state of one VM. UNKNOWN means the driver has not measured it (yet). */
export type VMHealthState = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** Per-VM health detail (extension). */
export interface VMHealthDetail {
  vm: IID;
  state: VMHealthState;
  /** Why, in words: the provider's reason code or the last check's error. */
  reason?: string | undefined;
  /** The provider's own state name, e.g. AWS `unhealthy.draining`. */
  providerState?: string | undefined;
  /** When the state last changed, if known. */
  lastChange?: Date | undefined;
  /** When the VM was last checked, if known. */
  lastCheck?: Date | undefined;
}

/**
 * The health of a VM group (spec: HealthInfo). `allVMs` is partitioned exactly by `healthyVMs`,
 * `unhealthyVMs` and `unknownVMs` (extension: VMs whose health has not been measured).
 */
export interface HealthInfo {
  allVMs: IID[];
  healthyVMs: IID[];
  unhealthyVMs: IID[];
  unknownVMs: IID[];
  details: VMHealthDetail[];
}

/**
 * One step of a long operation, told to {@link CallOptions.onProgress} as it happens: a cloud
 * driver's calls and waits ("creating the target group", "waiting for the load balancer to become
 * active"), the native driver's "stored" and, when asked to wait, "applied on node X".
 */
export interface ProgressEvent {
  /** The operation the step belongs to (`createNLB`, `addVMs`, ...). */
  operation: string;
  /** A short, stable identifier of the step (`create-target-group`, `wait-active`, `stored`, `applied`). */
  step: string;
  /** What a person reads: the step in words, with the resource or node it concerns. */
  detail?: string | undefined;
  /** Milliseconds since the operation began. */
  elapsedMs: number;
}

/** Options every NLBHandler method accepts. */
export interface CallOptions {
  /** Aborts the call: it then rejects with an NLBError whose code is ABORTED. */
  signal?: AbortSignal | undefined;
  /**
   * Told each step of a long operation as it happens (optional; default none). Called synchronously;
   * an exception it throws is ignored, so a broken progress display never fails an operation.
   */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/**
 * The IP families of a listener (extension): IPV4 (default on clouds), IPV6 only, or DUAL_STACK
 * (both, one IPv4 and one IPv6 address). Which a driver offers is in `capabilities.addressFamilies`.
 */
export type AddressFamily = 'IPV4' | 'IPV6' | 'DUAL_STACK';

/**
 * How a load balancer hands packets to its VMs (extension, issue 21): `nat` (destination rewritten,
 * replies through the LB), `dsr` (layer-2 direct server return: packet unchanged, replies straight to
 * the client) or `tunnel` (encapsulated; not offered by any driver yet).
 */
export type ForwardingMode = 'nat' | 'dsr' | 'tunnel';
