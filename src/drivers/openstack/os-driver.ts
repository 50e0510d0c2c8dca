/**
 * The OpenStack driver: a DriverBackend over Octavia (with Keystone, Neutron and Nova for auth, the
 * VPC, VMs and floating IPs), wrapped by the guarded handler (validation, capabilities, per-NLB
 * serialization, abort, copies). Nothing is contacted until the first call.
 */

import { LIST_CONCURRENCY, mapLimited } from '../../common/map-limited.js';
import { createGuardedHandler, type DriverBackend } from '../../driver-kit/index.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import { OpenStackApi } from './os-api.js';
import { openStackCapabilitiesFor } from './os-capabilities.js';
import {
  addVMsOnOpenStack,
  changeHealthCheckerOnOpenStack,
  changeListenerOnOpenStack,
  changeVMGroupOnOpenStack,
  removeVMsOnOpenStack,
} from './os-change.js';
import type { OpenStackDeps } from './os-context.js';
import { createOnOpenStack } from './os-create.js';
import { deleteOnOpenStack } from './os-delete.js';
import { healthOnOpenStack } from './os-health.js';
import { Octavia, type OctaviaLb } from './os-octavia.js';
import { type OpenStackDriverOptions, resolveOpenStackOptions } from './os-options.js';
import { findManaged, listManaged, readNLB } from './os-read.js';

/**
 * Creates an NLBHandler for OpenStack Octavia. Options not given come from the `OS_*` environment
 * variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_REGION_NAME, ...).
 *
 * @example
 * const nlb = createOpenStackDriver({ floatingNetwork: 'public' });
 * await nlb.createNLB({ iid: { nameId: 'web' }, vpcIID: { nameId: 'private' },
 *   listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web-1' }] },
 *   healthChecker: { protocol: 'TCP' } });
 */
export function createOpenStackDriver(options: OpenStackDriverOptions = {}): NLBHandler {
  const resolved = resolveOpenStackOptions(options);
  const api = new OpenStackApi(resolved);
  const deps: OpenStackDeps = { api, octavia: new Octavia(api, resolved.waiter), options: resolved };
  const { octavia } = deps;
  const lbOf = (id: string | undefined, ctx: Parameters<DriverBackend['list']>[0]) =>
    octavia.get<OctaviaLb>('loadbalancer', id as string, ctx);

  const backend: DriverBackend = {
    list: async (ctx) =>
      mapLimited(await listManaged(octavia, ctx), LIST_CONCURRENCY, (lb) => readNLB(octavia, lb, ctx)),
    listIID: async (ctx) =>
      (await listManaged(octavia, ctx)).map((lb) => ({ nameId: lb.name, systemId: lb.id })),
    async find(iid, ctx) {
      const lb = await findManaged(octavia, iid, ctx);
      return lb && readNLB(octavia, lb, ctx);
    },
    exists: async (name, ctx) => (await listManaged(octavia, ctx, name)).length > 0,
    create: (req, ctx) => createOnOpenStack(deps, req, ctx),
    delete: async (current, ctx) => deleteOnOpenStack(deps, await lbOf(current.iid.systemId, ctx), ctx),
    changeListener: (current, next, ctx) => changeListenerOnOpenStack(deps, current, next, ctx),
    changeVMGroup: (current, next, ctx) => changeVMGroupOnOpenStack(deps, current, next, ctx),
    addVMs: (current, vms, ctx) => addVMsOnOpenStack(deps, current, vms, ctx),
    removeVMs: (current, vms, ctx) => removeVMsOnOpenStack(deps, current, vms, ctx),
    changeHealthChecker: (current, next, ctx) => changeHealthCheckerOnOpenStack(deps, current, next, ctx),
    health: (current, ctx) => healthOnOpenStack(api, current, ctx),
  };
  return createGuardedHandler({ capabilities: openStackCapabilitiesFor(resolved.provider), backend });
}
