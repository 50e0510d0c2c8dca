/**
 * Finding what a request names: the VNet (nlbkit's VPC), its subnet for an INTERNAL frontend, and each
 * VM's own private address in that VNet, read from the VM's NIC (`virtualMachine.id`), never matched by
 * IP across the region (a known bug elsewhere that listed every VM of the region as a member).
 */
import type { Subnet, VirtualNetwork } from '@azure/arm-network';
import { NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import type { ValidVMMember } from '../../interfaces/schemas.js';
import type { IID } from '../../interfaces/types.js';
import type { AzureApi, CallContext } from './az-api.js';
import { AZURE_DRIVER_NAME } from './az-name.js';

const fail = (operation: string, code: NLBErrorCode, message: string) =>
  new NLBError({ code, driver: AZURE_DRIVER_NAME, operation, message, retryable: false });

/** The last segment of a resource id (its name). */
export const nameOf = (id: string | undefined) => id?.split('/').at(-1) ?? '';

/** The VNet `iid` names (by name, or by a resource id as systemId), with its subnets. */
export async function resolveVnet(
  api: AzureApi,
  iid: IID,
  ctx: CallContext,
): Promise<VirtualNetwork & { id: string }> {
  const name = iid.systemId ? nameOf(iid.systemId) : iid.nameId;
  const vnet = await api.getVnet(name, ctx);
  if (!vnet?.id)
    throw fail(
      ctx.operation,
      'NOT_FOUND',
      `vpcIID: virtual network '${name}' is not in resource group ${api.rg}`,
    );
  if (iid.systemId && vnet.id.toLowerCase() !== iid.systemId.toLowerCase())
    throw fail(ctx.operation, 'NOT_FOUND', `vpcIID: ${iid.systemId} is not in resource group ${api.rg}`);
  return vnet as VirtualNetwork & { id: string };
}

/** The subnet an INTERNAL frontend takes its address from: the VNet's first. */
export function frontendSubnet(vnet: VirtualNetwork, operation: string): Subnet & { id: string } {
  const subnet = vnet.subnets?.find((s) => s.id);
  if (!subnet)
    throw fail(operation, 'INVALID_ARGUMENT', `vpcIID: virtual network '${vnet.name}' has no subnet`);
  return subnet as Subnet & { id: string };
}

/** A VM resolved to what a backend address needs. */
export interface ResolvedVM {
  nameId: string;
  systemId: string;
  address: string;
}

/** Every VM's private IPv4 in `vnet`, from the NICs of the resource group (one list call). */
export async function resolveVMs(
  api: AzureApi,
  vms: readonly ValidVMMember[],
  vnetId: string,
  ctx: CallContext,
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
    const ip = own
      .flatMap((n) => n.ipConfigurations ?? [])
      .find(
        (c) =>
          c.privateIPAddress &&
          (c.privateIPAddressVersion ?? 'IPv4') === 'IPv4' &&
          c.subnet?.id?.toLowerCase().startsWith(prefix),
      );
    if (!ip?.privateIPAddress)
      throw fail(
        ctx.operation,
        'INVALID_ARGUMENT',
        `VM '${vm.nameId}' has no IPv4 address in the load balancer's virtual network`,
      );
    return { nameId: vm.nameId, systemId: vmId, address: ip.privateIPAddress };
  });
}
