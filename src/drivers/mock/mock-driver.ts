/**
 * The mock driver: an in-memory, deterministic NLBHandler for users' unit tests, with a VM inventory,
 * controllable health, fault injection and latency. It runs through the same guarded handler as the
 * real drivers, so validation and capability errors are the ones production code will see.
 */
import { createAdoptableHandler } from '../../driver-kit/index.js';
import type { AdoptableNLBHandler } from '../../interfaces/adoption.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBOperation } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { parseAddress, RESOURCE_NAME_PATTERN } from '../../interfaces/schemas.js';
import type { IID, VMHealthState } from '../../interfaces/types.js';
import { createMockAdoption, type MockForeignNLB } from './mock-adoption.js';
import { createMockBackend, type MockVM, type MockVMHealth } from './mock-backend.js';
import {
  type CapabilitiesOverride,
  mergeCapabilities,
  mockDefaultCapabilities,
} from './mock-capabilities.js';
import { type MockFault, MockFaults } from './mock-faults.js';

/** Options of {@link createMockDriver}. */
export interface MockDriverOptions {
  /** The VMs that exist, by name. Unknown VMs in a request give NOT_FOUND. Default: none. */
  vms?: Record<string, MockVM> | undefined;
  /** Emulate a cloud's limits (e.g. `AWS_CAPABILITIES` from nlbkit/aws); merged onto the permissive defaults. */
  capabilities?: CapabilitiesOverride | undefined;
  /** The clock for `createdTime` and health timestamps. Default: `() => new Date()`. */
  clock?: (() => Date) | undefined;
  /** Makes ids. Default: a counter per kind, `mock-nlb-0001`, `mock-listener-0001`, ... */
  idGenerator?: ((kind: 'nlb' | 'listener' | 'vmgroup') => string) | undefined;
  /** Health of a VM nobody set with `setVMHealth`. Default HEALTHY. */
  initialHealth?: VMHealthState | undefined;
  /** Delay before every operation, in ms (abortable). Default 0. */
  latencyMs?: number | undefined;
  /**
   * Load balancers the emulated cloud holds that nlbkit did not create, by provider id: what
   * `adoptNLB` takes over (see {@link MockDriver.putForeignNLB}). Default: none.
   */
  foreign?: Record<string, MockForeignNLB> | undefined;
}

/** One recorded call. */
export interface MockCall {
  operation: NLBOperation;
  at: Date;
}

/**
 * The mock driver: an NLBHandler with the adoption extension (adoptNLB and releaseNLB, refused as
 * UNSUPPORTED when the emulated capabilities say `adoption: false`), plus controls for tests.
 */
export interface MockDriver extends AdoptableNLBHandler {
  /**
   * Puts a load balancer nlbkit did not create into the emulated cloud under provider id `systemId`,
   * for adoptNLB to take over. One with several listeners can be put but not adopted (UNSUPPORTED).
   */
  putForeignNLB(systemId: string, nlb: MockForeignNLB): void;
  /** Whether the emulated cloud holds a load balancer with this provider id, adopted or not. */
  holdsNLB(systemId: string): boolean;
  /** Adds or replaces a VM in the inventory. */
  putVM(name: string, vm?: MockVM): void;
  /** Removes a VM from the inventory (NLBs that hold it keep it, as a cloud would). */
  deleteVM(name: string): void;
  /** Sets a VM's health as every NLB holding it will report it. */
  setVMHealth(vm: string | IID, state: VMHealthState, reason?: string): void;
  /** The next call of `operation` ('*': of any operation) fails with `fault`, before any side effect. */
  failNext(operation: NLBOperation | '*', fault: MockFault): void;
  /** Every call of `operation` fails with `fault` until {@link MockDriver.clearFaults}. */
  failAlways(operation: NLBOperation | '*', fault: MockFault): void;
  /** Removes every injected fault. */
  clearFaults(): void;
  /** Sets the delay before every operation, in ms. */
  setLatency(ms: number): void;
  /** Every call made, in order (including rejected ones). */
  readonly calls: readonly MockCall[];
}

const DRIVER = 'mock';

/**
 * Creates an in-memory NLBHandler for unit tests.
 *
 * @example
 * const nlb = createMockDriver({ vms: { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' } } });
 * nlb.setVMHealth('web2', 'UNHEALTHY', 'connection refused');
 */
export function createMockDriver(options: MockDriverOptions = {}): MockDriver {
  const clock = options.clock ?? (() => new Date());
  const counters = new Map<string, number>();
  const newId =
    options.idGenerator ??
    ((kind: string) => {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      return `mock-${kind}-${String(n).padStart(4, '0')}`;
    });
  const vms = new Map<string, MockVM>();
  const health = new Map<string, MockVMHealth>();
  const faults = new MockFaults();
  const calls: MockCall[] = [];
  if (options.latencyMs !== undefined) faults.latencyMs = options.latencyMs;

  const putVM = (name: string, vm: MockVM = {}) => {
    if (!RESOURCE_NAME_PATTERN.test(name))
      throw invalid('putVM', `VM name ${quoteInput(name)} is not a valid name`);
    for (const [field, value] of [
      ['ipv4', vm.ipv4],
      ['ipv6', vm.ipv6],
    ] as const) {
      const family = field === 'ipv4' ? 4 : 6;
      if (value !== undefined && parseAddress(value)?.family !== family)
        throw invalid(
          'putVM',
          `${field} ${quoteInput(value)} of VM ${quoteInput(name)} is not an IPv${family} address`,
        );
    }
    vms.set(name, { ...vm });
  };
  for (const [name, vm] of Object.entries(options.vms ?? {})) putVM(name, vm);

  const capabilities = mergeCapabilities(mockDefaultCapabilities, {
    ...options.capabilities,
    driver: DRIVER,
  });
  const { backend, nlbs, setSystemId } = createMockBackend({
    clock,
    newId,
    vms,
    health,
    initialHealth: options.initialHealth ?? 'HEALTHY',
    drainDefaultSec: capabilities.draining?.defaultSec ?? undefined,
  });
  const foreign = createMockAdoption({
    capabilities,
    backend,
    setSystemId,
    managesSystemId: (id) => [...nlbs.values()].some((nlb) => nlb.iid.systemId === id),
    hasVM: (name) => vms.has(name),
  });
  for (const [id, nlb] of Object.entries(options.foreign ?? {})) foreign.put(id, nlb);
  // The driver name stays "mock" even when emulating a cloud: errors must say who really answered.
  const handler = createAdoptableHandler({
    capabilities,
    backend,
    adoption: capabilities.adoption ? foreign.adoption : refusedAdoption,
    beforeOperation: async (operation, signal) => {
      calls.push({ operation, at: clock() });
      await faults.apply(operation, signal);
    },
  });

  // A spread, not Object.assign: Object.assign would freeze the `calls` getter into a snapshot.
  return {
    ...handler,
    putVM,
    putForeignNLB: foreign.put,
    holdsNLB: foreign.holds,
    deleteVM: (name: string) => void vms.delete(name),
    setVMHealth(vm: string | IID, state: VMHealthState, reason?: string) {
      const name = typeof vm === 'string' ? vm : vm.nameId;
      if (!['HEALTHY', 'UNHEALTHY', 'UNKNOWN'].includes(state))
        throw invalid('setVMHealth', `state must be HEALTHY|UNHEALTHY|UNKNOWN, got ${quoteInput(state)}`);
      health.set(name, { state, reason, lastChange: clock() });
    },
    failNext: (operation: NLBOperation | '*', fault: MockFault) => faults.failNext(operation, fault),
    failAlways: (operation: NLBOperation | '*', fault: MockFault) => faults.failAlways(operation, fault),
    clearFaults: () => faults.clear(),
    setLatency: (ms: number) => {
      faults.latencyMs = ms;
    },
    get calls(): readonly MockCall[] {
      return calls.slice();
    },
  };
}

/** Adoption where the emulated cloud has none (`capabilities.adoption` false). */
const refusedAdoption = {
  adopt: async (_id: string, _name: string, ctx: { operation: string }): Promise<never> => {
    throw unsupportedAdoption(ctx.operation);
  },
  release: async (_nlb: unknown, ctx: { operation: string }): Promise<never> => {
    throw unsupportedAdoption(ctx.operation);
  },
};

function unsupportedAdoption(operation: string): NLBError {
  return new NLBError({
    code: 'UNSUPPORTED',
    driver: DRIVER,
    operation,
    message: 'adoption is off in these capabilities (adoption: false)',
  });
}

function invalid(operation: string, message: string): NLBError {
  return new NLBError({ code: 'INVALID_ARGUMENT', driver: DRIVER, operation, message });
}
