/**
 * createNLB on Compute Engine, all or nothing. Calls (each mutation waited for): aggregated instance
 * list (per 50 VMs), insert health check, per zone with VMs [insert network endpoint group, attach
 * endpoints], insert backend service, insert forwarding rule, then the reads of getNLB. A failure
 * removes, newest first, what this call made (found by its create id, never by name alone).
 */
import { randomUUID } from 'node:crypto';
import { Rollback } from '../../common/rollback.js';
import type { ResolvedCreateRequest } from '../../driver-kit/index.js';
import { NLBError, violationsError } from '../../interfaces/errors.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext, GcpApi } from './gcp-api.js';
import {
  backendServiceOf,
  describe,
  healthCheckOf,
  MAX_DESCRIPTION,
  type Marker,
  markerOf,
  nameOf,
  v6RuleName,
} from './gcp-convert.js';
import { byZone, resolveVMs } from './gcp-lookup.js';
import { changeEndpoints, endpointsOf, ensureNeg, ignoreNotFound } from './gcp-members.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';
import type { ResolvedGcpOptions } from './gcp-options.js';
import { readNLB } from './gcp-read.js';

/** A create that lost the race for its name to another process. */
const takenMeanwhile = (name: string, what: string, operation: string, cause: unknown) =>
  new NLBError({
    code: 'ALREADY_EXISTS',
    driver: GCP_DRIVER_NAME,
    operation,
    message: `a ${what} named '${name}' exists: another create of this NLB is under way, or a part left by an earlier one (deleteNLB '${name}' removes it)`,
    cause,
  });

/** Creates the NLB; see the module comment. */
export async function createOnGcp(
  api: GcpApi,
  options: ResolvedGcpOptions,
  req: ResolvedCreateRequest,
  ctx: CallContext,
): Promise<NLBInfo> {
  const name = req.iid.nameId;
  const network = req.vpcIID.nameId;
  const createId = randomUUID();
  const marker: Marker = { nlb: name, createId };
  const family = req.listener.addressFamily ?? 'IPV4';
  const frDescription = describe({
    ...marker,
    vpc: network,
    tags: req.tagList,
    ...(family === 'IPV4' ? {} : { af: family }),
  });
  if (frDescription.length > MAX_DESCRIPTION)
    throw violationsError(GCP_DRIVER_NAME, ctx.operation, [
      {
        path: 'tagList',
        message: `the tags take ${frDescription.length} of the ${MAX_DESCRIPTION} characters GCP keeps in a description`,
        code: 'UNSUPPORTED',
      },
    ]);
  const vms = await resolveVMs(api, req.vmGroup.vms, network, ctx);
  const scheme = req.type === 'INTERNAL' ? 'INTERNAL' : 'EXTERNAL';
  const subnetwork = options.subnetwork
    ? api.regionUrl('subnetworks', options.subnetwork)
    : vms[0]?.subnetwork;
  if (scheme === 'INTERNAL' && !subnetwork)
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: GCP_DRIVER_NAME,
      operation: ctx.operation,
      message: 'an INTERNAL NLB takes its address from a subnetwork: give it a VM, or set options.subnetwork',
    });
  if (family !== 'IPV4' && !subnetwork)
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: GCP_DRIVER_NAME,
      operation: ctx.operation,
      message: `an ${family} NLB takes its IPv6 address from a dual-stack subnetwork: give it a VM, or set options.subnetwork`,
    });
  const v6ip = req.listener.ip?.includes(':') ? req.listener.ip : undefined;
  const v4ip = v6ip ? undefined : req.listener.ip;
  // The rule for `ipVersion`: IPv6 rules always name their subnetwork (its IPv6 range gives the address).
  const rule = (
    ruleName: string,
    ipVersion: 'IPV4' | 'IPV6',
    ip: string | undefined,
    description: string,
  ) => ({
    name: ruleName,
    description,
    IPProtocol: req.listener.protocol,
    ports: [String(req.listener.port)],
    backendService: api.regionUrl('backendServices', name),
    loadBalancingScheme: scheme,
    ...(ip ? { IPAddress: ip } : {}),
    ...(ipVersion === 'IPV6' ? { ipVersion, subnetwork } : {}),
    ...(scheme === 'INTERNAL'
      ? { network: api.networkUrl(network), subnetwork }
      : { networkTier: 'PREMIUM' }),
  });
  const undoCtx = { operation: ctx.operation };
  const removeIfMine = async (
    get: () => Promise<{ description?: string | null } | undefined>,
    del: () => Promise<void>,
  ) => {
    if (markerOf((await get())?.description)?.createId === createId) await ignoreNotFound(del());
  };

  return new Rollback(GCP_DRIVER_NAME).run(ctx.operation, async (rb) => {
    // Registered before each call: one whose answer was lost may still have been applied.
    rb.push(`health check ${name}`, () =>
      removeIfMine(
        () => api.getHealthCheck(name, undoCtx),
        () => api.deleteHealthCheck(name, undoCtx),
      ),
    );
    ctx.progress?.('create-health-check', `creating health check '${name}' and waiting for it`);
    await api
      .insertHealthCheck(healthCheckOf(name, req.healthChecker, req.vmGroup.port, marker), ctx)
      .catch((e) => {
        throw e instanceof NLBError && e.code === 'ALREADY_EXISTS'
          ? takenMeanwhile(name, 'health check', ctx.operation, e)
          : e;
      });
    const negUrls: string[] = [];
    for (const [zone, inZone] of byZone(vms)) {
      const url = await ensureNeg(api, rb, name, zone, inZone[0] as (typeof inZone)[number], marker, ctx);
      await changeEndpoints(api, rb, 'attach', zone, nameOf(url), endpointsOf(inZone), ctx);
      negUrls.push(url);
    }
    rb.push(`backend service ${name}`, () =>
      removeIfMine(
        () => api.getBackendService(name, undoCtx),
        () => api.deleteBackendService(name, undoCtx),
      ),
    );
    ctx.progress?.('create-backend-service', `creating backend service '${name}' and waiting for it`);
    await api.insertBackendService(
      backendServiceOf(
        name,
        scheme,
        req.vmGroup,
        api.regionUrl('healthChecks', name),
        negUrls,
        api.networkUrl(network),
        marker,
      ),
      ctx,
    );
    if (family === 'DUAL_STACK') {
      // The IPv6 rule first: the NLB shows (by its main rule) only once it is whole.
      const v6 = v6RuleName(name);
      rb.push(`forwarding rule ${v6}`, () =>
        removeIfMine(
          () => api.getForwardingRule(v6, undoCtx),
          () => api.deleteForwardingRule(v6, undoCtx),
        ),
      );
      await api.insertForwardingRule(rule(v6, 'IPV6', v6ip, describe(marker)), ctx).catch((e) => {
        throw e instanceof NLBError && e.code === 'ALREADY_EXISTS'
          ? takenMeanwhile(v6, 'forwarding rule', ctx.operation, e)
          : e;
      });
    }
    rb.push(`forwarding rule ${name}`, () =>
      removeIfMine(
        () => api.getForwardingRule(name, undoCtx),
        () => api.deleteForwardingRule(name, undoCtx),
      ),
    );
    ctx.progress?.('create-forwarding-rule', `creating forwarding rule '${name}' and waiting for it`);
    const main =
      family === 'IPV6' ? rule(name, 'IPV6', v6ip, frDescription) : rule(name, 'IPV4', v4ip, frDescription);
    await api.insertForwardingRule(main, ctx).catch((e) => {
      throw e instanceof NLBError && e.code === 'ALREADY_EXISTS'
        ? takenMeanwhile(name, 'forwarding rule', ctx.operation, e)
        : e;
    });
    const fr = await api.getForwardingRule(name, ctx);
    if (!fr || markerOf(fr.description)?.createId !== createId)
      throw takenMeanwhile(name, 'forwarding rule', ctx.operation, undefined);
    return readNLB(api, fr, ctx);
  });
}
