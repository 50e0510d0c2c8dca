/**
 * Reading NLBs: forwarding rules of the region that carry nlbkit's marker for their own name, and what
 * they point to: backend service, health check, and the VMs in its network endpoint groups.
 */
import { mapLimited } from '../../common/map-limited.js';
import { readWith } from '../../common/read-with.js';
import type { IID, NLBInfo } from '../../interfaces/types.js';
import type { BackendService, CallContext, ForwardingRule, GcpApi, HealthCheck } from './gcp-api.js';
import { nameOf, ownedBy, ruleMarker, ruleOwnedBy, toNLBInfo, v6RuleName, zoneOf } from './gcp-convert.js';

/** nlbkit's forwarding rules (one per NLB, made or adopted), by name. */
export async function listManaged(api: GcpApi, ctx: CallContext) {
  return (await api.listForwardingRules(ctx))
    .filter((fr) => ruleOwnedBy(fr, fr.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The forwarding rule of the NLB `iid` names (one GET), if it is nlbkit's. */
export async function findManaged(api: GcpApi, iid: IID, ctx: CallContext) {
  const fr = await api.getForwardingRule(iid.nameId, ctx);
  if (!fr || !ruleOwnedBy(fr, iid.nameId)) return undefined;
  if (iid.systemId && String(fr.id) !== iid.systemId) return undefined;
  return fr;
}

/** A backend of the NLB: its network endpoint group and the VMs in it. */
export interface Member {
  zone: string;
  neg: string;
  vms: string[];
}

/** The VMs in each of the backend service's network endpoint groups (one call per zone). */
export async function readMembers(
  api: GcpApi,
  bs: BackendService | undefined,
  ctx: CallContext,
): Promise<Member[]> {
  return mapLimited(bs?.backends ?? [], 4, async (b) => {
    const zone = zoneOf(b.group);
    const neg = nameOf(b.group);
    const endpoints = (await api.endpoints(zone, neg, ctx)) ?? [];
    return { zone, neg, vms: endpoints.map((e) => nameOf(e.instance)) };
  });
}

/** Backend services and health checks read ahead, by name (listNLB: two lists instead of two GETs per NLB). */
export interface ReadAhead {
  backendServices: Map<string, BackendService>;
  healthChecks: Map<string, HealthCheck>;
}

/** The region's backend services and health checks, by name. */
export async function readAhead(api: GcpApi, ctx: CallContext): Promise<ReadAhead> {
  const [bss, hcs] = await Promise.all([api.listBackendServices(ctx), api.listHealthChecks(ctx)]);
  return {
    backendServices: new Map(bss.map((bs) => [bs.name ?? '', bs])),
    healthChecks: new Map(hcs.map((hc) => [hc.name ?? '', hc])),
  };
}

/** The backend service each NLBInfo was read with: health asks it for its endpoint groups. */
export const backendServiceRead = readWith<BackendService | undefined>();

/** The NLB as getNLB returns it; with `ahead`, its backend service and health check come from there. */
export async function readNLB(
  api: GcpApi,
  fr: ForwardingRule,
  ctx: CallContext,
  ahead?: ReadAhead,
): Promise<NLBInfo> {
  // A part missing from the read-ahead (made after its list was taken) is read on its own.
  const bsName = nameOf(fr.backendService);
  const bs = ahead?.backendServices.get(bsName) ?? (await api.getBackendService(bsName, ctx));
  const hcName = nameOf(bs?.healthChecks?.[0]);
  const marker = ruleMarker(fr);
  const [hc, members, v6] = await Promise.all([
    hcName ? (ahead?.healthChecks.get(hcName) ?? api.getHealthCheck(hcName, ctx)) : undefined,
    readMembers(api, bs, ctx),
    // A DUAL_STACK NLB's IPv6 address is its second forwarding rule's.
    marker?.af === 'DUAL_STACK' ? api.getForwardingRule(v6RuleName(fr.name ?? ''), ctx) : undefined,
  ]);
  const vms = members.flatMap((m) => m.vms.map((nameId) => ({ nameId })));
  const own = v6 && ownedBy(v6, fr.name ?? '') ? v6 : undefined;
  const nlb = toNLBInfo(fr, bs, hc, vms, api.networkUrl(marker?.vpc ?? 'default'), own);
  return backendServiceRead.keep(nlb, bs);
}

/**
 * The names of the NLB's backend service and health check. nlbkit names both as the NLB; an adopted
 * NLB's keep the names they had, read from the NLB.
 */
export function partNames(nlb: NLBInfo): { backendService: string; healthCheck: string } {
  const name = nlb.iid.nameId;
  const hc = nlb.keyValueList?.find((kv) => kv.key === 'healthCheck')?.value;
  return { backendService: nameOf(nlb.vmGroup.cspId) || name, healthCheck: nameOf(hc) || name };
}

/** Whether adoptNLB brought the NLB under management (its parts are not named as the NLB). */
export const isAdopted = (nlb: NLBInfo) =>
  nlb.keyValueList?.some((kv) => kv.key === 'adopted' && kv.value === 'true') ?? false;
