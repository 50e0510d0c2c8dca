/**
 * VM membership: one GCE_VM_IP network endpoint group per zone, each a backend of the NLB's backend
 * service. Attach and detach change single endpoints on the server, so two processes adding VMs at
 * once do not overwrite each other; a backend-service edit carries the fingerprint it read and is
 * redone on a 412.
 */

import type { Rollback } from '../../common/rollback.js';
import { NLBError } from '../../interfaces/errors.js';
import { type CallContext, ENDPOINTS_PER_CALL, type Endpoint, type GcpApi } from './gcp-api.js';
import { describe, type Marker, markerOf, nameOf, negName, ownedBy, zoneOf } from './gcp-convert.js';
import { reasonOf } from './gcp-errors.js';
import { byZone, type ResolvedVM } from './gcp-lookup.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

/** Times a backend-service edit is redone after another writer's change (412). */
const EDIT_ATTEMPTS = 5;

/** The GCE_VM_IP endpoints of VMs (instance and its primary address). */
export const endpointsOf = (vms: readonly ResolvedVM[]): Endpoint[] =>
  vms.map((vm) => ({ instance: vm.nameId, ipAddress: vm.ip }));

/**
 * Attaches or detaches endpoints of one zone's NEG, in calls of at most 500. Each call's undo does the
 * opposite for those of its endpoints whose state it changed (read from the NEG, not assumed).
 */
export async function changeEndpoints(
  api: GcpApi,
  rb: Rollback,
  verb: 'attach' | 'detach',
  zone: string,
  neg: string,
  endpoints: Endpoint[],
  ctx: CallContext,
): Promise<void> {
  const undoCtx = { operation: ctx.operation };
  for (let i = 0; i < endpoints.length; i += ENDPOINTS_PER_CALL) {
    const batch = endpoints.slice(i, i + ENDPOINTS_PER_CALL);
    rb.push(`endpoints of ${neg}`, async () => {
      const now = new Set(((await api.endpoints(zone, neg, undoCtx)) ?? []).map((e) => nameOf(e.instance)));
      const changed = batch.filter((e) => now.has(e.instance ?? '') === (verb === 'attach'));
      if (changed.length === 0) return;
      if (verb === 'attach') await api.detach(zone, neg, changed, undoCtx);
      else await api.attach(zone, neg, changed, undoCtx);
    });
    ctx.progress?.(`${verb}-endpoints`, `${verb}ing ${batch.length} VM(s) in ${zone} and waiting for it`);
    await (verb === 'attach' ? api.attach(zone, neg, batch, ctx) : api.detach(zone, neg, batch, ctx));
  }
}

/**
 * Makes the NLB's network endpoint group in `zone`; one that exists and is this NLB's (another
 * process made it meanwhile) is used as it is. The undo removes it only if this call made it.
 */
export async function ensureNeg(
  api: GcpApi,
  rb: Rollback,
  nlb: string,
  zone: string,
  first: ResolvedVM,
  marker: Marker,
  ctx: CallContext,
): Promise<string> {
  const name = negName(nlb, zone);
  const undoCtx = { operation: ctx.operation };
  rb.push(`network endpoint group ${name}`, () => deleteNegIfMine(api, zone, name, marker.createId, undoCtx));
  try {
    await api.insertNeg(
      zone,
      {
        name,
        description: describe(marker),
        networkEndpointType: 'GCE_VM_IP',
        network: first.network,
        subnetwork: first.subnetwork,
      },
      ctx,
    );
  } catch (e) {
    if (!(e instanceof NLBError && e.code === 'ALREADY_EXISTS')) throw e;
    const existing = await api.getNeg(zone, name, ctx);
    if (!ownedBy(existing, nlb))
      throw new NLBError({
        code: 'CONFLICT',
        driver: GCP_DRIVER_NAME,
        operation: ctx.operation,
        message: `a network endpoint group named '${name}' exists in ${zone} and is not this NLB's; remove or rename it`,
        cause: e,
      });
  }
  return api.negUrl(zone, name);
}

/** Whether a NEG holds no endpoint (another process may have attached VMs to one this call made). */
const isEmpty = async (api: GcpApi, zone: string, name: string, ctx: CallContext) =>
  ((await api.endpoints(zone, name, ctx)) ?? []).length === 0;

/** Deletes a network endpoint group if the call `createId` made it and nobody uses it. */
export async function deleteNegIfMine(
  api: GcpApi,
  zone: string,
  name: string,
  createId: string,
  ctx: CallContext,
) {
  const neg = await api.getNeg(zone, name, ctx);
  if (markerOf(neg?.description)?.createId === createId && (await isEmpty(api, zone, name, ctx)))
    await ignoreNotFound(api.deleteNeg(zone, name, ctx));
}

/** Resolves when `p` does or fails with NOT_FOUND (it is gone already). */
export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof NLBError && e.code === 'NOT_FOUND')) throw e;
  }
}

/**
 * Edits the backend service with `edit` (which returns undefined when nothing needs changing), sending
 * the fingerprint read; redone on a fresh read when another writer got there first.
 */
export async function editBackendService(
  api: GcpApi,
  name: string,
  edit: (bs: {
    backends: string[];
    sessionAffinity: string;
    drainingTimeoutSec: number;
  }) => Record<string, unknown> | undefined,
  ctx: CallContext,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const bs = await api.getBackendService(name, ctx);
    if (!bs)
      throw new NLBError({
        code: 'NOT_FOUND',
        driver: GCP_DRIVER_NAME,
        operation: ctx.operation,
        message: `backend service '${name}' is gone`,
      });
    const patch = edit({
      backends: (bs.backends ?? []).map((b) => b.group ?? ''),
      sessionAffinity: bs.sessionAffinity ?? 'NONE',
      drainingTimeoutSec: bs.connectionDraining?.drainingTimeoutSec ?? 0,
    });
    if (!patch) return;
    try {
      await api.patchBackendService(name, { ...patch, fingerprint: bs.fingerprint }, ctx);
      return;
    } catch (e) {
      const stale = reasonOf(e) === 'conditionNotMet';
      if (!stale || attempt >= EDIT_ATTEMPTS) throw e;
    }
  }
}

const asBackends = (groups: string[]) => groups.map((group) => ({ group, balancingMode: 'CONNECTION' }));

/**
 * Adds a NEG as a backend of the backend service `bs` (if it is not one); the undo removes it again if
 * this call added it and the NEG is empty (another process may have attached its VMs meanwhile: they
 * stay served).
 */
export async function addBackend(api: GcpApi, rb: Rollback, bs: string, negUrl: string, ctx: CallContext) {
  const undoCtx = { operation: ctx.operation };
  let added = false;
  rb.push(`backend ${nameOf(negUrl)}`, async () => {
    if (added && (await isEmpty(api, zoneOf(negUrl), nameOf(negUrl), undoCtx)))
      await editBackendService(
        api,
        bs,
        (read) =>
          read.backends.includes(negUrl)
            ? { backends: asBackends(read.backends.filter((g) => g !== negUrl)) }
            : undefined,
        undoCtx,
      );
  });
  await editBackendService(
    api,
    bs,
    (read) => {
      if (read.backends.includes(negUrl)) return undefined;
      added = true;
      return { backends: asBackends([...read.backends, negUrl]) };
    },
    ctx,
  );
}

/**
 * Adds resolved VMs to the NLB `nlb` whose backend service is `bs`: per zone, its NEG (made and made a
 * backend when new), then attach.
 */
export async function addResolvedVMs(
  api: GcpApi,
  rb: Rollback,
  nlb: string,
  bs: string,
  backends: string[],
  vms: readonly ResolvedVM[],
  marker: Marker,
  ctx: CallContext,
): Promise<void> {
  for (const [zone, inZone] of byZone(vms)) {
    let negUrl = backends.find((g) => zoneOf(g) === zone);
    if (!negUrl) {
      negUrl = await ensureNeg(api, rb, nlb, zone, inZone[0] as ResolvedVM, marker, ctx);
      await addBackend(api, rb, bs, negUrl, ctx);
    }
    await changeEndpoints(api, rb, 'attach', zone, nameOf(negUrl), endpointsOf(inZone), ctx);
  }
}
