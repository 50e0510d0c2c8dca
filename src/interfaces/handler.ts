import type { DriverCapabilities } from './capabilities.js';
import type {
  CallOptions,
  HealthCheckerInfo,
  HealthInfo,
  IID,
  ListenerInfo,
  NLBCreateRequest,
  NLBInfo,
  VMGroupInfo,
  VMGroupMember,
} from './types.js';

/**
 * The one interface every nlbkit driver implements (CB-Spider's NLBHandler, in TypeScript).
 * Every method validates its input before touching anything and throws only {@link NLBError}.
 * Returned objects are copies: changing them never changes the driver's state.
 *
 * @example
 * const nlb = createMockDriver({ vms: { web1: { ipv4: '10.0.0.11' } } });
 * await nlb.createNLB({ iid: { nameId: 'web' }, listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }] },
 *   healthChecker: { protocol: 'TCP' } });
 */
export interface NLBHandler {
  /** What this driver supports; requests outside it are rejected before any side effect. */
  readonly capabilities: DriverCapabilities;
  /** The IIDs of every NLB this driver manages. */
  listIID(opts?: CallOptions): Promise<IID[]>;
  /** Creates an NLB; all or nothing. Throws ALREADY_EXISTS when the name is taken. */
  createNLB(req: NLBCreateRequest, opts?: CallOptions): Promise<NLBInfo>;
  /** Every NLB this driver manages. */
  listNLB(opts?: CallOptions): Promise<NLBInfo[]>;
  /** One NLB, by name (or by provider id when `systemId` is given). Throws NOT_FOUND. */
  getNLB(iid: IID, opts?: CallOptions): Promise<NLBInfo>;
  /** Deletes an NLB and everything the driver made for it. Throws NOT_FOUND when it does not exist. */
  deleteNLB(iid: IID, opts?: CallOptions): Promise<boolean>;
  /** Changes the listener's protocol, port or address, as the driver's capabilities allow. */
  changeListener(iid: IID, listener: ListenerInfo, opts?: CallOptions): Promise<NLBInfo>;
  /** Replaces the VM group (protocol, port, VMs, algorithm). */
  changeVMGroupInfo(iid: IID, vmGroup: VMGroupInfo, opts?: CallOptions): Promise<NLBInfo>;
  /** Adds VMs; throws ALREADY_EXISTS (and changes nothing) if one is already in the group. */
  addVMs(iid: IID, vms: VMGroupMember[], opts?: CallOptions): Promise<NLBInfo>;
  /** Removes VMs; throws NOT_FOUND (and changes nothing) if one is not in the group. */
  removeVMs(iid: IID, vms: IID[], opts?: CallOptions): Promise<boolean>;
  /** The VM group's health, partitioned exactly into healthy, unhealthy and unknown. */
  getVMGroupHealthInfo(iid: IID, opts?: CallOptions): Promise<HealthInfo>;
  /** Replaces the health checker's settings. */
  changeHealthCheckerInfo(iid: IID, healthChecker: HealthCheckerInfo, opts?: CallOptions): Promise<NLBInfo>;
}

/** The names of NLBHandler's operations, for fault injection and error messages. */
export const NLB_OPERATIONS = [
  'listIID',
  'createNLB',
  'listNLB',
  'getNLB',
  'deleteNLB',
  'changeListener',
  'changeVMGroupInfo',
  'addVMs',
  'removeVMs',
  'getVMGroupHealthInfo',
  'changeHealthCheckerInfo',
] as const;

/** One of NLBHandler's operation names. */
export type NLBOperation = (typeof NLB_OPERATIONS)[number];
