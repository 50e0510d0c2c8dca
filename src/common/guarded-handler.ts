/**
 * Turns a driver's backend (the provider-specific steps) into an NLBHandler that keeps the rules every
 * driver must keep, in one place: validate with zod, check the driver's capabilities, serialize the
 * operations on one NLB, honour AbortSignal, throw only NLBError, and return copies.
 */

import type { AdoptOperation } from '../interfaces/adoption.js';
import type { DriverCapabilities } from '../interfaces/capabilities.js';
import {
  checkCreate,
  checkHealthChecker,
  checkListenerChange,
  checkVMGroupChange,
  defaultHashFields,
  nextAddressFamily,
  requestedAddressFamily,
  resolveHealthChecker,
} from '../interfaces/capabilities.js';
import { isNLBError, NLBError, violationsError } from '../interfaces/errors.js';
import type { NLBHandler, NLBOperation } from '../interfaces/handler.js';
import { quoteInput } from '../interfaces/input-text.js';
import {
  createRequestSchema,
  healthCheckerSchema,
  listenerSchema,
  nlbIIDSchema,
  parseInput,
  type ValidListener,
  type ValidVMMember,
  vmChangeListSchema,
  vmGroupSchema,
} from '../interfaces/schemas.js';
import type {
  Algorithm,
  CallOptions,
  HashFields,
  HealthCheckerInfo,
  HealthInfo,
  IID,
  KeyValue,
  NLBInfo,
  NLBScope,
  NLBType,
  ResolvedHealthCheckerInfo,
  VMGroupProtocol,
} from '../interfaces/types.js';
import { signalOf, throwIfAborted } from './abort.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { type ProgressReporter, progressReporter } from './progress.js';
import { causeOf } from './provider-cause.js';

/** What a backend call knows about the call it serves. */
export interface BackendContext {
  operation: NLBOperation | AdoptOperation;
  signal?: AbortSignal;
  /** Tells the caller's `onProgress` a step of a long operation (a no-op without one); never throws. */
  progress: ProgressReporter;
}

/** A VM group with every default filled in. */
export interface ResolvedVMGroup {
  protocol: VMGroupProtocol;
  port: number;
  vms: ValidVMMember[];
  algorithm: Algorithm;
  hashFields?: HashFields;
  keyValueList?: KeyValue[];
  /**
   * Seconds a removed VM keeps its connections: as requested on create (undefined: the provider's
   * default, `capabilities.draining.defaultSec`, left as it is); on a change, the one in force when the
   * request leaves it out. Only set where `capabilities.draining` exists.
   */
  drainTimeoutSec?: number;
}

/** A validated create request with every default filled in. */
export interface ResolvedCreateRequest {
  iid: { nameId: string };
  vpcIID: IID;
  type: NLBType;
  scope: NLBScope;
  listener: ValidListener;
  vmGroup: ResolvedVMGroup;
  healthChecker: ResolvedHealthCheckerInfo;
  tagList: KeyValue[];
  keyValueList: KeyValue[];
}

/**
 * The provider-specific half of a driver. Inputs arrive validated and checked against capabilities;
 * `current` is the NLB as `find` returned it moments before, under the NLB's lock. Backends make their
 * multi-step operations all-or-nothing and map provider errors to NLBError themselves.
 */
export interface DriverBackend {
  list(ctx: BackendContext): Promise<NLBInfo[]>;
  /** The NLB with this name (and systemId, when given), or undefined. */
  find(iid: IID, ctx: BackendContext): Promise<NLBInfo | undefined>;
  /** Cheaper than `find` when only existence matters (optional). */
  exists?(nameId: string, ctx: BackendContext): Promise<boolean>;
  listIID?(ctx: BackendContext): Promise<IID[]>;
  create(req: ResolvedCreateRequest, ctx: BackendContext): Promise<NLBInfo>;
  delete(current: NLBInfo, ctx: BackendContext): Promise<void>;
  /**
   * For deleteNLB of a name `find` does not know (optional): removes the parts a create or delete
   * that failed part way left under that name, found by the NLB's marks, and resolves whether there
   * were any (none: NOT_FOUND). This keeps a failed delete re-runnable after the part that identifies
   * the NLB is gone.
   */
  deleteLeftovers?(nameId: string, ctx: BackendContext): Promise<boolean>;
  changeListener(current: NLBInfo, next: ValidListener, ctx: BackendContext): Promise<NLBInfo>;
  changeVMGroup(current: NLBInfo, next: ResolvedVMGroup, ctx: BackendContext): Promise<NLBInfo>;
  addVMs(current: NLBInfo, vms: ValidVMMember[], ctx: BackendContext): Promise<NLBInfo>;
  removeVMs(current: NLBInfo, vms: ValidVMMember[], ctx: BackendContext): Promise<void>;
  health(current: NLBInfo, ctx: BackendContext): Promise<HealthInfo>;
  changeHealthChecker(
    current: NLBInfo,
    next: ResolvedHealthCheckerInfo,
    ctx: BackendContext,
  ): Promise<NLBInfo>;
}

/** Options of {@link createGuardedHandler}. */
export interface GuardedHandlerOptions {
  capabilities: DriverCapabilities;
  backend: DriverBackend;
  /** Runs before every operation (after validation); the mock uses it for fault injection and latency. */
  beforeOperation?: (operation: NLBOperation, signal?: AbortSignal) => Promise<void>;
  /** The per-NLB locks, when another part (the adoption extension) must share them. Default: its own. */
  locks?: KeyedSerializer | undefined;
}

/**
 * Runs one operation the way every guarded call runs: options, abort check, `before`, body, a copy of
 * the result, and any non-NLBError mapped to PROVIDER_ERROR (with a safe cause, never the error).
 */
export async function guardedCall<T>(
  driver: string,
  operation: NLBOperation | AdoptOperation,
  opts: CallOptions | undefined,
  before: ((signal?: AbortSignal) => Promise<void>) | undefined,
  body: (ctx: BackendContext) => Promise<T>,
): Promise<T> {
  try {
    const signal = signalOf(opts, driver, operation);
    const progress = progressReporter(opts, driver, operation);
    const ctx: BackendContext = { operation, signal, progress };
    throwIfAborted(signal, driver, operation);
    await before?.(signal);
    return structuredClone(await body(ctx));
  } catch (e) {
    if (isNLBError(e)) throw e;
    throw new NLBError({
      code: 'PROVIDER_ERROR',
      driver,
      operation,
      message: e instanceof Error ? e.message : 'unexpected error',
      // Not `e` itself: an SDK's error may hold its request, credentials included.
      cause: causeOf(e),
    });
  }
}

/**
 * The NLB's health checker as a request would give it: without the settings the driver fixes (Azure's
 * timeout) and without a port that is just the group's, so it can be checked against a new group.
 */
function asRequested(caps: DriverCapabilities, current: NLBInfo): HealthCheckerInfo {
  const hc: HealthCheckerInfo = { ...current.healthChecker };
  const limits = caps.healthCheck;
  if (!limits.interval) delete hc.interval;
  if (!limits.timeout) delete hc.timeout;
  if (!limits.healthyThreshold || !limits.unhealthyThreshold) {
    delete hc.threshold;
    if (!limits.healthyThreshold) delete hc.healthyThreshold;
    if (!limits.unhealthyThreshold) delete hc.unhealthyThreshold;
  }
  if (hc.port === current.vmGroup.port) delete hc.port;
  return hc;
}

/** Builds an NLBHandler from a backend; see the module comment for what it guarantees. */
export function createGuardedHandler(options: GuardedHandlerOptions): NLBHandler {
  const { capabilities: caps, backend, beforeOperation } = options;
  const driver = caps.driver;
  const locks = options.locks ?? new KeyedSerializer();
  // ROUND_ROBIN unless the driver cannot (AWS's flow hash): then the driver's first algorithm.
  const defaultAlgorithm = caps.algorithms.includes('ROUND_ROBIN')
    ? 'ROUND_ROBIN'
    : (caps.algorithms[0] ?? 'ROUND_ROBIN');

  /** Runs one operation: options, abort check, hook, body, error mapping. */
  function call<T>(
    operation: NLBOperation,
    opts: CallOptions | undefined,
    body: (ctx: BackendContext) => Promise<T>,
  ) {
    const before = beforeOperation && ((signal?: AbortSignal) => beforeOperation(operation, signal));
    return guardedCall(driver, operation, opts, before, body);
  }

  /** Validates `iid`, takes the NLB's lock, loads it (NOT_FOUND if absent) and runs `body`. */
  async function onNLB<T>(
    operation: NLBOperation,
    rawIID: IID,
    opts: CallOptions | undefined,
    body: (current: NLBInfo, ctx: BackendContext) => Promise<T>,
  ) {
    const iid = parseInput(nlbIIDSchema, rawIID, { driver, operation, root: 'iid' });
    return locks.run(iid.nameId, () =>
      call(operation, opts, async (ctx) => {
        const current = await backend.find(iid, ctx);
        if (!current) throw notFound(operation, iid);
        throwIfAborted(ctx.signal, driver, operation);
        return body(current, ctx);
      }),
    );
  }

  const notFound = (operation: string, iid: IID) =>
    new NLBError({ code: 'NOT_FOUND', driver, operation, message: `no NLB named ${quoteInput(iid.nameId)}` });

  const reject = (operation: string, violations: ReturnType<typeof checkCreate>) => {
    if (violations.length > 0) throw violationsError(driver, operation, violations);
  };

  return {
    capabilities: caps,

    listIID: (opts) =>
      call('listIID', opts, async (ctx) =>
        backend.listIID ? backend.listIID(ctx) : (await backend.list(ctx)).map((n) => n.iid),
      ),

    listNLB: (opts) => call('listNLB', opts, (ctx) => backend.list(ctx)),

    getNLB: async (iid, opts) => onNLB('getNLB', iid, opts, async (current) => current),

    createNLB: async (rawReq, opts) => {
      const operation = 'createNLB';
      const req = parseInput(createRequestSchema, rawReq, { driver, operation });
      reject(operation, checkCreate(caps, req));
      const algorithm = req.vmGroup.algorithm ?? defaultAlgorithm;
      const resolved: ResolvedCreateRequest = {
        iid: { nameId: req.iid.nameId },
        vpcIID: req.vpcIID ?? { nameId: 'default' },
        type: req.type ?? 'PUBLIC',
        scope: req.scope ?? 'REGION',
        listener: {
          protocol: req.listener.protocol,
          port: req.listener.port,
          ip: req.listener.ip,
          addressFamily: requestedAddressFamily(caps, req.listener),
        },
        vmGroup: {
          ...req.vmGroup,
          cspId: undefined,
          algorithm,
          hashFields:
            algorithm === 'ROUND_ROBIN'
              ? undefined
              : (req.vmGroup.hashFields ?? defaultHashFields(algorithm, caps)),
        } as ResolvedVMGroup,
        healthChecker: resolveHealthChecker(caps, req.healthChecker),
        tagList: req.tagList ?? [],
        keyValueList: req.keyValueList ?? [],
      };
      return locks.run(req.iid.nameId, () =>
        call(operation, opts, async (ctx) => {
          const taken = backend.exists
            ? await backend.exists(req.iid.nameId, ctx)
            : (await backend.find({ nameId: req.iid.nameId }, ctx)) !== undefined;
          if (taken)
            throw new NLBError({
              code: 'ALREADY_EXISTS',
              driver,
              operation,
              message: `an NLB named ${quoteInput(req.iid.nameId)} already exists`,
            });
          throwIfAborted(ctx.signal, driver, operation);
          return backend.create(resolved, ctx);
        }),
      );
    },

    deleteNLB: async (rawIID, opts) => {
      const operation = 'deleteNLB';
      const iid = parseInput(nlbIIDSchema, rawIID, { driver, operation, root: 'iid' });
      return locks.run(iid.nameId, () =>
        call(operation, opts, async (ctx) => {
          const current = await backend.find(iid, ctx);
          throwIfAborted(ctx.signal, driver, operation);
          if (current) await backend.delete(current, ctx);
          // A systemId names one NLB: leftovers under the name are not it.
          else if (iid.systemId || !(await backend.deleteLeftovers?.(iid.nameId, ctx)))
            throw notFound(operation, iid);
          return true;
        }),
      );
    },

    changeListener: async (iid, rawListener, opts) => {
      const operation = 'changeListener';
      const next = parseInput(listenerSchema, rawListener, { driver, operation, root: 'listener' });
      return onNLB(operation, iid, opts, (current, ctx) => {
        reject(operation, checkListenerChange(caps, current.listener, next, current.vmGroup));
        // A new family gets a new address unless one is named: the current one is of the old family.
        const addressFamily = nextAddressFamily(current.listener, next);
        const kept = addressFamily === current.listener.addressFamily ? current.listener.ip : undefined;
        const listener = { protocol: next.protocol, port: next.port, ip: next.ip ?? kept, addressFamily };
        return backend.changeListener(current, listener, ctx);
      });
    },

    changeVMGroupInfo: async (iid, rawGroup, opts) => {
      const operation = 'changeVMGroupInfo';
      const next = parseInput(vmGroupSchema, rawGroup, { driver, operation, root: 'vmGroup' });
      return onNLB(operation, iid, opts, (current, ctx) => {
        reject(operation, checkVMGroupChange(caps, current.vmGroup, next, current.listener));
        // The health checker must still fit the new group (e.g. AWS: no UDP check for a UDP group).
        reject(operation, checkHealthChecker(caps, asRequested(caps, current), next));
        const algorithm = next.algorithm ?? current.vmGroup.algorithm;
        // Without `algorithm` the one in force stays, hash fields and all. A named algorithm without
        // `hashFields` gets its documented default: the result must not depend on what came before.
        const kept = next.algorithm === undefined ? current.vmGroup.hashFields : undefined;
        const group: ResolvedVMGroup = {
          protocol: next.protocol,
          port: next.port,
          vms: next.vms,
          algorithm,
          hashFields:
            algorithm === 'ROUND_ROBIN'
              ? undefined
              : (next.hashFields ?? kept ?? defaultHashFields(algorithm, caps)),
          keyValueList: next.keyValueList,
        };
        const drain = next.drainTimeoutSec ?? current.vmGroup.drainTimeoutSec;
        if (drain !== undefined) group.drainTimeoutSec = drain;
        return backend.changeVMGroup(current, group, ctx);
      });
    },

    addVMs: async (iid, rawVMs, opts) => {
      const operation = 'addVMs';
      const vms = parseInput(vmChangeListSchema, rawVMs, { driver, operation, root: 'vms' });
      return onNLB(operation, iid, opts, (current, ctx) => {
        const present = new Set(current.vmGroup.vms.map((vm) => vm.nameId));
        const dup = vms.find((vm) => present.has(vm.nameId));
        if (dup)
          throw new NLBError({
            code: 'ALREADY_EXISTS',
            driver,
            operation,
            message: `VM ${quoteInput(dup.nameId)} is already in the group of ${quoteInput(current.iid.nameId)}`,
          });
        const total = current.vmGroup.vms.length + vms.length;
        if (total > caps.maxVMs)
          reject(operation, [
            { path: 'vms', message: `at most ${caps.maxVMs} VMs per NLB`, code: 'UNSUPPORTED' },
          ]);
        if (!caps.weights) {
          const i = vms.findIndex((vm) => vm.weight !== undefined && vm.weight !== 1);
          if (i >= 0)
            reject(operation, [
              {
                path: `vms[${i}].weight`,
                message: `weights are not supported on ${driver}`,
                code: 'UNSUPPORTED',
              },
            ]);
        }
        return backend.addVMs(current, vms, ctx);
      });
    },

    removeVMs: async (iid, rawVMs, opts) => {
      const operation = 'removeVMs';
      const vms = parseInput(vmChangeListSchema, rawVMs, { driver, operation, root: 'vms' });
      return onNLB(operation, iid, opts, async (current, ctx) => {
        const present = new Set(current.vmGroup.vms.map((vm) => vm.nameId));
        const absent = vms.find((vm) => !present.has(vm.nameId));
        if (absent)
          throw new NLBError({
            code: 'NOT_FOUND',
            driver,
            operation,
            message: `VM ${quoteInput(absent.nameId)} is not in the group of ${quoteInput(current.iid.nameId)}`,
          });
        await backend.removeVMs(current, vms, ctx);
        return true;
      });
    },

    getVMGroupHealthInfo: async (iid, opts) =>
      onNLB('getVMGroupHealthInfo', iid, opts, (current, ctx) => backend.health(current, ctx)),

    changeHealthCheckerInfo: async (iid, rawHC, opts) => {
      const operation = 'changeHealthCheckerInfo';
      const next = parseInput(healthCheckerSchema, rawHC, { driver, operation, root: 'healthChecker' });
      return onNLB(operation, iid, opts, (current, ctx) => {
        if (!caps.changes.healthChecker)
          reject(operation, [
            { path: 'healthChecker', message: `cannot be changed on ${driver}`, code: 'UNSUPPORTED' },
          ]);
        reject(operation, checkHealthChecker(caps, next, current.vmGroup));
        return backend.changeHealthChecker(current, resolveHealthChecker(caps, next), ctx);
      });
    },
  };
}
