/**
 * deleteNLB on Compute Engine: forwarding rule, backend service, network endpoint groups, health
 * check, in the order references allow, each found by the NLB's name and removed only if it carries
 * the NLB's marker. Transient failures are retried; a delete that still fails part way can be run
 * again (`deleteLeftoversOnGcp`).
 */
import { NLBError } from '../../interfaces/errors.js';
import type { CallContext, GcpApi } from './gcp-api.js';
import { negPattern, ownedBy, v6RuleName } from './gcp-convert.js';
import { ignoreNotFound } from './gcp-members.js';

const ATTEMPTS = 3;

/** Runs `step` until it succeeds or fails with an error not worth retrying. */
async function retried(step: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ignoreNotFound(step());
      return;
    } catch (e) {
      if (!(e instanceof NLBError && e.retryable) || attempt >= ATTEMPTS) throw e;
    }
  }
}

/** Deletes every part of the NLB `name` that exists. */
export async function deleteOnGcp(api: GcpApi, name: string, ctx: CallContext): Promise<void> {
  ctx.progress?.(
    'delete-parts',
    `deleting the forwarding rules, backend service, endpoint groups and health check of '${name}'`,
  );
  // A DUAL_STACK NLB's IPv6 rule first: it points at the backend service too.
  await retried(async () => {
    const v6 = v6RuleName(name);
    if (ownedBy(await api.getForwardingRule(v6, ctx), name)) await api.deleteForwardingRule(v6, ctx);
  });
  await retried(async () => {
    if (ownedBy(await api.getForwardingRule(name, ctx), name)) await api.deleteForwardingRule(name, ctx);
  });
  await retried(async () => {
    if (ownedBy(await api.getBackendService(name, ctx), name)) await api.deleteBackendService(name, ctx);
  });
  let negs: Awaited<ReturnType<GcpApi['findNegs']>> = [];
  await retried(async () => {
    negs = await api.findNegs(negPattern(name), ctx);
  });
  for (const { zone, neg } of negs)
    if (ownedBy(neg, name)) await retried(() => api.deleteNeg(zone, neg.name as string, ctx));
  await retried(async () => {
    if (ownedBy(await api.getHealthCheck(name, ctx), name)) await api.deleteHealthCheck(name, ctx);
  });
}

/**
 * For deleteNLB of a name with no forwarding rule: the NLB's other parts a create or delete that
 * failed part way left, removed; whether there were any.
 */
export async function deleteLeftoversOnGcp(api: GcpApi, name: string, ctx: CallContext): Promise<boolean> {
  const [bs, hc, negs, v6] = await Promise.all([
    api.getBackendService(name, ctx),
    api.getHealthCheck(name, ctx),
    api.findNegs(negPattern(name), ctx),
    api.getForwardingRule(v6RuleName(name), ctx),
  ]);
  const parts = [bs, hc, v6, ...negs.map(({ neg }) => neg)];
  if (!parts.some((p) => ownedBy(p, name))) return false;
  await deleteOnGcp(api, name, ctx);
  return true;
}
