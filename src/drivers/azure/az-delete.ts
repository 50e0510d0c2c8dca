/**
 * deleteNLB on Azure: the load balancer first (a public IP in use cannot be deleted), then its public
 * IP. Both tolerate "already gone", so a retried or half-done delete finishes the job.
 */
import type { LoadBalancer } from '@azure/arm-network';
import { isNLBError } from '../../interfaces/errors.js';
import type { CallContext } from './az-api.js';
import type { AzureDeps } from './az-context.js';
import { CREATE_ID_TAG, publicIpOf } from './az-convert.js';

const ignoreNotFound = (e: unknown) => {
  if (!isNLBError(e) || e.code !== 'NOT_FOUND') throw e;
};

/** deleteNLB's body. */
export async function deleteOnAzure({ api }: AzureDeps, lb: LoadBalancer, ctx: CallContext): Promise<void> {
  const ip = publicIpOf(lb);
  await api.deleteLb(lb.name as string, ctx).catch(ignoreNotFound);
  if (ip) await api.deletePublicIp(ip, ctx).catch(ignoreNotFound);
}

/** Deletes the public IP `name` if it exists and was made by the create call `createId`. */
export async function deleteOwnPublicIp(
  { api }: AzureDeps,
  name: string,
  createId: string,
  ctx: CallContext,
) {
  const ip = await api.getPublicIp(name, ctx);
  if (ip && ip.tags?.[CREATE_ID_TAG] === createId) await api.deletePublicIp(name, ctx).catch(ignoreNotFound);
}
