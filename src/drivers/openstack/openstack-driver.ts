/**
 * The OpenStack driver: a DriverBackend over Octavia (with Keystone, Neutron and Nova for auth, the
 * VPC, VMs and floating IPs), wrapped by the guarded handler (validation, capabilities, per-NLB
 * serialization, abort, copies). Nothing is contacted until the first call.
 */
import { KeyedSerializer } from '../../common/keyed-serializer.js';
import { LIST_CONCURRENCY, mapLimited } from '../../common/map-limited.js';
import { createAdoptableHandler, type DriverBackend } from '../../driver-kit/index.js';
import type { AdoptableNLBHandler } from '../../interfaces/adoption.js';
import { isNLBError } from '../../interfaces/errors.js';
import { adoptOnOpenStack, releaseOnOpenStack } from './openstack-adopt.js';
import { OpenStackApi } from './openstack-api.js';
import { openStackCapabilitiesFor } from './openstack-capabilities.js';
import {
  changeHealthCheckerOnOpenStack,
  changeListenerOnOpenStack,
  changeVMGroupOnOpenStack,
} from './openstack-change.js';
import type { OpenStackDeps } from './openstack-context.js';
import { createOnOpenStack } from './openstack-create.js';
import { deleteOnOpenStack } from './openstack-delete.js';
import { DrainTimers, finishOverdueDrains, nextDeadline } from './openstack-drain.js';
import { healthOnOpenStack } from './openstack-health.js';
import { addVMsOnOpenStack, removeVMsOnOpenStack } from './openstack-members.js';
import { Octavia } from './openstack-octavia.js';
import { type OpenStackDriverOptions, resolveOpenStackOptions } from './openstack-options.js';
import { findManaged, listManaged, readNLB } from './openstack-read.js';

/**
 * Creates an NLBHandler for OpenStack Octavia. Options not given come from the `OS_*` environment
 * variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_REGION_NAME, ...). It is an
 * AdoptableNLBHandler: `adoptNLB` takes over an Octavia load balancer nlbkit did not create, and
 * `releaseNLB` lets go of one (docs/drivers/openstack.md, "Adoption").
 *
 * @example
 * const nlb = createOpenStackDriver({ floatingNetwork: 'public' });
 * await nlb.createNLB({ iid: { nameId: 'web' }, vpcIID: { nameId: 'private' },
 *   listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web-1' }] },
 *   healthChecker: { protocol: 'TCP' } });
 */
export function createOpenStackDriver(options: OpenStackDriverOptions = {}): AdoptableNLBHandler {
  const resolved = resolveOpenStackOptions(options);
  const api = new OpenStackApi(resolved);
  const octavia = new Octavia(api, resolved.waiter);
  const locks = new KeyedSerializer();
  // A drain's end, when the process lives that long: under the NLB's lock, like any other change.
  const drains = new DrainTimers((lbId, nameId) =>
    locks.run(nameId, async () => {
      const ctx = { operation: 'removeVMs' };
      const lb = await octavia.get('loadbalancer', lbId, ctx).catch((e: unknown) => {
        if (isNLBError(e) && e.code === 'NOT_FOUND') return undefined;
        throw e;
      });
      const poolId = lb?.pools[0]?.id;
      if (!lb || !poolId) return undefined;
      return nextDeadline(
        await finishOverdueDrains(octavia, lbId, poolId, await octavia.members(poolId, ctx), ctx),
      );
    }),
  );
  const deps: OpenStackDeps = { api, octavia, options: resolved, drains };
  const lbOf = (id: string | undefined, ctx: Parameters<DriverBackend['list']>[0]) =>
    octavia.get('loadbalancer', id as string, ctx);

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
  const capabilities = openStackCapabilitiesFor(resolved.provider);
  return createAdoptableHandler({
    capabilities,
    backend,
    locks,
    adoption: {
      adopt: (systemId, name, ctx) => adoptOnOpenStack(deps, capabilities, systemId, name, ctx),
      release: (current, ctx) => releaseOnOpenStack(deps, current, ctx),
    },
  });
}
