/**
 * The native driver's provider steps: each mutation resolves VMs and the VIP, then writes one record
 * (one store write: all or nothing by construction). Writes are serialized across NLBs because VIP
 * choice depends on every other NLB's record.
 */

import { sameIID } from '../../common/iid.js';
import type { BackendContext, DriverBackend, ResolvedVMGroup } from '../../driver-kit/index.js';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';
import type { ValidListener, ValidVMMember } from '../../interfaces/schemas.js';
import type { NLBInfo, ResolvedHealthCheckerInfo } from '../../interfaces/types.js';
import { isStoreRevisionConflict } from '../../native/store/state-document.js';
import type { NLBRecord, StateStore } from '../../native/store/types.js';
import { assignVip, type VipPool, type VipUse, VipUseIndex } from '../../native/vip/index.js';
import { DRIVER_NAME } from './native-capabilities.js';
import { drainingAfter } from './native-drain.js';
import { aggregateHealth } from './native-health.js';
import { addressesOf, chooseFamily, resolveVMs } from './native-inventory.js';
import type { VMInventory } from './native-options.js';
import { fromRecord, type RecordSettings, recordAddresses, systemIdOf, toRecord } from './native-records.js';
import { type ContentionRetry, retryOnContention, storeKeptChanging } from './native-retry.js';

/** What the backend needs from the driver. */
export interface NativeBackendDeps {
  store: StateStore;
  pool: VipPool;
  inventory: VMInventory;
  settings: RecordSettings;
  /** Nodes whose health reports count; undefined: all. */
  nodes?: readonly string[];
  /** Called after every successful write with the store revision it produced. */
  afterWrite(revision: number, ctx: BackendContext): Promise<void>;
  /** How a write retries while other writer processes keep changing the store. */
  contention: ContentionRetry;
}

/** Builds the DriverBackend over the store. */
export function createNativeBackend(deps: NativeBackendDeps): DriverBackend {
  const { store, pool, inventory, settings } = deps;
  let writes: Promise<unknown> = Promise.resolve();
  /** Runs `fn` after every earlier write of this driver. */
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = writes.then(fn, fn);
    writes = p.catch(() => undefined);
    return p;
  };

  const useOf = (record: NLBRecord): VipUse => ({
    name: record.name,
    vip: record.service.vip,
    protocol: record.service.protocol,
    port: record.service.port,
  });
  /**
   * Every NLB's listener at one store revision, kept up to date with this driver's own writes, so a
   * create reads every record only when another writer (another process) changed the store.
   */
  let known: { revision: number; index: VipUseIndex } | undefined;

  /** Every NLB's listener, and the store revision they were read at (the VIP choice rests on both). */
  const uses = async () => {
    const revision = await store.revision();
    if (known?.revision !== revision) {
      const snapshot = await store.list();
      known = {
        revision: snapshot.revision,
        index: new VipUseIndex(
          pool,
          snapshot.records.map((r) => useOf(r.record)),
        ),
      };
    }
    return { index: known.index, revision: known.revision };
  };

  /**
   * Brings the index past this driver's own write, which took the store to `revision`: only when that
   * write was the one change since the index's revision (every write bumps the revision by one);
   * otherwise another writer's change is unknown and the next create reads every record again.
   */
  const wrote = (revision: number, change: (index: VipUseIndex) => void) => {
    if (known && revision === known.revision + 1) {
      change(known.index);
      known.revision = revision;
    } else known = undefined;
  };

  /**
   * Runs a step that chooses a VIP from every record and writes with `expectedStoreRevision`: when
   * another writer (another driver process on a shared store) wrote meanwhile, the choice may clash
   * with its write, so the step runs again on fresh state, after a jittered backoff. Bounded by a
   * deadline: a store that never settles is a retryable UNAVAILABLE (nobody changed this NLB, so not
   * CONFLICT), not a hang.
   */
  function withFreshChoice<T>(ctx: BackendContext, step: () => Promise<T>): Promise<T> {
    const { deadlineMs } = deps.contention;
    return retryOnContention(
      step,
      isStoreRevisionConflict,
      (e) => storeKeptChanging(deadlineMs, ctx, e),
      deps.contention,
      ctx,
    );
  }

  /** The stored record of `name`; NOT_FOUND saying `message` when there is none. */
  async function storedOrNotFound(name: string, ctx: BackendContext, message: string) {
    const found = await store.get(name);
    if (!found)
      throw new NLBError({ code: 'NOT_FOUND', driver: DRIVER_NAME, operation: ctx.operation, message });
    return found;
  }

  /**
   * Runs an additive change (addVMs, removeVMs) on the NLB as stored now: the first try on `current`
   * (what the caller's checks saw); when another writer process changed the record meanwhile (CONFLICT),
   * again on the fresh record, so concurrent additions from several processes all land. Bounded.
   */
  function onFreshRecord<T>(
    current: NLBInfo,
    ctx: BackendContext,
    step: (fresh: NLBInfo, found: { record: NLBRecord }) => Promise<T>,
  ): Promise<T> {
    return retryOnContention(
      async (attempt) => {
        const found = await storedOrNotFound(
          current.iid.nameId,
          ctx,
          `NLB ${quoteInput(current.iid.nameId)} was deleted by another writer meanwhile`,
        );
        return step(attempt === 1 ? current : fromRecord(found.record), found);
      },
      (e) => isNLBError(e) && e.code === 'CONFLICT',
      // Others changed this very NLB all along: that is a genuine CONFLICT.
      (e) => e,
      deps.contention,
      ctx,
    );
  }

  /**
   * Persists `nlb` (whose listener.ip is already chosen) and waits as the apply mode says. `basis` is
   * the NLB the change was computed from: if the store holds something else now (another writer
   * process), the write is refused with CONFLICT rather than losing that writer's update.
   */
  async function save(
    nlb: NLBInfo,
    addresses: Map<string, string>,
    ctx: BackendContext,
    basis?: NLBInfo,
    storeRevision?: number,
  ) {
    const stored = basis ? await store.get(nlb.iid.nameId) : undefined;
    if (basis && (!stored || JSON.stringify(fromRecord(stored.record)) !== JSON.stringify(basis)))
      throw new NLBError({
        code: 'CONFLICT',
        driver: DRIVER_NAME,
        operation: ctx.operation,
        message: `NLB ${quoteInput(nlb.iid.nameId)} was changed by another writer meanwhile; read it again and retry`,
      });
    const record: NLBRecord = toRecord(nlb, addresses, settings);
    const draining = drainingAfter(stored?.record, record, nlb.vmGroup.drainTimeoutSec, Date.now());
    if (draining.length > 0) record.service.draining = draining;
    const revision = await store
      .put(record, {
        expectedRevision: stored?.revision ?? 0,
        ...(storeRevision === undefined ? {} : { expectedStoreRevision: storeRevision }),
      })
      .catch((e: unknown) => {
        // A create (no basis) whose record appeared meanwhile lost a race for the name.
        if (!basis && isNLBError(e) && e.code === 'CONFLICT' && !isStoreRevisionConflict(e))
          throw new NLBError({
            code: 'ALREADY_EXISTS',
            driver: DRIVER_NAME,
            operation: ctx.operation,
            message: `an NLB named ${quoteInput(nlb.iid.nameId)} was made by another writer meanwhile`,
            cause: e,
          });
        throw e;
      });
    wrote(revision, (index) => index.set(useOf(record)));
    await deps.afterWrite(revision, ctx);
    return fromRecord(record);
  }

  /** The addresses of `vms` in the family of `vip`, keeping stored ones for VMs already in the group. */
  async function addressesFor(vms: readonly ValidVMMember[], vip: string, ctx: BackendContext, path: string) {
    const resolved = await resolveVMs(
      inventory,
      vms.map((v) => v.nameId),
      ctx,
      path,
    );
    return addressesOf(resolved, vip.includes(':') ? 6 : 4, ctx, path);
  }

  const withGroup = (current: NLBInfo, group: ResolvedVMGroup): NLBInfo => {
    const vmGroup: NLBInfo['vmGroup'] = {
      protocol: group.protocol,
      port: group.port,
      vms: group.vms,
      algorithm: group.algorithm,
    };
    if (group.hashFields) vmGroup.hashFields = group.hashFields;
    if (group.keyValueList) vmGroup.keyValueList = group.keyValueList;
    if (group.drainTimeoutSec !== undefined) vmGroup.drainTimeoutSec = group.drainTimeoutSec;
    if (group.forwarding !== undefined) vmGroup.forwarding = group.forwarding;
    return { ...current, vmGroup };
  };

  return {
    list: async () => (await store.list()).records.map(({ record }) => fromRecord(record)),
    find: async (iid) => {
      const found = await store.get(iid.nameId);
      if (!found) return undefined;
      const nlb = fromRecord(found.record);
      return sameIID(nlb.iid, iid) ? nlb : undefined;
    },
    exists: async (name) => (await store.get(name)) !== undefined,

    create: (req, ctx) =>
      serialized(() =>
        withFreshChoice(ctx, async () => {
          const vms = await resolveVMs(
            inventory,
            req.vmGroup.vms.map((v) => v.nameId),
            ctx,
            'vmGroup.vms',
          );
          // The guard gives the named family, or the requested ip's; else the VMs' addresses decide.
          const named = req.listener.addressFamily;
          const family = named ? (named === 'IPV6' ? 6 : 4) : chooseFamily(vms, pool.families);
          const addresses = addressesOf(vms, family, ctx, 'vmGroup.vms');
          const taken = await uses();
          const vip = assignVip(
            pool,
            taken.index,
            {
              name: req.iid.nameId,
              requestedIp: req.listener.ip,
              family,
              protocol: req.listener.protocol,
              port: req.listener.port,
            },
            { driver: DRIVER_NAME, operation: ctx.operation },
          );
          const nlb: NLBInfo = withGroup(
            {
              iid: { nameId: req.iid.nameId, systemId: systemIdOf(req.iid.nameId) },
              vpcIID: req.vpcIID,
              type: req.type,
              scope: req.scope,
              listener: { protocol: req.listener.protocol, port: req.listener.port, ip: vip },
              vmGroup: {
                protocol: req.vmGroup.protocol,
                port: req.vmGroup.port,
                vms: [],
                algorithm: 'ROUND_ROBIN',
              },
              healthChecker: req.healthChecker,
              createdTime: new Date(),
              tagList: req.tagList,
              keyValueList: req.keyValueList,
            },
            req.vmGroup,
          );
          return save(nlb, addresses, ctx, undefined, taken.revision);
        }),
      ),

    delete: (current, ctx) =>
      serialized(async () => {
        const found = await store.get(current.iid.nameId);
        if (!found) return;
        await store.delete(current.iid.nameId, { expectedRevision: found.revision });
        const revision = await store.revision();
        wrote(revision, (index) => index.remove(current.iid.nameId));
        await deps.afterWrite(revision, ctx);
      }),

    changeListener: (current, next: ValidListener, ctx) =>
      serialized(() =>
        withFreshChoice(ctx, async () => {
          // The guard passes no ip when the family changes: a new VIP of the new family is chosen.
          const requested = next.ip;
          const oldVip = current.listener.ip as string;
          const family = next.addressFamily === 'IPV6' ? 6 : 4;
          const taken = await uses();
          const vip = assignVip(
            pool,
            taken.index,
            {
              name: current.iid.nameId,
              requestedIp: requested,
              family,
              protocol: next.protocol,
              port: next.port,
            },
            { driver: DRIVER_NAME, operation: ctx.operation },
          );
          // A VIP of the other family needs every VM's address of that family.
          const addresses =
            family === (oldVip.includes(':') ? 6 : 4)
              ? recordAddresses((await store.get(current.iid.nameId))?.record as NLBRecord)
              : await addressesFor(current.vmGroup.vms, vip, ctx, 'vmGroup.vms');
          const nlb = { ...current, listener: { protocol: next.protocol, port: next.port, ip: vip } };
          return save(nlb, addresses, ctx, current, taken.revision);
        }),
      ),

    changeVMGroup: (current, group, ctx) =>
      serialized(async () => {
        const addresses = await addressesFor(group.vms, current.listener.ip as string, ctx, 'vmGroup.vms');
        return save(withGroup(current, group), addresses, ctx, current);
      }),

    addVMs: (current, vms, ctx) =>
      serialized(() =>
        onFreshRecord(current, ctx, async (fresh, found) => {
          const present = new Set(fresh.vmGroup.vms.map((v) => v.nameId));
          const dup = vms.find((v) => present.has(v.nameId));
          if (dup)
            throw new NLBError({
              code: 'ALREADY_EXISTS',
              driver: DRIVER_NAME,
              operation: ctx.operation,
              message: `VM ${quoteInput(dup.nameId)} was added to ${quoteInput(fresh.iid.nameId)} by another writer meanwhile`,
            });
          const addresses = recordAddresses(found.record);
          for (const [k, v] of await addressesFor(vms, fresh.listener.ip as string, ctx, 'vms'))
            addresses.set(k, v);
          const group = { ...fresh.vmGroup, vms: [...fresh.vmGroup.vms, ...vms] };
          return save({ ...fresh, vmGroup: group }, addresses, ctx, fresh);
        }),
      ),

    removeVMs: (current, vms, ctx) =>
      serialized(async () => {
        await onFreshRecord(current, ctx, async (fresh, found) => {
          const gone = new Set(vms.map((v) => v.nameId));
          const group = { ...fresh.vmGroup, vms: fresh.vmGroup.vms.filter((v) => !gone.has(v.nameId)) };
          return save({ ...fresh, vmGroup: group }, recordAddresses(found.record), ctx, fresh);
        });
      }),

    health: async (current) => {
      const reports = (await store.listNodeReports()).filter(
        (r) => !deps.nodes || deps.nodes.includes(r.node),
      );
      return aggregateHealth(current, reports);
    },

    changeHealthChecker: (current, next: ResolvedHealthCheckerInfo, ctx) =>
      serialized(async () => {
        const found = await storedOrNotFound(
          current.iid.nameId,
          ctx,
          `no NLB named ${quoteInput(current.iid.nameId)}`,
        );
        return save({ ...current, healthChecker: next }, recordAddresses(found.record), ctx, current);
      }),
  };
}
