/**
 * adoptNLB / releaseNLB on Compute Engine. An NLB is its forwarding rule; nlbkit's own carry a marker
 * in their description, which Compute Engine never lets change after insert, so an adopted one is
 * marked by labels instead (`nlbkit-nlb` = its name, `nlbkit-vpc` = its network; setLabels with the
 * label fingerprint read). That one call is the whole adoption: the backend service, health check and
 * endpoint groups keep their names, descriptions and everything else, and are found through the
 * forwarding rule. Releasing removes the two labels and deletes nothing; each undoes itself on failure.
 */
import { Rollback } from '../../common/rollback.js';
import type { NLBInfo } from '../../interfaces/types.js';
import { checkBackendService, checkHealthCheck, checkRule, refuse } from './gcp-adopt-shape.js';
import type { CallContext, ForwardingRule, GcpApi } from './gcp-api.js';
import { ADOPTED_LABEL, ADOPTED_VPC_LABEL, markerOf, nameOf, ruleMarker, zoneOf } from './gcp-convert.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';
import { readNLB } from './gcp-read.js';

const OURS = [ADOPTED_LABEL, ADOPTED_VPC_LABEL];

/** The rule's labels without nlbkit's. */
const without = (labels: ForwardingRule['labels']): Record<string, string> =>
  Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !OURS.includes(k)));

/** The network the NLB's VMs are on: the rule's or backend service's, else its first endpoint group's. */
async function networkOf(api: GcpApi, fr: ForwardingRule, groups: string[], ctx: CallContext) {
  const named = nameOf(fr.network);
  if (named) return named;
  const first = groups[0];
  const neg = first ? await api.getNeg(zoneOf(first), nameOf(first), ctx) : undefined;
  return nameOf(neg?.network) || 'default';
}

/** Labels the forwarding rule `systemId` (its numeric id) as the NLB `name`; see the module comment. */
export async function adoptOnGcp(
  api: GcpApi,
  systemId: string,
  name: string,
  ctx: CallContext,
): Promise<NLBInfo> {
  const rules = await api.listForwardingRules(ctx);
  const fr = rules.find((r) => String(r.id) === systemId || r.selfLink === systemId);
  if (!fr) throw refuse(ctx, `no forwarding rule with id ${systemId} in region ${api.region}`, 'NOT_FOUND');
  if (fr.name !== name)
    throw refuse(ctx, `on GCP an NLB is named as its forwarding rule: '${fr.name}'`, 'INVALID_ARGUMENT');
  const made = ruleMarker(fr);
  if (made)
    throw refuse(
      ctx,
      `forwarding rule '${fr.name}' is nlbkit's already (NLB '${made.nlb}')`,
      'ALREADY_EXISTS',
    );
  const bsName = checkRule(fr, rules, ctx);
  const [bs, services] = await Promise.all([
    api.getBackendService(bsName, ctx),
    api.listBackendServices(ctx),
  ]);
  if (!bs) throw refuse(ctx, `its backend service '${bsName}' cannot be read`);
  const hcName = checkBackendService(bs, fr, services, ctx);
  checkHealthCheck(await api.getHealthCheck(hcName, ctx), ctx);
  const groups = (bs.backends ?? []).map((b) => b.group ?? '');
  const vpc = nameOf(bs.network) || (await networkOf(api, fr, groups, ctx));
  const labels = { ...without(fr.labels), [ADOPTED_LABEL]: name, [ADOPTED_VPC_LABEL]: vpc };
  const undo: CallContext = { operation: ctx.operation };
  return new Rollback(GCP_DRIVER_NAME).run(ctx.operation, async (rb) => {
    // Read before removing: the labels may never have been set (an answer lost, or refused).
    rb.push(`the labels of forwarding rule '${name}'`, async () => {
      const now = await api.getForwardingRule(name, undo);
      if (now?.labels?.[ADOPTED_LABEL] !== undefined)
        await api.setForwardingRuleLabels(name, without(now.labels), now.labelFingerprint, undo);
    });
    await api.setForwardingRuleLabels(name, labels, fr.labelFingerprint, ctx);
    const labelled = await api.getForwardingRule(name, ctx);
    if (!labelled) throw refuse(ctx, `forwarding rule '${name}' vanished during adoptNLB`, 'NOT_FOUND');
    return readNLB(api, labelled, ctx);
  });
}

/** Removes nlbkit's labels from an adopted NLB's forwarding rule; an NLB nlbkit made cannot be released. */
export async function releaseOnGcp(api: GcpApi, current: NLBInfo, ctx: CallContext): Promise<void> {
  const name = current.iid.nameId;
  const fr = await api.getForwardingRule(name, ctx);
  if (markerOf(fr?.description))
    throw refuse(
      ctx,
      `nlbkit made '${name}' (its forwarding rule's description, which Compute Engine never lets change, marks it); only an adopted NLB can be released: deleteNLB removes this one`,
    );
  if (!fr || fr.labels?.[ADOPTED_LABEL] !== name) throw refuse(ctx, `no NLB named '${name}'`, 'NOT_FOUND');
  const undo: CallContext = { operation: ctx.operation };
  await new Rollback(GCP_DRIVER_NAME).run(ctx.operation, async (rb) => {
    rb.push(`the labels of forwarding rule '${name}'`, async () => {
      const now = await api.getForwardingRule(name, undo);
      if (now && now.labels?.[ADOPTED_LABEL] === undefined)
        await api.setForwardingRuleLabels(name, { ...now.labels, ...fr.labels }, now.labelFingerprint, undo);
    });
    await api.setForwardingRuleLabels(name, without(fr.labels), fr.labelFingerprint, ctx);
  });
}
