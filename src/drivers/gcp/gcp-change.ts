/**
 * The change operations on Compute Engine, each all or nothing: session affinity and membership on the
 * backend service and its network endpoint groups, the health check replaced whole (PUT). The
 * listener cannot change in place (capabilities refuse it before any call), so changeListener only
 * confirms what is in force.
 */
import { randomUUID } from 'node:crypto';
import { Rollback } from '../../common/rollback.js';
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import type {
  NLBInfo,
  ResolvedHealthCheckerInfo,
  ValidListener,
  ValidVMMember,
} from '../../interfaces/index.js';
import type { CallContext, GcpApi, HealthCheck } from './gcp-api.js';
import { affinityOf, healthCheckOf, type Marker, markerOf } from './gcp-convert.js';
import { resolveVMs } from './gcp-lookup.js';
import { addResolvedVMs, changeEndpoints, editBackendService } from './gcp-members.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';
import { findManaged, partNames, readMembers, readNLB } from './gcp-read.js';

/** The current NLB, read again (after a change, or to confirm a change that changes nothing). */
async function reread(api: GcpApi, current: NLBInfo, ctx: CallContext): Promise<NLBInfo> {
  const fr = await findManaged(api, current.iid, ctx);
  if (!fr) throw new Error(`the forwarding rule of '${current.iid.nameId}' vanished during the change`);
  return readNLB(api, fr, ctx);
}

/** The marker parts of this change call: new network endpoint groups belong to the NLB and to it. */
const changeMarker = (nlb: string): Marker => ({ nlb, createId: `change-${randomUUID()}` });

export async function changeListenerOnGcp(
  api: GcpApi,
  current: NLBInfo,
  _next: ValidListener,
  ctx: CallContext,
): Promise<NLBInfo> {
  return reread(api, current, ctx);
}

/** Adds VMs; see gcp-members.ts. */
export async function addVMsOnGcp(
  api: GcpApi,
  current: NLBInfo,
  vms: ValidVMMember[],
  ctx: CallContext,
): Promise<NLBInfo> {
  const name = current.iid.nameId;
  const bsName = partNames(current).backendService;
  const resolved = await resolveVMs(api, vms, current.vpcIID.nameId, ctx);
  return new Rollback(GCP_DRIVER_NAME).run(ctx.operation, async (rb) => {
    const bs = await api.getBackendService(bsName, ctx);
    const backends = (bs?.backends ?? []).map((b) => b.group ?? '');
    await addResolvedVMs(api, rb, name, bsName, backends, resolved, changeMarker(name), ctx);
    return reread(api, current, ctx);
  });
}

/** Detaches VMs, each from its zone's network endpoint group (a backend of the backend service `bs`). */
async function detachByName(api: GcpApi, rb: Rollback, bs: string, names: Set<string>, ctx: CallContext) {
  const members = await readMembers(api, await api.getBackendService(bs, ctx), ctx);
  for (const m of members) {
    const endpoints = m.vms.filter((vm) => names.has(vm)).map((instance) => ({ instance }));
    if (endpoints.length > 0) await changeEndpoints(api, rb, 'detach', m.zone, m.neg, endpoints, ctx);
  }
}

export async function removeVMsOnGcp(
  api: GcpApi,
  current: NLBInfo,
  vms: ValidVMMember[],
  ctx: CallContext,
): Promise<void> {
  await new Rollback(GCP_DRIVER_NAME).run(ctx.operation, (rb) =>
    detachByName(api, rb, partNames(current).backendService, new Set(vms.map((vm) => vm.nameId)), ctx),
  );
}

/** Changes session affinity and membership; protocol and port are fixed (capabilities). */
export async function changeVMGroupOnGcp(
  api: GcpApi,
  current: NLBInfo,
  next: ResolvedVMGroup,
  ctx: CallContext,
): Promise<NLBInfo> {
  const name = current.iid.nameId;
  const bsName = partNames(current).backendService;
  const present = new Set(current.vmGroup.vms.map((vm) => vm.nameId));
  const wanted = new Set(next.vms.map((vm) => vm.nameId));
  const toAdd = await resolveVMs(
    api,
    next.vms.filter((vm) => !present.has(vm.nameId)),
    current.vpcIID.nameId,
    ctx,
  );
  const toRemove = new Set([...present].filter((vm) => !wanted.has(vm)));
  const undoCtx = { operation: ctx.operation };
  return new Rollback(GCP_DRIVER_NAME).run(ctx.operation, async (rb) => {
    const affinity = affinityOf(next.hashFields);
    const before = affinityOf(current.vmGroup.hashFields);
    if (affinity !== before) {
      rb.push('session affinity', () =>
        editBackendService(
          api,
          bsName,
          (bs) => (bs.sessionAffinity === affinity ? { sessionAffinity: before } : undefined),
          undoCtx,
        ),
      );
      await editBackendService(
        api,
        bsName,
        (bs) => (bs.sessionAffinity === affinity ? undefined : { sessionAffinity: affinity }),
        ctx,
      );
    }
    await changeDraining(api, rb, bsName, current.vmGroup.drainTimeoutSec, next.drainTimeoutSec, ctx);
    if (toAdd.length > 0) {
      const bs = await api.getBackendService(bsName, ctx);
      const backends = (bs?.backends ?? []).map((b) => b.group ?? '');
      await addResolvedVMs(api, rb, name, bsName, backends, toAdd, changeMarker(name), ctx);
    }
    if (toRemove.size > 0) await detachByName(api, rb, bsName, toRemove, ctx);
    return reread(api, current, ctx);
  });
}

/** Patches the backend service's connection draining when it changes, undone by the rollback. */
async function changeDraining(
  api: GcpApi,
  rb: Rollback,
  name: string,
  before: number | undefined,
  after: number | undefined,
  ctx: CallContext,
): Promise<void> {
  if (after === undefined || after === before) return;
  const draining = (seconds: number) => ({ connectionDraining: { drainingTimeoutSec: seconds } });
  if (before !== undefined)
    rb.push('connection draining', () =>
      editBackendService(
        api,
        name,
        (bs) => (bs.drainingTimeoutSec === after ? draining(before) : undefined),
        { operation: ctx.operation },
      ),
    );
  await editBackendService(
    api,
    name,
    (bs) => (bs.drainingTimeoutSec === after ? undefined : draining(after)),
    ctx,
  );
}

/** The fields of a health check a PUT sets (what was read, as it can be sent back). */
function asPut(hc: HealthCheck): HealthCheck {
  const { name, description, type, checkIntervalSec, timeoutSec, healthyThreshold, unhealthyThreshold } = hc;
  const key = `${String(type).toLowerCase()}HealthCheck` as 'tcpHealthCheck';
  return {
    name,
    description,
    type,
    checkIntervalSec,
    timeoutSec,
    healthyThreshold,
    unhealthyThreshold,
    [key]: hc[key],
  };
}

/** Replaces the health check (one PUT); if its outcome is unknown, the old one is put back. */
export async function changeHealthCheckerOnGcp(
  api: GcpApi,
  current: NLBInfo,
  next: ResolvedHealthCheckerInfo,
  ctx: CallContext,
): Promise<NLBInfo> {
  const name = partNames(current).healthCheck;
  const old = await api.getHealthCheck(name, ctx);
  if (!old) throw new Error(`the health check of '${name}' is gone; deleteNLB and create it again`);
  const marker = markerOf(old.description) ?? { nlb: current.iid.nameId, createId: 'unknown' };
  // The description stays as it was: nlbkit's marker, or an adopted health check's own text.
  const wanted = {
    ...healthCheckOf(name, next, current.vmGroup.port, marker),
    description: old.description ?? '',
  };
  const undoCtx = { operation: ctx.operation };
  const same = (a: HealthCheck, b: HealthCheck) => JSON.stringify(asPut(a)) === JSON.stringify(asPut(b));
  return new Rollback(GCP_DRIVER_NAME).run(ctx.operation, async (rb) => {
    rb.push(`health check ${name}`, async () => {
      const now = await api.getHealthCheck(name, undoCtx);
      if (now && !same(now, old)) await api.updateHealthCheck(name, asPut(old), undoCtx);
    });
    ctx.progress?.('update-health-check', `updating health check '${name}' and waiting for it`);
    await api.updateHealthCheck(name, wanted, ctx);
    // Read inside: a change whose result cannot be read is undone, so a failed call changed nothing.
    return reread(api, current, ctx);
  });
}
