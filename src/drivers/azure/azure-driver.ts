/**
 * The Azure driver: a DriverBackend over Azure Standard Load Balancers (`@azure/arm-network`), wrapped
 * by the guarded handler. The SDK (and `@azure/identity`, when no credential is given) is loaded on the
 * first call, not at import or construction.
 */
import type { ModuleImporter } from '../../common/load-package.js';
import { LIST_CONCURRENCY, mapLimited } from '../../common/map-limited.js';
import { retryingOnce } from '../../common/retrying-once.js';
import { type BackendContext, createAdoptableHandler, type DriverBackend } from '../../driver-kit/index.js';
import type { AdoptableNLBHandler } from '../../interfaces/adoption.js';
import { adoptOnAzure, releaseOnAzure } from './azure-adopt.js';
import { AzureApi } from './azure-api.js';
import { AZURE_CAPABILITIES } from './azure-capabilities.js';
import {
  addVMsOnAzure,
  changeHealthCheckerOnAzure,
  changeListenerOnAzure,
  changeVMGroupOnAzure,
  removeVMsOnAzure,
} from './azure-change.js';
import type { AzureDeps } from './azure-context.js';
import { createOnAzure } from './azure-create.js';
import { deleteLeftoverIp, deleteOnAzure } from './azure-delete.js';
import { healthOnAzure } from './azure-health.js';
import { type AzureDriverOptions, resolveAzureOptions } from './azure-options.js';
import { findManaged, listManaged, readNLB } from './azure-read.js';
import { buildAzureClient } from './azure-sdk.js';

/** Test seams that are not part of the public options. @internal */
export interface AzureDriverInternals {
  importer?: ModuleImporter;
}

/**
 * Creates an NLBHandler for Azure Standard Load Balancers in one resource group, with adoptNLB /
 * releaseNLB (AdoptableNLBHandler).
 *
 * @example
 * const nlb = createAzureDriver({ resourceGroup: 'web-rg', location: 'westeurope' });
 * await nlb.createNLB({ iid: { nameId: 'web' }, vpcIID: { nameId: 'web-vnet' },
 *   listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web-1' }] },
 *   healthChecker: { protocol: 'TCP' } });
 */
export function createAzureDriver(
  options: AzureDriverOptions = {},
  internals: AzureDriverInternals = {},
): AdoptableNLBHandler {
  const resolved = resolveAzureOptions(options);
  const deps = retryingOnce(
    async (ctx: BackendContext): Promise<AzureDeps> => ({
      api: new AzureApi(await buildAzureClient(resolved, ctx.operation, internals.importer), resolved),
      options: resolved,
    }),
  );

  const backend: DriverBackend = {
    async list(ctx) {
      const d = await deps(ctx);
      return mapLimited(await listManaged(d, ctx), LIST_CONCURRENCY, (lb) => readNLB(d, lb, ctx));
    },
    listIID: async (ctx) =>
      (await listManaged(await deps(ctx), ctx)).map((lb) => ({
        nameId: lb.name,
        systemId: lb.id,
      })),
    async find(iid, ctx) {
      const d = await deps(ctx);
      const lb = await findManaged(d, iid, ctx);
      return lb && readNLB(d, lb, ctx);
    },
    // Azure names are per resource group: any load balancer with the name blocks a create.
    exists: async (name, ctx) => (await (await deps(ctx)).api.getLb(name, ctx)) !== undefined,
    create: async (req, ctx) => createOnAzure(await deps(ctx), req, ctx),
    async delete(current, ctx) {
      const d = await deps(ctx);
      const lb = await findManaged(d, current.iid, ctx);
      if (lb) await deleteOnAzure(d, lb, [], ctx);
    },
    deleteLeftovers: async (name, ctx) => deleteLeftoverIp(await deps(ctx), name, ctx),
    changeListener: async (current, next, ctx) => changeListenerOnAzure(await deps(ctx), current, next, ctx),
    changeVMGroup: async (current, next, ctx) => changeVMGroupOnAzure(await deps(ctx), current, next, ctx),
    addVMs: async (current, vms, ctx) => addVMsOnAzure(await deps(ctx), current, vms, ctx),
    removeVMs: async (current, vms, ctx) => removeVMsOnAzure(await deps(ctx), current, vms, ctx),
    changeHealthChecker: async (current, next, ctx) =>
      changeHealthCheckerOnAzure(await deps(ctx), current, next, ctx),
    health: async (current, ctx) => healthOnAzure((await deps(ctx)).api, current, ctx),
  };
  return createAdoptableHandler({
    capabilities: AZURE_CAPABILITIES,
    backend,
    adoption: {
      adopt: async (systemId, name, ctx) => adoptOnAzure(await deps(ctx), systemId, name, ctx),
      release: async (current, ctx) => releaseOnAzure(await deps(ctx), current, ctx),
    },
  });
}
