/**
 * deleteNLB on Compute Engine: forwarding rule, backend service, network endpoint groups, health
 * check, in the order references allow, each found by the NLB's name and removed only if it carries
 * the NLB's marker. Transient failures are retried; a delete that still fails part way can be run
 * again (`deleteLeftoversOnGcp`).
 */
import { NLBError } from '../../interfaces/errors.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext, GcpApi } from './gcp-api.js';
import { nameOf, negPattern, ownedBy, ruleOwnedBy, v6RuleName, zoneOf } from './gcp-convert.js';
import { ignoreNotFound } from './gcp-members.js';
import { partNames } from './gcp-read.js';

const ATTEMPTS = 3;

/** Runs `step` until it succeeds or fails with an error not worth retrying. */
export async function retried(step: () => Promise<unknown>): Promise<void> {
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
    if (ownedBy(neg, name)) await retried(() => api.deleteNeg(zone, neg.name, ctx));
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

/**
 * deleteNLB of an adopted NLB: its parts keep their own names and carry no marker, so they are found
 * through the references (forwarding rule -> backend service -> its endpoint groups and health
 * check), read before anything is deleted. Once the forwarding rule is gone nothing marks the rest:
 * a delete that fails after it names what is left in its error, for the user to remove.
 */
export async function deleteAdoptedOnGcp(api: GcpApi, current: NLBInfo, ctx: CallContext): Promise<void> {
  const name = current.iid.nameId;
  const parts = partNames(current);
  const bs = await api.getBackendService(parts.backendService, ctx);
  const negs = (bs?.backends ?? []).map((b) => ({ zone: zoneOf(b.group), name: nameOf(b.group) }));
  await retried(async () => {
    if (ruleOwnedBy(await api.getForwardingRule(name, ctx), name)) await api.deleteForwardingRule(name, ctx);
  });
  const left = [
    `backend service '${parts.backendService}'`,
    ...negs.map((n) => `network endpoint group '${n.name}' (${n.zone})`),
    `health check '${parts.healthCheck}'`,
  ];
  try {
    await retried(() => api.deleteBackendService(parts.backendService, ctx));
    left.shift();
    for (const n of negs) {
      await retried(() => api.deleteNeg(n.zone, n.name, ctx));
      left.shift();
    }
    await retried(() => api.deleteHealthCheck(parts.healthCheck, ctx));
  } catch (e) {
    if (!(e instanceof NLBError)) throw e;
    throw new NLBError({
      code: e.code,
      driver: e.driver,
      retryable: e.retryable,
      operation: ctx.operation,
      message: `${e.message.replace(/^\[nlbkit\] \[[^\]]+\] \w+: /, '')}; the adopted NLB's forwarding rule is deleted, left: ${left.join(', ')}`,
      cause: e,
    });
  }
}
