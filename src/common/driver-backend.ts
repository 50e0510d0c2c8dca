/**
 * The provider-specific half of a driver, as the guarded handler calls it: the context of a call, the
 * requests it passes with every default filled in, and the backend interface itself.
 */
import type { AdoptOperation } from '../interfaces/adoption.js';
import type { NLBOperation } from '../interfaces/handler.js';
import type { ValidListener, ValidVMMember } from '../interfaces/schemas.js';
import type {
  Algorithm,
  ForwardingMode,
  HashFields,
  HealthInfo,
  IID,
  KeyValue,
  NLBInfo,
  NLBScope,
  NLBType,
  ResolvedHealthCheckerInfo,
  VMGroupProtocol,
} from '../interfaces/types.js';
import type { ProgressReporter } from './progress.js';

/**
 * What a backend call knows about the call it serves: the operation (for its errors) and the caller's
 * signal, which the backend honours while it waits or has a request in flight.
 *
 * @example
 * async function names(backend: DriverBackend, ctx: BackendContext): Promise<string[]> {
 *   return (await backend.list(ctx)).map((nlb) => nlb.iid.nameId);
 * }
 */
export interface BackendContext {
  /** The NLBHandler (or adoption) method being served, e.g. `createNLB`. */
  operation: NLBOperation | AdoptOperation;
  /** The caller's AbortSignal, when it gave one. */
  signal?: AbortSignal | undefined;
  /** Tells the caller's `onProgress` a step of a long operation (a no-op without one); never throws. */
  progress: ProgressReporter;
}

/**
 * A VM group with every default filled in, as `create` and `changeVMGroup` receive it.
 *
 * @example
 * const group: ResolvedVMGroup = { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }], algorithm: 'ROUND_ROBIN' };
 */
export interface ResolvedVMGroup {
  /** The VM group's protocol. */
  protocol: VMGroupProtocol;
  /** The port the VMs listen on. */
  port: number;
  /** The VMs, names validated, each with its weight when one was given. */
  vms: ValidVMMember[];
  /** The algorithm in force: requested, kept, or the driver's default (ROUND_ROBIN when offered). */
  algorithm: Algorithm;
  /** The hash fields of a hashing algorithm (requested, kept, or its default); none for ROUND_ROBIN. */
  hashFields?: HashFields | undefined;
  /** Provider-specific key-value pairs, as given. */
  keyValueList?: KeyValue[] | undefined;
  /**
   * Seconds a removed VM keeps its connections: as requested on create (undefined: the provider's
   * default, `capabilities.draining.defaultSec`, left as it is); on a change, the one in force when the
   * request leaves it out. Only set where `capabilities.draining` exists.
   */
  drainTimeoutSec?: number | undefined;
  /**
   * How packets reach the VMs: as requested, else the driver's default on create and the mode in force
   * on a change. Only set where `capabilities.forwarding` exists.
   */
  forwarding?: ForwardingMode | undefined;
}

/**
 * A validated create request with every default filled in, as `create` receives it.
 *
 * @example
 * function describe(req: ResolvedCreateRequest): string {
 *   return `${req.iid.nameId}: ${req.listener.protocol} ${req.listener.port} -> ${req.vmGroup.port}`;
 * }
 */
export interface ResolvedCreateRequest {
  /** The new NLB's name. */
  iid: { nameId: string };
  /** The VPC (default `{ nameId: 'default' }`). */
  vpcIID: IID;
  /** PUBLIC or INTERNAL (default PUBLIC). */
  type: NLBType;
  /** REGION or GLOBAL (default REGION). */
  scope: NLBScope;
  /** The listener; `addressFamily` is the requested one, the `ip`'s, or the driver's default. */
  listener: ValidListener;
  /** The VM group, resolved. */
  vmGroup: ResolvedVMGroup;
  /** The health checker with every setting the request left out taken from the driver's defaults. */
  healthChecker: ResolvedHealthCheckerInfo;
  /** Tags (default none). */
  tagList: KeyValue[];
  /** Provider-specific key-value pairs (default none). */
  keyValueList: KeyValue[];
}

/**
 * The provider-specific half of a driver, wrapped by `createGuardedHandler`. Inputs arrive validated and
 * checked against capabilities; `current` is the NLB as `find` returned it moments before, under the
 * NLB's lock. Backends make their multi-step operations all-or-nothing and map provider errors to
 * NLBError themselves (anything else they throw becomes PROVIDER_ERROR).
 *
 * @example
 * async function exists(backend: DriverBackend, nameId: string): Promise<boolean> {
 *   const ctx: BackendContext = { operation: 'getNLB', progress: () => {} };
 *   return (await backend.find({ nameId }, ctx)) !== undefined;
 * }
 */
export interface DriverBackend {
  /** Every NLB the driver manages. */
  list(ctx: BackendContext): Promise<NLBInfo[]>;
  /** The NLB with this name (and systemId, when given), or undefined. */
  find(iid: IID, ctx: BackendContext): Promise<NLBInfo | undefined>;
  /** Cheaper than `find` when only existence matters (optional; default: `find`). */
  exists?(nameId: string, ctx: BackendContext): Promise<boolean>;
  /** Cheaper than `list` when only the IIDs are wanted (optional; default: `list`). */
  listIID?(ctx: BackendContext): Promise<IID[]>;
  /** Makes the NLB, all or nothing; the name was free moments before (ALREADY_EXISTS if taken since). */
  create(req: ResolvedCreateRequest, ctx: BackendContext): Promise<NLBInfo>;
  /** Removes the NLB and everything the driver made for it. */
  delete(current: NLBInfo, ctx: BackendContext): Promise<void>;
  /**
   * For deleteNLB of a name `find` does not know (optional): removes the parts a create or delete
   * that failed part way left under that name, found by the NLB's marks, and resolves whether there
   * were any (none: NOT_FOUND). This keeps a failed delete re-runnable after the part that identifies
   * the NLB is gone.
   */
  deleteLeftovers?(nameId: string, ctx: BackendContext): Promise<boolean>;
  /** Applies a listener change; `next.ip` is the requested address or the one kept. */
  changeListener(current: NLBInfo, next: ValidListener, ctx: BackendContext): Promise<NLBInfo>;
  /** Replaces the VM group. */
  changeVMGroup(current: NLBInfo, next: ResolvedVMGroup, ctx: BackendContext): Promise<NLBInfo>;
  /** Adds VMs none of which is in the group (the guard checked), all or nothing. */
  addVMs(current: NLBInfo, vms: ValidVMMember[], ctx: BackendContext): Promise<NLBInfo>;
  /** Removes VMs all of which are in the group (the guard checked), all or nothing. */
  removeVMs(current: NLBInfo, vms: ValidVMMember[], ctx: BackendContext): Promise<void>;
  /** The VM group's health, partitioned exactly into healthy, unhealthy and unknown. */
  health(current: NLBInfo, ctx: BackendContext): Promise<HealthInfo>;
  /** Replaces the health checker with `next` (every setting filled in). */
  changeHealthChecker(
    current: NLBInfo,
    next: ResolvedHealthCheckerInfo,
    ctx: BackendContext,
  ): Promise<NLBInfo>;
}
