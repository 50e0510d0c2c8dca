/** Deliberately broken drivers: the conformance suite must catch each one. */

import { silentProgress } from '../../src/common/progress.js';
import { createGuardedHandler, type ResolvedCreateRequest } from '../../src/driver-kit/index.js';
import { createMockBackend } from '../../src/drivers/mock/mock-backend.js';
import { mockDefaultCapabilities } from '../../src/drivers/mock/mock-capabilities.js';
import { NLBError, type NLBHandler } from '../../src/interfaces/index.js';

export const VMS = ['vm1', 'vm2', 'vm3', 'vm4'];

function parts() {
  let id = 0;
  const { backend, nlbs } = createMockBackend({
    clock: () => new Date(0),
    newId: (kind) => `${kind}-${++id}`,
    vms: new Map(VMS.map((name) => [name, {}])),
    health: new Map(),
    initialHealth: 'HEALTHY',
  });
  const handler = createGuardedHandler({ capabilities: mockDefaultCapabilities, backend });
  return { handler, backend, nlbs };
}

/** Hands out its internal objects instead of copies. */
export function leakyDriver(): NLBHandler {
  const { handler, nlbs } = parts();
  return {
    ...handler,
    async getNLB(iid, opts) {
      await handler.getNLB(iid, opts);
      return nlbs.get(iid.nameId)!;
    },
    async createNLB(req, opts) {
      const created = await handler.createNLB(req, opts);
      return nlbs.get(created.iid.nameId)!;
    },
  };
}

/** Skips validation on create: whatever arrives goes straight to the backend. */
export function unvalidatedDriver(): NLBHandler {
  const { handler, backend } = parts();
  return {
    ...handler,
    async createNLB(req) {
      const resolved = {
        ...req,
        vpcIID: { nameId: 'default' },
        type: 'PUBLIC',
        scope: 'REGION',
        vmGroup: { ...req.vmGroup, algorithm: 'ROUND_ROBIN' },
        healthChecker: {
          ...req.healthChecker,
          interval: 10,
          timeout: 5,
          threshold: 3,
          healthyThreshold: 3,
          unhealthyThreshold: 3,
        },
        tagList: [],
        keyValueList: [],
      } as ResolvedCreateRequest;
      return structuredClone(
        await backend.create(resolved, { operation: 'createNLB', progress: silentProgress }),
      );
    },
  };
}

/** Says it removed VMs, but does nothing. */
export function ignoresRemoveDriver(): NLBHandler {
  const { handler } = parts();
  return { ...handler, removeVMs: async () => true };
}

/**
 * Two handlers over one mock's state whose addVMs reads the group, waits, and writes the whole group
 * back (a read-modify-write with no conflict check): concurrent additions lose one another.
 */
export function lossyPeers(): { driver: NLBHandler; peer: NLBHandler } {
  const { handler } = parts();
  const lossy = (): NLBHandler => ({
    ...handler,
    async addVMs(iid, vms, opts) {
      const current = await handler.getNLB(iid, opts);
      await new Promise((r) => setTimeout(r, 20));
      return handler.changeVMGroupInfo(
        iid,
        { ...current.vmGroup, vms: [...current.vmGroup.vms, ...vms] },
        opts,
      );
    },
  });
  return { driver: lossy(), peer: lossy() };
}

/** Reads the caller's IID before validating it: a throwing getter escapes as a raw Error. */
export function rawReadDriver(): NLBHandler {
  const { handler } = parts();
  return {
    ...handler,
    async getNLB(iid, opts) {
      const nameId = iid.nameId;
      return handler.getNLB({ nameId }, opts);
    },
  };
}

/** Adds the request's field names to its errors, unquoted and uncut. */
export function echoingDriver(): NLBHandler {
  const { handler } = parts();
  return {
    ...handler,
    async createNLB(req, opts) {
      return handler.createNLB(req, opts).catch((e: NLBError) => {
        throw new NLBError({ ...e, violations: [...e.violations], message: `fields ${Object.keys(req)}` });
      });
    },
  };
}

/** Keeps the hash fields in force when a change names an algorithm without them. */
export function stickyHashDriver(): NLBHandler {
  const { handler } = parts();
  return {
    ...handler,
    async changeVMGroupInfo(iid, group, opts) {
      const current = await handler.getNLB(iid, opts);
      return handler.changeVMGroupInfo(
        iid,
        { ...group, hashFields: group.hashFields ?? current.vmGroup.hashFields },
        opts,
      );
    },
  };
}
