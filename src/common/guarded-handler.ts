/**
 * Turns a driver's backend (the provider-specific steps) into an NLBHandler that keeps the rules every
 * driver must keep, in one place: validate with zod, check the driver's capabilities, serialize the
 * operations on one NLB, honour AbortSignal, throw only NLBError, and return copies.
 */

import type { DriverCapabilities } from '../interfaces/capabilities.js';
import {
  checkCreate,
  checkHealthChecker,
  checkListenerChange,
  checkVMGroupChange,
  nextAddressFamily,
  requestedAddressFamily,
  resolveHealthChecker,
} from '../interfaces/capabilities.js';
import {
  checkAddVMs,
  checkHealthCheckerChange,
  defaultAlgorithm,
  requestedHealthChecker,
  resolveHashFields,
} from '../interfaces/capability-rules.js';
import { NLBError, type Violation, violationsError } from '../interfaces/errors.js';
import { isStatelessForwarding } from '../interfaces/forwarding.js';
import type { NLBHandler, NLBOperation } from '../interfaces/handler.js';
import { quoteInput } from '../interfaces/input-text.js';
import {
  createRequestSchema,
  healthCheckerSchema,
  listenerSchema,
  nlbIIDSchema,
  parseInput,
  vmChangeListSchema,
  vmGroupSchema,
} from '../interfaces/schemas.js';
import type { CallOptions, IID, NLBInfo } from '../interfaces/types.js';
import { throwIfAborted } from './abort.js';
import { deepFreeze } from './deep-freeze.js';
import type {
  BackendContext,
  DriverBackend,
  ResolvedCreateRequest,
  ResolvedVMGroup,
} from './driver-backend.js';
import { guardedCall } from './guarded-call.js';
import { KeyedSerializer } from './keyed-serializer.js';

/**
 * Options of {@link createGuardedHandler}.
 *
 * @example
 * function optionsFor(backend: DriverBackend): GuardedHandlerOptions {
 *   return { capabilities: { ...mockDefaultCapabilities, driver: 'toy' }, backend };
 * }
 */
export interface GuardedHandlerOptions {
  /** What the driver can do; requests outside it are refused before the backend is called (no default). */
  capabilities: DriverCapabilities;
  /** The provider's steps (no default). */
  backend: DriverBackend;
  /** Runs before every operation (after validation); the mock uses it for fault injection and latency. Default: none. */
  beforeOperation?: ((operation: NLBOperation, signal?: AbortSignal) => Promise<void>) | undefined;
  /** The per-NLB locks, when another part (the adoption extension) must share them. Default: its own. */
  locks?: KeyedSerializer | undefined;
}

/**
 * Builds an NLBHandler from a backend; see the module comment for what it guarantees. Its
 * `capabilities` are a frozen copy of the ones given.
 *
 * @example
 * function createToyDriver(backend: DriverBackend): NLBHandler {
 *   return createGuardedHandler({ capabilities: { ...mockDefaultCapabilities, driver: 'toy' }, backend });
 * }
 */
export function createGuardedHandler(options: GuardedHandlerOptions): NLBHandler {
  const { backend, beforeOperation } = options;
  // A frozen copy: neither the driver nor a caller can loosen the rules after they are checked.
  const caps = deepFreeze(structuredClone(options.capabilities));
  const driver = caps.driver;
  const locks = options.locks ?? new KeyedSerializer();

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

  const reject = (operation: string, violations: Violation[]) => {
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
      const forwarding = req.vmGroup.forwarding ?? caps.forwarding?.default;
      // Stateless forwarding works with MAGLEV only (checkForwarding), so it is that mode's default.
      const algorithm =
        req.vmGroup.algorithm ?? (isStatelessForwarding(forwarding) ? 'MAGLEV' : defaultAlgorithm(caps));
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
          hashFields: resolveHashFields(algorithm, req.vmGroup.hashFields, undefined, caps),
          ...(forwarding !== undefined ? { forwarding } : {}),
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
        reject(operation, checkHealthChecker(caps, requestedHealthChecker(caps, current), next));
        const algorithm = next.algorithm ?? current.vmGroup.algorithm;
        // Without `algorithm` the one in force stays, hash fields and all. A named algorithm without
        // `hashFields` gets its documented default: the result must not depend on what came before.
        const kept = next.algorithm === undefined ? current.vmGroup.hashFields : undefined;
        const group: ResolvedVMGroup = {
          protocol: next.protocol,
          port: next.port,
          vms: next.vms,
          algorithm,
          hashFields: resolveHashFields(algorithm, next.hashFields, kept, caps),
          keyValueList: next.keyValueList,
        };
        const drain = next.drainTimeoutSec ?? current.vmGroup.drainTimeoutSec;
        if (drain !== undefined) group.drainTimeoutSec = drain;
        const forwarding = next.forwarding ?? current.vmGroup.forwarding;
        if (forwarding !== undefined) group.forwarding = forwarding;
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
        reject(operation, checkAddVMs(caps, current.vmGroup.vms.length, vms));
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
        reject(operation, checkHealthCheckerChange(caps, next, current.vmGroup));
        return backend.changeHealthChecker(current, resolveHealthChecker(caps, next), ctx);
      });
    },
  };
}
