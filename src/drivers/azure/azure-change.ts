/**
 * Changes on Azure: read the load balancer, edit it, PUT it whole. Azure applies the PUT atomically
 * (it is the resource); when the PUT's outcome is unknown, the old resource is PUT back.
 */
import type { LoadBalancer } from '@azure/arm-network';
import { Rollback } from '../../common/rollback.js';
import type { ResolvedVMGroup } from '../../driver-kit/index.js';
import { NLBError } from '../../interfaces/errors.js';
import type { ValidListener, ValidVMMember } from '../../interfaces/schemas.js';
import type { NLBInfo, ResolvedHealthCheckerInfo } from '../../interfaces/types.js';
import type { CallContext } from './azure-api.js';
import { PART } from './azure-api.js';
import type { AzureDeps } from './azure-context.js';
import { addressesOf, loadDistribution, probeOf } from './azure-convert.js';
import { isPreconditionFailed } from './azure-errors.js';
import { type ResolvedVM, resolveVMs } from './azure-lookup.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';
import { partsOf, rulesOf } from './azure-parts.js';
import { lbRead, readNLB } from './azure-read.js';

/**
 * Reads the load balancer fresh, lets `change` edit it, PUTs it only if nobody changed it since the
 * read (If-Match on its etag; another writer in between means read and edit again, up to 5 times, so
 * two processes adding VMs at once both land). If anything fails after Azure accepted the PUT (the
 * operation's polls, the read back), the load balancer as it was is PUT again: the change may have
 * been applied, and the caller is told it failed.
 */
export async function editLb(
  deps: AzureDeps,
  name: string,
  ctx: CallContext,
  change: (lb: LoadBalancer) => void,
): Promise<NLBInfo> {
  for (let attempt = 1; ; attempt++) {
    const lb = await deps.api.getLb(name, ctx);
    if (!lb)
      throw new NLBError({
        code: 'NOT_FOUND',
        driver: AZURE_DRIVER_NAME,
        operation: ctx.operation,
        message: `load balancer '${name}' is gone`,
      });
    const before = structuredClone(lb);
    change(lb);
    try {
      return await new Rollback(AZURE_DRIVER_NAME).run(ctx.operation, async (rb) => {
        // Only once Azure took the PUT: before that nothing changed, and a PUT of `before` could undo
        // someone else's change. The undo is conditional on what this call wrote.
        let accepted = false;
        rb.push(`load balancer ${name} as it was`, async () => {
          if (accepted) await deps.api.putLb(name, before, { operation: ctx.operation });
        });
        ctx.progress?.(
          'update-load-balancer',
          `updating load balancer '${name}' and waiting for Azure to finish`,
        );
        const put = await deps.api.putLb(name, lb, ctx, {
          ifMatch: lb.etag,
          onAccepted: () => {
            accepted = true;
          },
        });
        return await readNLB(deps, put, ctx);
      });
    } catch (e) {
      if (!isPreconditionFailed(e) || attempt >= 5) throw e;
    }
  }
}

const edit = (deps: AzureDeps, current: NLBInfo, ctx: CallContext, change: (lb: LoadBalancer) => void) =>
  editLb(deps, current.iid.nameId, ctx, change);

/** Whether the load balancer is dual stack (its VMs need IPv6 addresses too). */
const isDual = (lb: LoadBalancer | undefined) => !!lb && partsOf(lb).pool6 !== undefined;

/** The pools' addresses as resolved VMs again (to add to or remove from), IPv6 ones by VM name. */
function currentVMs(lb: LoadBalancer): ResolvedVM[] {
  const { pool, pool6 } = partsOf(lb);
  const v6 = new Map((pool6?.loadBalancerBackendAddresses ?? []).map((a) => [a.name, a.ipAddress]));
  return (pool?.loadBalancerBackendAddresses ?? []).map((a) => ({
    nameId: a.name ?? '',
    systemId: '',
    address: a.ipAddress ?? '',
    ...(pool6 ? { address6: v6.get(a.name) ?? '' } : {}),
  }));
}

/** Sets the VMs of both pools (the IPv6 one only where there is one). */
function setVMs(lb: LoadBalancer, vms: ResolvedVM[], vnetId: string) {
  const { pool, pool6 } = partsOf(lb);
  if (pool) pool.loadBalancerBackendAddresses = addressesOf(vms, vnetId);
  if (pool6) pool6.loadBalancerBackendAddresses = addressesOf(vms, vnetId, true);
}

/** Whether the NLB `current` describes is dual stack, from the read that built it (else one GET). */
const dualOf = async (deps: AzureDeps, current: NLBInfo, ctx: CallContext) =>
  current.listener.addressFamily === 'DUAL_STACK' ||
  isDual(lbRead.of(current) ?? (await deps.api.getLb(current.iid.nameId, ctx)));

export const changeListenerOnAzure = (
  deps: AzureDeps,
  current: NLBInfo,
  next: ValidListener,
  ctx: CallContext,
) =>
  edit(deps, current, ctx, (lb) => {
    for (const r of rulesOf(lb)) r.frontendPort = next.port;
  });

export async function changeVMGroupOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  next: ResolvedVMGroup,
  ctx: CallContext,
) {
  const vnetId = current.vpcIID.systemId as string;
  const vms = await resolveVMs(deps.api, next.vms, vnetId, ctx, await dualOf(deps, current, ctx));
  return edit(deps, current, ctx, (lb) => {
    // A probe on "the group's port" follows the group; a custom one stays.
    const probe = lb.probes?.[0];
    if (probe && probe.port === partsOf(lb).rule?.backendPort) probe.port = next.port;
    for (const r of rulesOf(lb)) {
      r.backendPort = next.port;
      r.loadDistribution = loadDistribution(next.hashFields);
    }
    setVMs(lb, vms, vnetId);
  });
}

export async function addVMsOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  add: ValidVMMember[],
  ctx: CallContext,
) {
  const vnetId = current.vpcIID.systemId as string;
  const fresh = await resolveVMs(deps.api, add, vnetId, ctx, await dualOf(deps, current, ctx));
  return edit(deps, current, ctx, (lb) => setVMs(lb, [...currentVMs(lb), ...fresh], vnetId));
}

export async function removeVMsOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  remove: ValidVMMember[],
  ctx: CallContext,
) {
  const gone = new Set(remove.map((vm) => vm.nameId.toLowerCase()));
  const vnetId = current.vpcIID.systemId as string;
  await edit(deps, current, ctx, (lb) =>
    setVMs(
      lb,
      currentVMs(lb).filter((vm) => !gone.has(vm.nameId.toLowerCase())),
      vnetId,
    ),
  );
}

export function changeHealthCheckerOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  next: ResolvedHealthCheckerInfo,
  ctx: CallContext,
) {
  return edit(deps, current, ctx, (lb) => {
    // The probe keeps its name: the rules refer to it by id (an adopted one's is not nlbkit's).
    lb.probes = [{ ...probeOf(next, current.vmGroup.port), name: lb.probes?.[0]?.name ?? PART.probe }];
  });
}
