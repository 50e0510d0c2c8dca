/**
 * adoptNLB / releaseNLB on the mock: the emulated cloud also holds load balancers nlbkit did not make
 * ("foreign" ones, put there by a test with `putForeignNLB` or the `foreign` option). Adopting one moves
 * it into the mock's NLBs under its own provider id; releasing moves it back, deleting nothing. The
 * rules are the clouds': exactly one listener, VMs the inventory knows, a free listener address.
 */
import type { AdoptionBackend, BackendContext, DriverBackend } from '../../driver-kit/index.js';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import { resolveHealthChecker } from '../../interfaces/capabilities.js';
import { NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';
import {
  healthCheckerSchema,
  listenerSchema,
  parseInput,
  RESOURCE_NAME_PATTERN,
  systemIdSchema,
  type ValidListener,
} from '../../interfaces/schemas.js';
import type { HealthCheckerInfo, NLBInfo, VMGroupProtocol } from '../../interfaces/types.js';

/** A load balancer the emulated cloud holds that nlbkit did not create. */
export interface MockForeignNLB {
  /** Its listeners; adoptNLB takes one with exactly one (as every cloud driver does). */
  listeners: Array<{ protocol: 'TCP' | 'UDP'; port: number; ip?: string | undefined }>;
  /** Where it forwards: a protocol, a port and VMs by their inventory names. */
  vmGroup: { protocol: VMGroupProtocol; port: number; vms: string[] };
  /** Its health check. Default: TCP on the group's port, with the driver's default settings. */
  healthChecker?: HealthCheckerInfo | undefined;
}

const DRIVER = 'mock';

/** What adoption needs of the mock's backend. */
export interface MockAdoptionDeps {
  capabilities: DriverCapabilities;
  backend: DriverBackend;
  /** Gives the NLB `nameId` the provider id `systemId` (an adopted NLB keeps the id it had). */
  setSystemId(nameId: string, systemId: string): NLBInfo;
  /** Whether the mock manages an NLB with this provider id. */
  managesSystemId(systemId: string): boolean;
  /** Whether a VM is in the inventory. */
  hasVM(name: string): boolean;
}

/** The foreign load balancers and the adoption backend over them. */
export function createMockAdoption(deps: MockAdoptionDeps) {
  const foreign = new Map<string, MockForeignNLB>();

  const refuse = (code: 'NOT_FOUND' | 'UNSUPPORTED' | 'ALREADY_EXISTS', op: string, message: string) =>
    new NLBError({ code, driver: DRIVER, operation: op, message });

  /** Validates a foreign load balancer as a cloud would hold it (any number of listeners). */
  function put(systemId: string, nlb: MockForeignNLB): void {
    const op = 'putForeignNLB';
    parseInput(systemIdSchema, systemId, { driver: DRIVER, operation: op, root: 'systemId' });
    nlb.listeners.forEach((l, i) => {
      parseInput(listenerSchema, l, { driver: DRIVER, operation: op, root: `listeners[${i}]` });
    });
    for (const vm of nlb.vmGroup.vms)
      if (!RESOURCE_NAME_PATTERN.test(vm))
        throw new NLBError({
          code: 'INVALID_ARGUMENT',
          driver: DRIVER,
          operation: op,
          message: `VM name ${quoteInput(vm)} is not a valid name`,
        });
    if (nlb.healthChecker)
      parseInput(healthCheckerSchema, nlb.healthChecker, {
        driver: DRIVER,
        operation: op,
        root: 'healthChecker',
      });
    if (deps.managesSystemId(systemId))
      throw refuse('ALREADY_EXISTS', op, `nlbkit already manages ${quoteInput(systemId)}`);
    foreign.set(systemId, structuredClone(nlb));
  }

  const adoption: AdoptionBackend = {
    async adopt(systemId, nameId, ctx: BackendContext) {
      const op = ctx.operation;
      const lb = foreign.get(systemId);
      if (!lb) {
        if (deps.managesSystemId(systemId))
          throw refuse('ALREADY_EXISTS', op, `nlbkit already manages ${quoteInput(systemId)}`);
        throw refuse('NOT_FOUND', op, `no load balancer ${quoteInput(systemId)}`);
      }
      if (lb.listeners.length !== 1)
        throw refuse('UNSUPPORTED', op, `it has ${lb.listeners.length} listeners; an nlbkit NLB has one`);
      const unknown = lb.vmGroup.vms.find((vm) => !deps.hasVM(vm));
      if (unknown !== undefined)
        throw refuse(
          'UNSUPPORTED',
          op,
          `it forwards to ${quoteInput(unknown)}, a VM the inventory does not hold`,
        );
      const hc = lb.healthChecker ?? { protocol: 'TCP' as const };
      await deps.backend.create(
        {
          iid: { nameId },
          vpcIID: { nameId: 'default' },
          type: 'PUBLIC',
          scope: 'REGION',
          listener: lb.listeners[0] as ValidListener,
          vmGroup: {
            protocol: lb.vmGroup.protocol,
            port: lb.vmGroup.port,
            vms: lb.vmGroup.vms.map((vm) => ({ nameId: vm })),
            algorithm: 'ROUND_ROBIN',
          },
          healthChecker: resolveHealthChecker(deps.capabilities, hc),
          tagList: [],
          keyValueList: [],
        },
        ctx,
      );
      foreign.delete(systemId);
      return deps.setSystemId(nameId, systemId);
    },

    async release(current, ctx) {
      await deps.backend.delete(current, ctx);
      foreign.set(current.iid.systemId as string, {
        listeners: [
          { protocol: current.listener.protocol, port: current.listener.port, ip: current.listener.ip },
        ],
        vmGroup: {
          protocol: current.vmGroup.protocol,
          port: current.vmGroup.port,
          vms: current.vmGroup.vms.map((vm) => vm.nameId),
        },
        healthChecker: current.healthChecker,
      });
    },
  };

  return {
    adoption,
    put,
    /** Whether the emulated cloud holds `systemId`: foreign, or managed by the mock. */
    holds: (systemId: string) => foreign.has(systemId) || deps.managesSystemId(systemId),
  };
}
