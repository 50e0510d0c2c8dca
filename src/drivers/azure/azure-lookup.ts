/**
 * Finding what a request names: the VNet (nlbkit's VPC), its subnet for an INTERNAL frontend, and each
 * VM's own private address in that VNet, read from the VM's NIC (`virtualMachine.id`), never matched by
 * IP across the region (a known bug elsewhere that listed every VM of the region as a member).
 */
import type { Subnet, VirtualNetwork } from '@azure/arm-network';
import { NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import type { ValidVMMember } from '../../interfaces/schemas.js';
import type { IID } from '../../interfaces/types.js';
import type { AzureApi, CallContext } from './azure-api.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';

const fail = (operation: string, code: NLBErrorCode, message: string) =>
  new NLBError({ code, driver: AZURE_DRIVER_NAME, operation, message, retryable: false });

/** The last segment of a resource id (its name). */
export const nameOf = (id: string | undefined) => id?.split('/').at(-1) ?? '';

/** The VNet `iid` names (by name, or by a resource id as systemId), with its subnets. */
export async function resolveVnet(
  api: AzureApi,
  iid: IID,
  ctx: CallContext,
): Promise<VirtualNetwork & { id: string; name: string }> {
  const name = iid.systemId ? nameOf(iid.systemId) : iid.nameId;
  const vnet = await api.getVnet(name, ctx);
  if (!vnet)
    throw fail(
      ctx.operation,
      'NOT_FOUND',
      `vpcIID: virtual network '${name}' is not in resource group ${api.rg}`,
    );
  if (iid.systemId && vnet.id.toLowerCase() !== iid.systemId.toLowerCase())
    throw fail(ctx.operation, 'NOT_FOUND', `vpcIID: ${iid.systemId} is not in resource group ${api.rg}`);
  return vnet;
}

/** Whether a subnet has an IPv6 prefix (a dual-stack one lists both in `addressPrefixes`). */
export const isDualStack = (s: Subnet) =>
  [s.addressPrefix, ...(s.addressPrefixes ?? [])].some((p) => p?.includes(':'));

/**
 * The subnet an INTERNAL frontend takes its address from: the VNet's first, or for a dual-stack NLB
 * its first subnet with an IPv6 prefix (both frontends take their addresses there).
 */
export function frontendSubnet(
  vnet: VirtualNetwork,
  operation: string,
  dual = false,
): Subnet & { id: string } {
  const subnet = vnet.subnets?.find((s) => s.id && (!dual || isDualStack(s)));
  const id = subnet?.id;
  if (!subnet || !id)
    throw fail(
      operation,
      'INVALID_ARGUMENT',
      dual
        ? `vpcIID: virtual network '${vnet.name}' has no dual-stack subnet (one with an IPv6 address prefix)`
        : `vpcIID: virtual network '${vnet.name}' has no subnet`,
    );
  return { ...subnet, id };
}

/** A VM resolved to what a backend address needs. */
export interface ResolvedVM {
  nameId: string;
  systemId: string;
  address: string;
  /** Its private IPv6 in the VNet (an IPv6 ip configuration of its NIC); asked for by dual-stack NLBs. */
  address6?: string | undefined;
}

/**
 * Every VM's private IPv4 in `vnet` (and with `dual`, its private IPv6 too), from the NICs of the
 * resource group (one list call).
 */
export async function resolveVMs(
  api: AzureApi,
  vms: readonly ValidVMMember[],
  vnetId: string,
  ctx: CallContext,
  dual = false,
): Promise<ResolvedVM[]> {
  if (vms.length === 0) return [];
  const nics = await api.listNics(ctx);
  const prefix = `${vnetId.toLowerCase()}/subnets/`;
  return vms.map((vm) => {
    const own = nics.filter((n) => nameOf(n.virtualMachine?.id).toLowerCase() === vm.nameId.toLowerCase());
    const vmId = own[0]?.virtualMachine?.id;
    if (!vmId || (vm.systemId && vm.systemId.toLowerCase() !== vmId.toLowerCase()))
      throw fail(
        ctx.operation,
        'NOT_FOUND',
        `VM '${vm.nameId}' has no network interface in resource group ${api.rg}`,
      );
    const configs = own.flatMap((n) => n.ipConfigurations ?? []);
    const addressOf = (version: 'IPv4' | 'IPv6') => {
      const ip = configs.find(
        (c) =>
          c.privateIPAddress &&
          (c.privateIPAddressVersion ?? 'IPv4') === version &&
          c.subnet?.id?.toLowerCase().startsWith(prefix),
      )?.privateIPAddress;
      if (!ip)
        throw fail(
          ctx.operation,
          'INVALID_ARGUMENT',
          `VM '${vm.nameId}' has no ${version} address in the load balancer's virtual network` +
            (version === 'IPv6' ? ' (a dual-stack NLB needs an IPv6 ip configuration on its NIC)' : ''),
        );
      return ip;
    };
    return {
      nameId: vm.nameId,
      systemId: vmId,
      address: addressOf('IPv4'),
      ...(dual ? { address6: addressOf('IPv6') } : {}),
    };
  });
}
