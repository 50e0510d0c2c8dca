/**
 * A complete small nlbkit driver, written as a third party would write one (docs/writing-a-driver.md
 * walks through it): NLBs kept in a JSON file, VMs from an inventory given as an option. The kit's
 * guard does validation, capability checks, per-NLB locks, abort and copies; this file does only
 * what is the provider's: keep state, refuse what the provider would refuse, re-check under its own
 * lock what another process may have changed since the guard looked.
 */
import { randomUUID } from 'node:crypto';
import type { HealthInfo, NLBHandler, NLBInfo, VMGroupInfo } from 'nlbkit';
import {
  type BackendContext,
  createGuardedHandler,
  type DriverBackend,
  type DriverCapabilities,
  NLBError,
  type NLBErrorCode,
  quoteInput,
  type ResolvedVMGroup,
  type ValidVMMember,
} from 'nlbkit/driver-kit';
import { changeNLBs, type NLBs, readNLBs } from './json-file.js';

/** The driver's name, in errors and capabilities. */
export const DRIVER_NAME = 'file';

/** What the file driver can do; the guard refuses everything else before the backend is called. */
export const FILE_CAPABILITIES: DriverCapabilities = Object.freeze<DriverCapabilities>({
  driver: DRIVER_NAME,
  types: ['PUBLIC', 'INTERNAL'],
  scopes: ['REGION'],
  listenerProtocols: ['TCP', 'UDP'],
  vmGroupProtocols: ['TCP', 'UDP'],
  sameProtocolRequired: true,
  listenerIP: false,
  vpcRequired: false,
  algorithms: ['ROUND_ROBIN', 'SOURCE_HASH'],
  weights: true,
  maxVMs: 100,
  healthCheck: {
    protocols: ['TCP', 'HTTP'],
    interval: { min: 5, max: 300 },
    timeout: { min: 2, max: 60 },
    healthyThreshold: { min: 2, max: 10 },
    unhealthyThreshold: { min: 2, max: 10 },
    separateThresholds: true,
    customPort: true,
    httpOptions: true,
    defaults: { interval: 30, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
  },
  changes: {
    listenerProtocol: false,
    listenerPort: true,
    listenerIP: false,
    vmGroupProtocol: false,
    vmGroupPort: true,
    algorithm: true,
    healthChecker: true,
  },
});

/** Options of {@link createFileDriver}. */
export interface FileDriverOptions {
  /** The JSON file that holds the NLBs; made on the first change (no default). */
  path: string;
  /** The VMs that exist, by name, with their address (no default). */
  vms: Record<string, { ip: string }>;
}

/**
 * Creates the file driver. Two drivers over one file (in one process or two) see each other's NLBs.
 *
 * @example
 * const nlb = createFileDriver({ path: '/tmp/nlbs.json', vms: { web1: { ip: '10.0.0.11' } } });
 */
export function createFileDriver(options: FileDriverOptions): NLBHandler {
  const { path } = options;
  const fail = (code: NLBErrorCode, ctx: BackendContext, message: string) =>
    new NLBError({ code, driver: DRIVER_NAME, operation: ctx.operation, message });

  /** The group as stored: every VM must exist in the inventory (as a cloud checks its instances). */
  function groupOf(next: ResolvedVMGroup, ctx: BackendContext): NLBInfo['vmGroup'] {
    const group: VMGroupInfo & { algorithm: ResolvedVMGroup['algorithm'] } = {
      protocol: next.protocol,
      port: next.port,
      vms: next.vms.map((vm) => member(vm, ctx)),
      algorithm: next.algorithm,
      keyValueList: next.keyValueList ?? [],
    };
    if (next.hashFields) group.hashFields = next.hashFields;
    return group;
  }
  function member(vm: ValidVMMember, ctx: BackendContext) {
    if (!Object.hasOwn(options.vms, vm.nameId))
      throw fail('NOT_FOUND', ctx, `VM ${quoteInput(vm.nameId)} does not exist`);
    return { nameId: vm.nameId, systemId: `vm-${vm.nameId}`, weight: vm.weight ?? 1 };
  }

  /** The first free address of 192.0.2.0/24 (TEST-NET-1): a stand-in for the provider's. */
  function freeAddress(nlbs: NLBs, ctx: BackendContext): string {
    const used = new Set([...nlbs.values()].map((n) => n.listener.ip));
    for (let i = 1; i < 255; i += 1) if (!used.has(`192.0.2.${i}`)) return `192.0.2.${i}`;
    throw fail('UNAVAILABLE', ctx, 'no free listener address');
  }

  /** Runs `update` on the NLB as the file holds it now: another process may have changed it. */
  const update = (current: NLBInfo, ctx: BackendContext, apply: (now: NLBInfo) => NLBInfo) =>
    changeNLBs(path, ctx, (nlbs) => {
      const now = nlbs.get(current.iid.nameId);
      if (!now || now.iid.systemId !== current.iid.systemId)
        throw fail('NOT_FOUND', ctx, `NLB ${quoteInput(current.iid.nameId)} was deleted meanwhile`);
      const next = apply(now);
      nlbs.set(next.iid.nameId, next);
      return next;
    });

  const backend: DriverBackend = {
    list: async () =>
      [...(await readNLBs(path)).values()].sort((a, b) => (a.iid.nameId < b.iid.nameId ? -1 : 1)),

    find: async (iid) => {
      const nlb = (await readNLBs(path)).get(iid.nameId);
      return nlb && (iid.systemId === undefined || iid.systemId === nlb.iid.systemId) ? nlb : undefined;
    },

    create: (req, ctx) =>
      changeNLBs(path, ctx, (nlbs) => {
        // The guard saw the name free; another process may have taken it since.
        if (nlbs.has(req.iid.nameId))
          throw fail('ALREADY_EXISTS', ctx, `an NLB named ${quoteInput(req.iid.nameId)} already exists`);
        const nlb: NLBInfo = {
          iid: { nameId: req.iid.nameId, systemId: randomUUID() },
          vpcIID: req.vpcIID,
          type: req.type,
          scope: req.scope,
          listener: {
            protocol: req.listener.protocol,
            port: req.listener.port,
            ip: freeAddress(nlbs, ctx),
            addressFamily: 'IPV4',
            keyValueList: [],
          },
          vmGroup: groupOf(req.vmGroup, ctx),
          healthChecker: req.healthChecker,
          createdTime: new Date(),
          tagList: req.tagList,
          keyValueList: req.keyValueList,
        };
        nlbs.set(nlb.iid.nameId, nlb);
        return nlb;
      }),

    delete: (current, ctx) =>
      changeNLBs(path, ctx, (nlbs) => {
        if (nlbs.get(current.iid.nameId)?.iid.systemId === current.iid.systemId)
          nlbs.delete(current.iid.nameId);
      }),

    changeListener: (current, next, ctx) =>
      update(current, ctx, (now) => ({ ...now, listener: { ...now.listener, port: next.port } })),

    changeVMGroup: (current, next, ctx) =>
      update(current, ctx, (now) => ({ ...now, vmGroup: groupOf(next, ctx) })),

    addVMs: (current, vms, ctx) =>
      update(current, ctx, (now) => {
        // Checked again here: a peer may have added one of them since the guard looked.
        const present = new Set(now.vmGroup.vms.map((vm) => vm.nameId));
        const dup = vms.find((vm) => present.has(vm.nameId));
        if (dup) throw fail('ALREADY_EXISTS', ctx, `VM ${quoteInput(dup.nameId)} is already in the group`);
        if (now.vmGroup.vms.length + vms.length > FILE_CAPABILITIES.maxVMs)
          throw fail('UNSUPPORTED', ctx, `at most ${FILE_CAPABILITIES.maxVMs} VMs per NLB`);
        const added = vms.map((vm) => member(vm, ctx));
        return { ...now, vmGroup: { ...now.vmGroup, vms: [...now.vmGroup.vms, ...added] } };
      }),

    removeVMs: async (current, vms, ctx) => {
      await update(current, ctx, (now) => {
        const present = new Set(now.vmGroup.vms.map((vm) => vm.nameId));
        const absent = vms.find((vm) => !present.has(vm.nameId));
        if (absent) throw fail('NOT_FOUND', ctx, `VM ${quoteInput(absent.nameId)} is not in the group`);
        const gone = new Set(vms.map((vm) => vm.nameId));
        return {
          ...now,
          vmGroup: { ...now.vmGroup, vms: now.vmGroup.vms.filter((vm) => !gone.has(vm.nameId)) },
        };
      });
    },

    // A file checks no VM: every one is UNKNOWN, which HealthInfo allows (no guessing).
    health: async (current): Promise<HealthInfo> => {
      const vms = current.vmGroup.vms.map((vm) => ({ nameId: vm.nameId, systemId: vm.systemId }));
      return {
        allVMs: vms,
        healthyVMs: [],
        unhealthyVMs: [],
        unknownVMs: vms,
        details: vms.map((vm) => ({
          vm,
          state: 'UNKNOWN' as const,
          reason: 'the file driver checks nothing',
        })),
      };
    },

    changeHealthChecker: (current, next, ctx) =>
      update(current, ctx, (now) => ({ ...now, healthChecker: next })),
  };

  return createGuardedHandler({ capabilities: FILE_CAPABILITIES, backend });
}
