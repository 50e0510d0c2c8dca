/**
 * Changes on Azure: read the load balancer, edit it, PUT it whole. Azure applies the PUT atomically
 * (it is the resource); when the PUT's outcome is unknown, the old resource is PUT back.
 */
import type { LoadBalancer } from '@azure/arm-network';
import type { ResolvedVMGroup } from '../../common/guarded-handler.js';
import { Rollback } from '../../common/rollback.js';
import { NLBError } from '../../interfaces/errors.js';
import type { ValidListener, ValidVMMember } from '../../interfaces/schemas.js';
import type { NLBInfo, ResolvedHealthCheckerInfo } from '../../interfaces/types.js';
import type { CallContext } from './az-api.js';
import type { AzureDeps } from './az-context.js';
import { addressesOf, loadDistribution, probeOf } from './az-convert.js';
import { isPreconditionFailed } from './az-errors.js';
import { type ResolvedVM, resolveVMs } from './az-lookup.js';
import { AZURE_DRIVER_NAME } from './az-name.js';
import { readNLB } from './az-read.js';

/**
 * Reads the load balancer fresh, lets `change` edit it, PUTs it only if nobody changed it since the
 * read (If-Match on its etag; another writer in between means read and edit again, up to 5 times, so
 * two processes adding VMs at once both land). If anything fails after Azure accepted the PUT (the
 * operation's polls, the read back), the load balancer as it was is PUT again: the change may have
 * been applied, and the caller is told it failed.
 */
async function edit(deps: AzureDeps, current: NLBInfo, ctx: CallContext, change: (lb: LoadBalancer) => void) {
  const name = current.iid.nameId;
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

const rule = (lb: LoadBalancer) => lb.loadBalancingRules?.[0] ?? {};
const pool = (lb: LoadBalancer) => lb.backendAddressPools?.[0] ?? {};

/** The pool's addresses as resolved VMs again (to add to or remove from). */
const currentVMs = (lb: LoadBalancer): ResolvedVM[] =>
  (pool(lb).loadBalancerBackendAddresses ?? []).map((a) => ({
    nameId: a.name ?? '',
    systemId: '',
    address: a.ipAddress ?? '',
  }));

export const changeListenerOnAzure = (
  deps: AzureDeps,
  current: NLBInfo,
  next: ValidListener,
  ctx: CallContext,
) =>
  edit(deps, current, ctx, (lb) => {
    rule(lb).frontendPort = next.port;
  });

export async function changeVMGroupOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  next: ResolvedVMGroup,
  ctx: CallContext,
) {
  const vnetId = current.vpcIID.systemId as string;
  const vms = await resolveVMs(deps.api, next.vms, vnetId, ctx);
  return edit(deps, current, ctx, (lb) => {
    const r = rule(lb);
    // A probe on "the group's port" follows the group; a custom one stays.
    const probe = lb.probes?.[0];
    if (probe && probe.port === r.backendPort) probe.port = next.port;
    r.backendPort = next.port;
    r.loadDistribution = loadDistribution(next.hashFields);
    pool(lb).loadBalancerBackendAddresses = addressesOf(vms, vnetId);
  });
}

export async function addVMsOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  add: ValidVMMember[],
  ctx: CallContext,
) {
  const vnetId = current.vpcIID.systemId as string;
  const fresh = await resolveVMs(deps.api, add, vnetId, ctx);
  return edit(deps, current, ctx, (lb) => {
    pool(lb).loadBalancerBackendAddresses = addressesOf([...currentVMs(lb), ...fresh], vnetId);
  });
}

export async function removeVMsOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  remove: ValidVMMember[],
  ctx: CallContext,
) {
  const gone = new Set(remove.map((vm) => vm.nameId.toLowerCase()));
  const vnetId = current.vpcIID.systemId as string;
  await edit(deps, current, ctx, (lb) => {
    pool(lb).loadBalancerBackendAddresses = addressesOf(
      currentVMs(lb).filter((vm) => !gone.has(vm.nameId.toLowerCase())),
      vnetId,
    );
  });
}

export function changeHealthCheckerOnAzure(
  deps: AzureDeps,
  current: NLBInfo,
  next: ResolvedHealthCheckerInfo,
  ctx: CallContext,
) {
  return edit(deps, current, ctx, (lb) => {
    lb.probes = [probeOf(next, current.vmGroup.port)];
  });
}
