/**
 * The GCP driver: a DriverBackend over regional passthrough Network Load Balancers on Compute Engine
 * (`@google-cloud/compute`), wrapped by the guarded handler. The SDK is loaded, and credentials are
 * found, on the first call, not at import or construction.
 */
import { untilAborted } from '../../common/abort.js';
import type { ModuleImporter } from '../../common/load-package.js';
import { LIST_CONCURRENCY, mapLimited } from '../../common/map-limited.js';
import { retryingOnce } from '../../common/retrying-once.js';
import { type BackendContext, createAdoptableHandler, type DriverBackend } from '../../driver-kit/index.js';
import type { AdoptableNLBHandler } from '../../interfaces/adoption.js';
import { adoptOnGcp, releaseOnGcp } from './gcp-adopt.js';
import { GcpApi } from './gcp-api.js';
import { GCP_CAPABILITIES } from './gcp-capabilities.js';
import {
  addVMsOnGcp,
  changeHealthCheckerOnGcp,
  changeListenerOnGcp,
  changeVMGroupOnGcp,
  removeVMsOnGcp,
} from './gcp-change.js';
import { createOnGcp } from './gcp-create.js';
import { deleteAdoptedOnGcp, deleteLeftoversOnGcp, deleteOnGcp } from './gcp-delete.js';
import { healthOnGcp } from './gcp-health.js';
import { GCP_DRIVER_NAME, type GcpDriverOptions, resolveGcpOptions } from './gcp-options.js';
import { findManaged, isAdopted, listManaged, readAhead, readNLB } from './gcp-read.js';
import { buildGcpClients } from './gcp-sdk.js';

/** Test seams that are not part of the public options. @internal */
export interface GcpDriverInternals {
  importer?: ModuleImporter;
}

/**
 * Creates an NLBHandler for regional passthrough Network Load Balancers in one project and region,
 * with adoptNLB / releaseNLB (AdoptableNLBHandler).
 *
 * @example
 * const nlb = createGcpDriver({ projectId: 'my-project', region: 'europe-west1' });
 * await nlb.createNLB({ iid: { nameId: 'web' }, vpcIID: { nameId: 'default' },
 *   listener: { protocol: 'TCP', port: 8080 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web-1' }] },
 *   healthChecker: { protocol: 'TCP' } });
 */
export function createGcpDriver(
  options: GcpDriverOptions = {},
  internals: GcpDriverInternals = {},
): AdoptableNLBHandler {
  const resolved = resolveGcpOptions(options);
  const build = retryingOnce(
    async (ctx: BackendContext): Promise<GcpApi> =>
      new GcpApi(await buildGcpClients(resolved, ctx.operation, internals.importer), resolved),
  );
  // Finding Application Default Credentials may ask the metadata server: a caller may stop waiting.
  const api = (ctx: BackendContext) => untilAborted(build(ctx), ctx.signal, GCP_DRIVER_NAME, ctx.operation);

  const backend: DriverBackend = {
    async list(ctx) {
      const a = await api(ctx);
      const [frs, ahead] = await Promise.all([listManaged(a, ctx), readAhead(a, ctx)]);
      return mapLimited(frs, LIST_CONCURRENCY, (fr) => readNLB(a, fr, ctx, ahead));
    },
    listIID: async (ctx) =>
      (await listManaged(await api(ctx), ctx)).map((fr) => ({
        nameId: fr.name,
        systemId: String(fr.id),
      })),
    async find(iid, ctx) {
      const a = await api(ctx);
      const fr = await findManaged(a, iid, ctx);
      return fr && readNLB(a, fr, ctx);
    },
    // Any forwarding rule of the name blocks a create (names are per region and kind).
    exists: async (name, ctx) => (await (await api(ctx)).getForwardingRule(name, ctx)) !== undefined,
    create: async (req, ctx) => createOnGcp(await api(ctx), resolved, req, ctx),
    delete: async (current, ctx) =>
      isAdopted(current)
        ? deleteAdoptedOnGcp(await api(ctx), current, ctx)
        : deleteOnGcp(await api(ctx), current.iid.nameId, ctx),
    deleteLeftovers: async (name, ctx) => deleteLeftoversOnGcp(await api(ctx), name, ctx),
    changeListener: async (current, next, ctx) => changeListenerOnGcp(await api(ctx), current, next, ctx),
    changeVMGroup: async (current, next, ctx) => changeVMGroupOnGcp(await api(ctx), current, next, ctx),
    addVMs: async (current, vms, ctx) => addVMsOnGcp(await api(ctx), current, vms, ctx),
    removeVMs: async (current, vms, ctx) => removeVMsOnGcp(await api(ctx), current, vms, ctx),
    changeHealthChecker: async (current, next, ctx) =>
      changeHealthCheckerOnGcp(await api(ctx), current, next, ctx),
    health: async (current, ctx) => healthOnGcp(await api(ctx), current, ctx),
  };
  return createAdoptableHandler({
    capabilities: GCP_CAPABILITIES,
    backend,
    adoption: {
      adopt: async (systemId, name, ctx) => adoptOnGcp(await api(ctx), systemId, name, ctx),
      release: async (current, ctx) => releaseOnGcp(await api(ctx), current, ctx),
    },
  });
}
