/**
 * Reads: which load balancers are nlbkit's (those whose managed tag holds their own name), and the
 * parts that make up each NLB. A load balancer without the tag is invisible to the driver; adding the
 * tag to an existing network load balancer is how a user hands it to nlbkit.
 */
import type { Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { NLBError } from '../../interfaces/errors.js';
import type { IID, NLBInfo } from '../../interfaces/types.js';
import type {
  CheckedLoadBalancer as LoadBalancer,
  CheckedTargetGroup as TargetGroup,
} from './aws-answers.js';
import type { AwsApi, CallContext } from './aws-api.js';
import { forwardTargetGroupArn, type LbParts, toNLBInfo } from './aws-convert.js';
import { readDrain } from './aws-drain.js';
import { mapTargetState } from './aws-health.js';
import { instanceNames } from './aws-lookup.js';
import { CREATE_ID_TAG_KEY } from './aws-options.js';

/** DescribeTags takes at most 20 ARNs per call. */
const TAG_BATCH = 20;

/** Resolves to undefined when the call fails with NOT_FOUND. */
async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if ((e as NLBError).code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

/** Tags of many resources, 20 per call. */
export async function tagsOf(api: AwsApi, arns: string[], ctx: CallContext): Promise<Map<string, Tag[]>> {
  const out = new Map<string, Tag[]>();
  for (let i = 0; i < arns.length; i += TAG_BATCH) {
    const res = await api.elb('DescribeTags', { ResourceArns: arns.slice(i, i + TAG_BATCH) }, ctx);
    for (const d of res.TagDescriptions ?? []) if (d.ResourceArn) out.set(d.ResourceArn, d.Tags ?? []);
  }
  return out;
}

const isManaged = (tags: Tag[] | undefined, key: string, name: string | undefined) =>
  !!tags?.some((t) => t.Key === key && t.Value === name);

/** Whether a resource's tags say the create call `createId` made it. */
export const madeBy = (tags: Tag[] | undefined, createId: string) =>
  !!tags?.some((t) => t.Key === CREATE_ID_TAG_KEY && t.Value === createId);

/** Any load balancer with this name, managed or not (names are unique per account and region). */
export async function lbByName(
  api: AwsApi,
  name: string,
  ctx: CallContext,
): Promise<LoadBalancer | undefined> {
  const res = await orUndefined(api.elb('DescribeLoadBalancers', { Names: [name] }, ctx));
  return res?.LoadBalancers?.[0];
}

/** The managed network load balancer named `iid.nameId` (and with ARN `iid.systemId`, when given), with its tags. */
export async function findManagedLb(
  api: AwsApi,
  managedTagKey: string,
  iid: IID,
  ctx: CallContext,
): Promise<{ lb: LoadBalancer; tags: Tag[] } | undefined> {
  const lb = await lbByName(api, iid.nameId, ctx);
  if (!lb?.LoadBalancerArn || lb.Type !== 'network') return undefined;
  if (iid.systemId !== undefined && iid.systemId !== lb.LoadBalancerArn) return undefined;
  const tags = (await tagsOf(api, [lb.LoadBalancerArn], ctx)).get(lb.LoadBalancerArn);
  return isManaged(tags, managedTagKey, lb.LoadBalancerName) ? { lb, tags: tags ?? [] } : undefined;
}

/** Every managed network load balancer, with its tags. */
export async function listManagedLbs(
  api: AwsApi,
  managedTagKey: string,
  ctx: CallContext,
): Promise<{ lb: LoadBalancer; tags: Tag[] }[]> {
  const lbs: LoadBalancer[] = [];
  let marker: string | undefined;
  do {
    const res = await api.elb('DescribeLoadBalancers', marker ? { Marker: marker } : {}, ctx);
    lbs.push(...(res.LoadBalancers ?? []).filter((lb) => lb.Type === 'network'));
    marker = res.NextMarker;
  } while (marker);
  const tags = await tagsOf(
    api,
    lbs.map((lb) => lb.LoadBalancerArn),
    ctx,
  );
  return lbs
    .map((lb) => ({ lb, tags: tags.get(lb.LoadBalancerArn) ?? [] }))
    .filter(({ lb, tags }) => isManaged(tags, managedTagKey, lb.LoadBalancerName))
    .sort((a, b) => ((a.lb.LoadBalancerName ?? '') < (b.lb.LoadBalancerName ?? '') ? -1 : 1));
}

/** The member targets of a target group (draining ones left out), as instance ids. */
export async function memberTargets(api: AwsApi, tgArn: string, ctx: CallContext) {
  const res = await api.elb('DescribeTargetHealth', { TargetGroupArn: tgArn }, ctx);
  return (res.TargetHealthDescriptions ?? []).filter(
    (d) => d.Target?.Id && mapTargetState(d.TargetHealth?.State, d.TargetHealth?.Reason).member,
  );
}

type TargetRows = Awaited<ReturnType<typeof memberTargets>>;

/**
 * The DescribeTargetHealth rows `readNLB` read for the NLBInfo it returned. The guarded handler hands
 * that very object to `health` moments later, under the NLB's lock, so health polling reuses them
 * instead of asking AWS a second time.
 */
const rowsRead = new WeakMap<NLBInfo, TargetRows>();

/** The target rows read with `nlb`, or undefined when it was not built by `readNLB`. */
export const targetRowsReadWith = (nlb: NLBInfo): TargetRows | undefined => rowsRead.get(nlb);

/** Reads the listener, target group and members of a load balancer and builds its NLBInfo. */
export async function readNLB(
  api: AwsApi,
  managedTagKey: string,
  found: { lb: LoadBalancer; tags: Tag[] },
  ctx: CallContext,
): Promise<NLBInfo> {
  const parts: LbParts = { ...found, vms: [] };
  let rows: TargetRows = [];
  const lbArn = found.lb.LoadBalancerArn;
  const listeners = await orUndefined(api.elb('DescribeListeners', { LoadBalancerArn: lbArn }, ctx));
  parts.listener = listeners?.Listeners?.[0];
  const tgArn = forwardTargetGroupArn(parts.listener);
  if (tgArn) {
    const tgs = await orUndefined(api.elb('DescribeTargetGroups', { TargetGroupArns: [tgArn] }, ctx));
    parts.targetGroup = tgs?.TargetGroups?.[0];
  }
  if (parts.targetGroup) {
    parts.drainTimeoutSec = await readDrain(api, tgArn as string, ctx);
    rows = await memberTargets(api, tgArn as string, ctx);
    const ids = rows.map((t) => t.Target?.Id as string);
    const names = await instanceNames(api, ids, ctx);
    parts.vms = ids.map((id) => ({ nameId: names.get(id) ?? id, systemId: id }));
  }
  const nlb = toNLBInfo(parts, managedTagKey);
  rowsRead.set(nlb, rows);
  return nlb;
}

/**
 * Target groups tagged as belonging to the NLB `name` in `vpcId`, whether or not a listener uses
 * them: what a create or group change left behind if its own clean-up was cut short. With `createId`,
 * only those that create call made.
 */
export async function managedTargetGroups(
  api: AwsApi,
  managedTagKey: string,
  name: string,
  vpcId: string | undefined,
  ctx: CallContext,
  createId?: string,
): Promise<TargetGroup[]> {
  const tgs: TargetGroup[] = [];
  let marker: string | undefined;
  do {
    const res = await api.elb('DescribeTargetGroups', marker ? { Marker: marker } : {}, ctx);
    tgs.push(...(res.TargetGroups ?? []).filter((tg) => !vpcId || tg.VpcId === vpcId));
    marker = res.NextMarker;
  } while (marker);
  const tags = await tagsOf(
    api,
    tgs.map((tg) => tg.TargetGroupArn),
    ctx,
  );
  return tgs.filter((tg) => {
    const t = tags.get(tg.TargetGroupArn);
    return isManaged(t, managedTagKey, name) && (!createId || madeBy(t, createId));
  });
}
