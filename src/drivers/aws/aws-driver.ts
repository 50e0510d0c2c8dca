/**
 * The AWS driver: a DriverBackend over ELBv2 and EC2, wrapped by the guarded handler (validation,
 * capabilities, per-NLB serialization, abort, copies). The SDK is loaded on the first call, not at
 * import or construction, so creating a driver is cheap and `import 'nlbkit'` never loads it.
 */

import type { ModuleImporter } from '../../common/load-package.js';
import { LIST_CONCURRENCY, mapLimited } from '../../common/map-limited.js';
import { retryingOnce } from '../../common/retrying-once.js';
import type { BackendContext, DriverBackend } from '../../driver-kit/index.js';
import { createAdoptableHandler } from '../../driver-kit/index.js';
import type { AdoptableNLBHandler } from '../../interfaces/adoption.js';
import { adoptOnAws, releaseOnAws } from './aws-adopt.js';
import { AwsApi } from './aws-api.js';
import { AWS_CAPABILITIES } from './aws-capabilities.js';
import {
  addVMsOnAws,
  changeHealthCheckerOnAws,
  changeListenerOnAws,
  changeVMGroupOnAws,
  removeVMsOnAws,
} from './aws-change.js';
import type { AwsDeps } from './aws-context.js';
import { createOnAws } from './aws-create.js';
import { deleteLeftoversOnAws, deleteOnAws } from './aws-delete.js';
import { healthInfoOf } from './aws-health.js';
import type { AwsDriverOptions } from './aws-options.js';
import { resolveAwsOptions } from './aws-options.js';
import {
  findManagedLb,
  lbByName,
  listManagedLbs,
  memberTargets,
  readNLB,
  targetRowsReadWith,
} from './aws-read.js';
import { buildAwsClients, loadAwsSdk } from './aws-sdk.js';

/** Test seams that are not part of the public options. @internal */
export interface AwsDriverInternals {
  /** Replaces `import()` for the SDK packages (to test the missing-package error). */
  importer?: ModuleImporter;
}

/** Explicit credential strings, so error messages can be scrubbed of them. */
function secretsOf(options: AwsDriverOptions): string[] {
  const c = options.credentials;
  if (!c || typeof c === 'function') return [];
  return [c.accessKeyId, c.secretAccessKey, c.sessionToken].filter((s): s is string => !!s);
}

/**
 * Creates an NLBHandler for AWS Network Load Balancers, with adoptNLB / releaseNLB (AdoptableNLBHandler).
 *
 * @example
 * const nlb = createAwsDriver({ region: 'eu-west-1' });
 * await nlb.createNLB({ iid: { nameId: 'web' }, vpcIID: { nameId: 'main' },
 *   listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web-1' }] },
 *   healthChecker: { protocol: 'TCP' } });
 */
export function createAwsDriver(
  options: AwsDriverOptions = {},
  internals: AwsDriverInternals = {},
): AdoptableNLBHandler {
  const resolved = resolveAwsOptions(options);
  const secrets = secretsOf(options);
  /** Loads the SDK and builds the clients once; a failure is not remembered, so a later call retries. */
  const deps = retryingOnce(async (ctx: BackendContext): Promise<AwsDeps> => {
    const sdk = await loadAwsSdk(ctx.operation, options.lib, internals.importer);
    const clients = await buildAwsClients(sdk, options, resolved.maxAttempts);
    return { api: new AwsApi(sdk, clients, secrets), options: resolved };
  });
  const key = resolved.managedTagKey;

  const backend: DriverBackend = {
    async list(ctx) {
      const d = await deps(ctx);
      const found = await listManagedLbs(d.api, key, ctx);
      return mapLimited(found, LIST_CONCURRENCY, (f) => readNLB(d.api, key, f, ctx));
    },
    async listIID(ctx) {
      const d = await deps(ctx);
      return (await listManagedLbs(d.api, key, ctx)).map(({ lb }) => ({
        nameId: lb.LoadBalancerName,
        systemId: lb.LoadBalancerArn,
      }));
    },
    async find(iid, ctx) {
      const d = await deps(ctx);
      const found = await findManagedLb(d.api, key, iid, ctx);
      return found && readNLB(d.api, key, found, ctx);
    },
    // Any load balancer holding the name blocks a create, managed or not: AWS names are per account.
    exists: async (name, ctx) => (await lbByName((await deps(ctx)).api, name, ctx)) !== undefined,
    create: async (req, ctx) => createOnAws(await deps(ctx), req, ctx),
    delete: async (current, ctx) => deleteOnAws(await deps(ctx), current, ctx),
    deleteLeftovers: async (name, ctx) => deleteLeftoversOnAws(await deps(ctx), name, ctx),
    changeListener: async (current, next, ctx) => changeListenerOnAws(await deps(ctx), current, next, ctx),
    changeVMGroup: async (current, next, ctx) => changeVMGroupOnAws(await deps(ctx), current, next, ctx),
    addVMs: async (current, vms, ctx) => addVMsOnAws(await deps(ctx), current, vms, ctx),
    removeVMs: async (current, vms, ctx) => removeVMsOnAws(await deps(ctx), current, vms, ctx),
    changeHealthChecker: async (current, next, ctx) =>
      changeHealthCheckerOnAws(await deps(ctx), current, next, ctx),
    async health(current, ctx) {
      // `current` comes from `find`, which has just read the targets' health: no second call.
      const read = targetRowsReadWith(current);
      if (read) return healthInfoOf(current.vmGroup.vms, read);
      const tgArn = current.vmGroup.cspId;
      const rows = tgArn ? await memberTargets((await deps(ctx)).api, tgArn, ctx) : [];
      return healthInfoOf(current.vmGroup.vms, rows);
    },
  };

  return createAdoptableHandler({
    capabilities: AWS_CAPABILITIES,
    backend,
    adoption: {
      adopt: async (systemId, name, ctx) => adoptOnAws(await deps(ctx), systemId, name, ctx),
      release: async (current, ctx) => releaseOnAws(await deps(ctx), current, ctx),
    },
  });
}
