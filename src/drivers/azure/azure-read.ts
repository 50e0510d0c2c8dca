/** Reading NLBs: the resource group's load balancers carrying nlbkit's tag, with their public IPs. */
import type { LoadBalancer, PublicIPAddress } from '@azure/arm-network';
import { readWith } from '../../common/read-with.js';
import type { IID, NLBInfo } from '../../interfaces/types.js';
import type { AzureLb, CallContext } from './azure-api.js';
import type { AzureDeps } from './azure-context.js';
import { publicIpsOf, toNLBInfo } from './azure-convert.js';

/** Is this load balancer nlbkit's (tagged with its own name)? */
export const isManaged = (lb: LoadBalancer, key: string) => !!lb.name && lb.tags?.[key] === lb.name;

/** nlbkit's load balancers, by name. */
export async function listManaged({ api, options }: AzureDeps, ctx: CallContext): Promise<AzureLb[]> {
  return (await api.listLbs(ctx))
    .filter((lb) => isManaged(lb, options.managedTagKey))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The managed load balancer `iid` names (one GET). */
export async function findManaged({ api, options }: AzureDeps, iid: IID, ctx: CallContext) {
  const lb = await api.getLb(iid.nameId, ctx);
  if (!lb || !isManaged(lb, options.managedTagKey)) return undefined;
  if (iid.systemId && lb.id.toLowerCase() !== iid.systemId.toLowerCase()) return undefined;
  return lb;
}

/** The load balancer each NLBInfo was read from: health maps backend names to addresses with it. */
export const lbRead = readWith<LoadBalancer>();

/** The NLB as getNLB returns it. */
export async function readNLB(deps: AzureDeps, lb: LoadBalancer, ctx: CallContext): Promise<NLBInfo> {
  const ips: PublicIPAddress[] = [];
  for (const name of publicIpsOf(lb)) {
    const ip = await deps.api.getPublicIp(name, ctx);
    if (ip) ips.push(ip);
  }
  return lbRead.keep(toNLBInfo(deps.api, lb, deps.options.managedTagKey, ips), lb);
}
