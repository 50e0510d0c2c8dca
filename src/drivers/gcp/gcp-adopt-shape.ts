/**
 * What adoptNLB can take over on Compute Engine: a regional passthrough NLB nlbkit can show as one NLB
 * and manage as it manages its own. One forwarding rule (one port, TCP or UDP) to a regional backend
 * service of the same protocol and scheme that no other forwarding rule uses, with one regional
 * TCP/HTTP/HTTPS health check and zonal GCE_VM_IP network endpoint groups as backends, neither shared
 * with another backend service. Anything else is UNSUPPORTED, saying what does not fit.
 */
import { NLBError } from '../../interfaces/errors.js';
import type { BackendService, CallContext, ForwardingRule, HealthCheck } from './gcp-api.js';
import { nameOf } from './gcp-convert.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

const L4 = new Set(['TCP', 'UDP']);
const SCHEMES = new Set(['EXTERNAL', 'INTERNAL']);
const HC_TYPES = new Set(['TCP', 'HTTP', 'HTTPS']);

/** An adoptNLB refusal: UNSUPPORTED unless said otherwise. */
export const refuse = (
  ctx: CallContext,
  message: string,
  code: 'UNSUPPORTED' | 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'ALREADY_EXISTS' = 'UNSUPPORTED',
) => new NLBError({ code, driver: GCP_DRIVER_NAME, operation: ctx.operation, message });

/** The forwarding rule's one listener port, or why it has none nlbkit can show. */
function onePort(fr: ForwardingRule, ctx: CallContext): void {
  const ports = fr.ports ?? [];
  const range = fr.portRange?.split('-') ?? [];
  if (fr.allPorts) throw refuse(ctx, 'its forwarding rule takes all ports; an nlbkit NLB has one listener');
  const single = ports.length === 1 || (ports.length === 0 && range.length > 0 && range[0] === range.at(-1));
  if (!single)
    throw refuse(
      ctx,
      `its forwarding rule listens on ${ports.length > 0 ? `${ports.length} ports (${ports.join(', ')})` : `ports ${fr.portRange ?? 'none'}`}; an nlbkit NLB has one listener port`,
    );
}

/** Checks the forwarding rule and that no other rule shares its backend service. */
export function checkRule(fr: ForwardingRule, all: ForwardingRule[], ctx: CallContext): string {
  const bsUrl = fr.backendService ?? '';
  if (!bsUrl.includes('/regions/') || !bsUrl.includes('/backendServices/'))
    throw refuse(
      ctx,
      `its forwarding rule sends to ${fr.target ? `target '${nameOf(fr.target)}'` : 'no backend service'}; nlbkit manages backend-service NLBs (not target pools or instances)`,
    );
  if (!SCHEMES.has(fr.loadBalancingScheme ?? ''))
    throw refuse(ctx, `its load-balancing scheme ${fr.loadBalancingScheme} is not EXTERNAL or INTERNAL`);
  if (!L4.has(fr.IPProtocol ?? ''))
    throw refuse(ctx, `its listener protocol ${fr.IPProtocol} is not TCP or UDP`);
  onePort(fr, ctx);
  const others = all.filter((o) => o.name !== fr.name && nameOf(o.backendService) === nameOf(bsUrl));
  if (others.length > 0)
    throw refuse(
      ctx,
      `its backend service also serves forwarding rule ${others.map((o) => `'${o.name}'`).join(', ')} (another listener); an nlbkit NLB has one listener`,
    );
  return nameOf(bsUrl);
}

/** Checks the backend service and that its health check and groups serve no other backend service. */
export function checkBackendService(
  bs: BackendService,
  fr: ForwardingRule,
  all: BackendService[],
  ctx: CallContext,
): string {
  if (bs.protocol !== fr.IPProtocol)
    throw refuse(ctx, `its backend service's protocol (${bs.protocol}) differs from the listener's`);
  const groups = (bs.backends ?? []).map((b) => b.group ?? '');
  const instanceGroups = groups.filter((g) => g.includes('/instanceGroups/'));
  if (instanceGroups.length > 0)
    throw refuse(
      ctx,
      `its backends are instance groups (${instanceGroups.map(nameOf).join(', ')}); nlbkit serves VMs through zonal GCE_VM_IP network endpoint groups (a VM may be in only one load-balanced instance group): move the VMs to GCE_VM_IP network endpoint groups, then adopt`,
    );
  if (groups.some((g) => !g.includes('/zones/') || !g.includes('/networkEndpointGroups/')))
    throw refuse(ctx, 'its backends are not zonal GCE_VM_IP network endpoint groups');
  const checks = bs.healthChecks ?? [];
  const hcUrl = checks[0] ?? '';
  if (checks.length !== 1 || !hcUrl.includes('/regions/'))
    throw refuse(ctx, 'its backend service has no regional health check (nlbkit manages regional ones)');
  for (const other of all) {
    if (other.name === bs.name) continue;
    if ((other.healthChecks ?? []).includes(hcUrl))
      throw refuse(ctx, `its health check '${nameOf(hcUrl)}' also serves backend service '${other.name}'`);
    const shared = (other.backends ?? []).find((b) => groups.includes(b.group ?? ''));
    if (shared)
      throw refuse(
        ctx,
        `its network endpoint group '${nameOf(shared.group)}' also serves backend service '${other.name}'`,
      );
  }
  return nameOf(hcUrl);
}

/** Checks the health check is one nlbkit can show and change. */
export function checkHealthCheck(hc: HealthCheck | undefined, ctx: CallContext): void {
  if (!hc) throw refuse(ctx, 'its health check cannot be read');
  if (!HC_TYPES.has(hc.type ?? ''))
    throw refuse(ctx, `its health check is ${hc.type}; nlbkit shows TCP, HTTP and HTTPS checks`);
}
