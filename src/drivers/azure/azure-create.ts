/**
 * createNLB on Azure, all or nothing. Calls: GET virtual network, LIST network interfaces (when there
 * are VMs), [GET + PUT public IP for PUBLIC; again for its IPv6 one when dual stack], PUT load balancer
 * (frontends, pools, probe and rules in one resource), [GET public IPs]. A failure removes the load
 * balancer and the public IPs it made.
 */
import { randomUUID } from 'node:crypto';
import { Rollback } from '../../common/rollback.js';
import type { ResolvedCreateRequest } from '../../driver-kit/index.js';
import { NLBError, violationsError } from '../../interfaces/errors.js';
import type { NLBInfo } from '../../interfaces/types.js';
import { type CallContext, PART } from './azure-api.js';
import type { AzureDeps } from './azure-context.js';
import {
  addressesOf,
  CREATE_ID_TAG,
  lbTags,
  probeOf,
  publicIpName,
  publicIpName6,
  ruleOf,
} from './azure-convert.js';
import { deleteOwnPublicIp } from './azure-delete.js';
import { isPreconditionFailed } from './azure-errors.js';
import { frontendSubnet, resolveVMs, resolveVnet } from './azure-lookup.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';
import { PART6 } from './azure-parts.js';
import { findManaged, readNLB } from './azure-read.js';

/** Creates the NLB; see the module comment. */
export async function createOnAzure(
  deps: AzureDeps,
  req: ResolvedCreateRequest,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { api, options } = deps;
  const name = req.iid.nameId;
  if (!options.location)
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: AZURE_DRIVER_NAME,
      operation: ctx.operation,
      message: 'options.location (or AZURE_LOCATION) is needed to create a load balancer',
    });
  if (req.type === 'PUBLIC' && req.listener.ip)
    throw violationsError(AZURE_DRIVER_NAME, ctx.operation, [
      {
        path: 'listener.ip',
        message: 'Azure assigns public addresses; request an address for an INTERNAL NLB, or omit it',
        code: 'UNSUPPORTED',
      },
    ]);
  const dual = req.listener.addressFamily === 'DUAL_STACK';
  const vnet = await resolveVnet(api, req.vpcIID, ctx);
  const subnet = req.type === 'INTERNAL' ? frontendSubnet(vnet, ctx.operation, dual) : undefined;
  const vms = await resolveVMs(api, req.vmGroup.vms, vnet.id, ctx, dual);
  const undoCtx = { operation: ctx.operation };
  // Marks what this call makes, so its undo never removes what another process made under the name.
  const createId = randomUUID();
  const tags = {
    ...lbTags(options.managedTagKey, name, { nameId: vnet.name ?? '' }, req.tagList),
    [CREATE_ID_TAG]: createId,
  };

  return new Rollback(AZURE_DRIVER_NAME).run(ctx.operation, async (rb) => {
    // A Standard, static public IP of `version` for the frontend `part`, undone if this call fails.
    const publicFrontend = async (part: string, ipName: string, version: 'IPv4' | 'IPv6') => {
      // PUT creates or *updates*: a public IP of that name that is not this NLB's must not be taken over.
      const existing = await api.getPublicIp(ipName, ctx);
      if (existing && existing.tags?.[options.managedTagKey] !== name)
        throw new NLBError({
          code: 'CONFLICT',
          driver: AZURE_DRIVER_NAME,
          operation: ctx.operation,
          message: `a public IP named '${ipName}' exists and is not this NLB's; remove or rename it`,
        });
      rb.push(`public IP ${ipName}`, () => deleteOwnPublicIp(deps, ipName, createId, undoCtx));
      ctx.progress?.('create-public-ip', `creating public IP '${ipName}' and waiting for Azure to finish`);
      const ip = await api.putPublicIp(
        ipName,
        {
          location: options.location,
          sku: { name: 'Standard', tier: 'Regional' },
          publicIPAllocationMethod: 'Static',
          publicIPAddressVersion: version,
          tags: { [options.managedTagKey]: name, [CREATE_ID_TAG]: createId },
        },
        ctx,
      );
      return { name: part, publicIPAddress: { id: ip.id } };
    };
    const frontends: Record<string, unknown>[] = [];
    if (req.type === 'PUBLIC') {
      frontends.push(await publicFrontend(PART.frontend, publicIpName(name), 'IPv4'));
      if (dual) frontends.push(await publicFrontend(PART6.frontend, publicIpName6(name), 'IPv6'));
    } else {
      frontends.push({
        name: PART.frontend,
        subnet: { id: subnet?.id },
        ...(req.listener.ip
          ? { privateIPAllocationMethod: 'Static', privateIPAddress: req.listener.ip }
          : { privateIPAllocationMethod: 'Dynamic' }),
      });
      // The IPv6 address is Azure's choice from the subnet's IPv6 prefix.
      if (dual)
        frontends.push({
          name: PART6.frontend,
          subnet: { id: subnet?.id },
          privateIPAddressVersion: 'IPv6',
          privateIPAllocationMethod: 'Dynamic',
        });
    }
    const { protocol, port } = req.listener;
    // Registered before the call: one that timed out may still have been applied.
    rb.push(`load balancer ${name}`, async () => {
      const made = await findManaged(deps, { nameId: name }, undoCtx);
      if (made?.tags?.[CREATE_ID_TAG] === createId) await api.deleteLb(name, undoCtx);
    });
    ctx.progress?.(
      'create-load-balancer',
      `creating load balancer '${name}' and waiting for Azure to finish`,
    );
    const lb = await api
      .putLb(
        name,
        {
          location: options.location,
          sku: { name: 'Standard', tier: 'Regional' },
          tags,
          frontendIPConfigurations: frontends,
          backendAddressPools: [
            { name: PART.pool, loadBalancerBackendAddresses: addressesOf(vms, vnet.id) },
            ...(dual
              ? [{ name: PART6.pool, loadBalancerBackendAddresses: addressesOf(vms, vnet.id, true) }]
              : []),
          ],
          probes: [probeOf(req.healthChecker, req.vmGroup.port)],
          loadBalancingRules: [
            ruleOf(api, name, protocol, port, req.vmGroup),
            ...(dual ? [ruleOf(api, name, protocol, port, req.vmGroup, true)] : []),
          ],
        },
        ctx,
        // Never over another's load balancer made since the name was checked.
        { ifNoneMatch: '*' },
      )
      .catch((e: unknown) => {
        if (!isPreconditionFailed(e)) throw e;
        throw new NLBError({
          code: 'ALREADY_EXISTS',
          driver: AZURE_DRIVER_NAME,
          operation: ctx.operation,
          message: `a load balancer named '${name}' was made by someone else meanwhile`,
          cause: e,
        });
      });
    return readNLB(deps, lb, ctx);
  });
}
