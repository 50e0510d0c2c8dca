/**
 * deleteNLB on Azure: the load balancer first (a public IP in use cannot be deleted), then its public
 * IPs (two for a dual-stack NLB). All tolerate "already gone", so a retried delete finishes the job;
 * public IPs left when the load balancer is already gone are removed by deleteNLB too
 * (`deleteLeftoverIp`).
 */

import { sleep } from '../../common/abort.js';
import { messageOf } from '../../common/error-text.js';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import type { AzureLb, CallContext } from './azure-api.js';
import type { AzureDeps } from './azure-context.js';
import { ADOPTED_TAG, CREATE_ID_TAG, publicIpName, publicIpName6, publicIpsOf } from './azure-convert.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';

const ignoreNotFound = (e: unknown) => {
  if (!isNLBError(e) || e.code !== 'NOT_FOUND') throw e;
};

/**
 * deleteNLB's body: the load balancer (when there is one left), then each public IP, each tried up to
 * three times; a last failure names the address, which a second deleteNLB removes.
 */
export async function deleteOnAzure(
  { api }: AzureDeps,
  lb: AzureLb | undefined,
  leftoverIps: string[],
  ctx: CallContext,
): Promise<void> {
  // An adopted load balancer's public IP was not nlbkit's to make, nor is it nlbkit's to delete.
  const ips = lb ? (lb.tags?.[ADOPTED_TAG] ? [] : publicIpsOf(lb)) : leftoverIps;
  if (lb) {
    ctx.progress?.('delete-load-balancer', `deleting load balancer '${lb.name}'`);
    await api.deleteLb(lb.name, ctx).catch(ignoreNotFound);
  }
  for (const ip of ips) {
    ctx.progress?.('delete-public-ip', `deleting public IP '${ip}'`);
    await deletePublicIp(api, ip, ctx);
  }
}

async function deletePublicIp(api: AzureDeps['api'], ip: string, ctx: CallContext): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await api.deletePublicIp(ip, { operation: ctx.operation }).catch(ignoreNotFound);
      return;
    } catch (e) {
      if (attempt >= 3)
        throw new NLBError({
          code: isNLBError(e) ? e.code : 'PROVIDER_ERROR',
          driver: AZURE_DRIVER_NAME,
          operation: ctx.operation,
          message: `the load balancer is deleted, but its public IP '${ip}' in resource group ${api.rg} is left (deleteNLB again removes it): ${messageOf(e)}`,
          cause: e,
        });
      await sleep(200 * attempt, undefined, AZURE_DRIVER_NAME, ctx.operation);
    }
  }
}

/**
 * For deleteNLB of a name with no load balancer: the NLB's public IPs, left by a delete whose IP delete
 * failed (or that Azure finished in the background after a failed poll), removed; whether there were any.
 */
export async function deleteLeftoverIp(deps: AzureDeps, name: string, ctx: CallContext): Promise<boolean> {
  const left: string[] = [];
  for (const ipName of [publicIpName(name), publicIpName6(name)]) {
    const ip = await deps.api.getPublicIp(ipName, ctx);
    if (ip?.tags?.[deps.options.managedTagKey] === name) left.push(ipName);
  }
  if (left.length === 0) return false;
  await deleteOnAzure(deps, undefined, left, ctx);
  return true;
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
