/**
 * The native driver: nlbkit itself is the load balancer. It validates (through the guarded handler),
 * picks VIPs from the pool, resolves VMs through the inventory and persists desired state in the store;
 * agents on the LB nodes apply it to the kernel and report back what they applied and measured.
 */
import type { ProgressReporter } from '../../common/progress.js';
import { type BackendContext, createGuardedHandler } from '../../driver-kit/index.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBOperation } from '../../interfaces/handler.js';
import { DEFAULT_HASH_SEED, DEFAULT_MAGLEV_TABLE_SIZE } from '../../native/agent/desired-state.js';
import { type Agent, createAgent } from '../../native/agent/index.js';
import { createHealthMonitor } from '../../native/health/monitor.js';
import { createNetnsHealthSource } from '../../native/health/netns-health-source.js';
import { createDsrProbeHealth, createPathHealthSource } from '../../native/health/path-health-source.js';
import { resolveProbe } from '../../native/health/probe-config.js';
import type { HealthSource } from '../../native/health/types.js';
import { isPrime } from '../../native/maglev/index.js';
import { isStoreMissing } from '../../native/store/store-errors.js';
import type { StateStore } from '../../native/store/types.js';
import { createVipPool } from '../../native/vip/index.js';
import { announcerFor } from './native-announce.js';
import { createNativeBackend } from './native-backend.js';
import {
  DRIVER_NAME,
  NATIVE_CAPABILITIES,
  nativeAddressFamilies,
  nativeForwarding,
} from './native-capabilities.js';
import { dataplaneFactory, embeddedForwarding } from './native-dataplane.js';
import type { NativeDriverOptions } from './native-options.js';
import { nodesToWaitFor, type WaitingHandler, waitForNodes, withWaitOption } from './native-wait.js';

/** Options of {@link NativeDriver.waitForConvergence}. */
export interface ConvergenceOptions {
  /** The store revision to wait for. Default: the store's current revision. */
  revision?: number;
  /** Default: the driver's `convergenceTimeoutMs`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The native driver: an NLBHandler whose changes also take `wait` (NativeCallOptions), plus what a
 * self-hosted load balancer needs.
 */
export interface NativeDriver extends WaitingHandler {
  /** The store the driver writes to. */
  readonly store: StateStore;
  /** The embedded agent, when the driver runs one. */
  readonly agent: Agent | undefined;
  /**
   * Waits until every expected node's agent has applied `revision` (see `nodes`); resolves with the
   * revision. TIMEOUT names the nodes behind and their last errors.
   */
  waitForConvergence(opts?: ConvergenceOptions): Promise<number>;
  /**
   * Stops the embedded agent (the kernel keeps serving) and closes nothing else: the store is the
   * caller's. With `teardown`, the agent also removes its ruleset and VIPs. Later calls fail with
   * UNAVAILABLE (a closed driver must not reprogram the kernel behind a stopped agent).
   */
  close(opts?: { teardown?: boolean }): Promise<void>;
}

/** The operations that write the store: the first of them creates it. */
const MUTATIONS: ReadonlySet<NLBOperation> = new Set<NLBOperation>([
  'createNLB',
  'deleteNLB',
  'changeListener',
  'changeVMGroupInfo',
  'addVMs',
  'removeVMs',
  'changeHealthCheckerInfo',
]);

const fail = (message: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: DRIVER_NAME, operation: 'createNativeDriver', message });

/**
 * Creates the native driver.
 *
 * @example
 * const driver = createNativeDriver({
 *   store: createMemoryStore(),
 *   vipPool: { ranges: ['10.99.0.0/24'] },
 *   vmInventory: { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' } },
 *   agent: { executor: netnsExecutor('nlbk-lb1') },
 * });
 * const nlb = await driver.createNLB({ iid: { nameId: 'web' }, listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }, { nameId: 'web2' }] },
 *   healthChecker: { protocol: 'TCP' } });
 */
export function createNativeDriver(options: NativeDriverOptions): NativeDriver {
  const { store } = options;
  const pool = createVipPool(options.vipPool.ranges);
  const hashSeed = options.hashSeed ?? DEFAULT_HASH_SEED;
  const maglevTableSize = options.maglevTableSize ?? DEFAULT_MAGLEV_TABLE_SIZE;
  if (!Number.isInteger(hashSeed) || hashSeed < 0 || hashSeed > 0xffffffff)
    throw fail(`hashSeed must be a whole number 0-4294967295, not ${hashSeed}`);
  if (!isPrime(maglevTableSize) || maglevTableSize > 1_000_003)
    throw fail(
      `maglevTableSize must be a prime up to 1000003 (e.g. 251, 4093, 65537), not ${maglevTableSize}`,
    );
  let forwarding: ReturnType<typeof nativeForwarding>;
  try {
    forwarding = nativeForwarding(options.forwardingModes ?? embeddedForwarding(options.agent));
  } catch (e) {
    throw fail((e as Error).message);
  }
  const timeoutMs = options.convergenceTimeoutMs ?? 30_000;

  let agent: Agent | undefined;
  let agentStarted: Promise<unknown> | undefined;
  let closed = false;
  const throwIfClosed = (operation: string) => {
    if (closed)
      throw new NLBError({
        code: 'UNAVAILABLE',
        driver: DRIVER_NAME,
        operation,
        retryable: false,
        message: 'the driver is closed; create a new one',
      });
  };
  let ownedHealth: HealthSource | undefined;
  if (options.agent) {
    const a = options.agent;
    const node = a.node ?? 'embedded';
    // 'auto': checks originate where the data plane is (Node cannot enter a namespace itself).
    if (a.health === 'auto') {
      // Bad probe settings fail before any checks start.
      const probe = resolveProbe({ probe: a.probe, dsrProbe: a.dsr?.probe, dsrEgress: a.dsr?.egress });
      const direct = a.executor.netns
        ? createNetnsHealthSource({ netns: a.executor.netns, monitorOptions: { seed: node } })
        : createHealthMonitor({ seed: node });
      ownedHealth = probe
        ? createPathHealthSource({
            direct,
            dsr: createDsrProbeHealth({ executor: a.executor, ...probe, seed: node }),
          })
        : direct;
    }
    // Bad data-plane options fail here, with the other options, rather than at the agent's first sync.
    const dataplane = dataplaneFactory(a, { vipRanges: options.vipPool.ranges, snat: options.snat ?? false });
    agent = createAgent({
      store,
      node,
      executor: a.executor,
      dataplane,
      interface: a.interface,
      intervalSeconds: a.intervalSeconds,
      health: a.health === 'auto' ? ownedHealth : a.health,
      allDown: a.allDown,
      announce: announcerFor(a.announce, { store, node, executor: a.executor }),
    });
  }
  const nodes = options.nodes ?? (agent ? [agent.node] : undefined);
  const applyMode = options.applyMode ?? (agent ? 'wait-for-agents' : 'store-only');
  const startAgent = () => {
    // Started on first use, so constructing a driver has no side effects; a failed first reconcile is
    // retried by the agent and surfaces through waitForConvergence.
    agentStarted ??=
      agent?.start().then(
        () => undefined,
        (e: unknown) => {
          // No store yet: the agent does not run on one that does not exist. The driver's first write
          // creates it, and the next call starts the agent again.
          if (isStoreMissing(e)) agentStarted = undefined;
        },
      ) ?? Promise.resolve();
    return agentStarted;
  };

  /** The embedded agent, asked directly while waiting: no polling delay in single-process setups. */
  const embedded = agent && {
    node: agent.node,
    reconcile: () =>
      (agent as Agent).reconcile().then(
        (o) => o.revision,
        () => undefined,
      ),
  };

  /** Waits for the nodes in `nodes` (default: see nodesToWaitFor) to apply `revision`. */
  async function waitForConvergence(
    opts: ConvergenceOptions = {},
    operation = 'waitForConvergence',
    progress?: ProgressReporter,
  ) {
    await startAgent();
    const revision = opts.revision ?? (await store.revision());
    return waitForNodes({
      store,
      revision,
      timeoutMs: opts.timeoutMs ?? timeoutMs,
      operation,
      signal: opts.signal,
      progress,
      expected: (reports) => nodesToWaitFor(reports, revision, { configured: nodes, now: Date.now() }),
      embedded,
      pollMs: agent ? 200 : 100,
    });
  }

  /** A call's `wait`: every node of the store, or those in `options.nodes`, must apply `revision`. */
  const waitForCall = (revision: number, waitMs: number | undefined, ctx: BackendContext) =>
    waitForNodes({
      store,
      revision,
      timeoutMs: waitMs ?? timeoutMs,
      operation: ctx.operation,
      signal: ctx.signal,
      progress: ctx.progress,
      expected: (reports) =>
        nodesToWaitFor(reports, revision, {
          configured: options.nodes,
          embedded: agent?.node,
          now: Date.now(),
        }),
      embedded,
      pollMs: agent ? 200 : 100,
    });

  const backend = createNativeBackend({
    store,
    pool,
    inventory: options.vmInventory,
    settings: { snat: options.snat ?? false, hashSeed, maglevTableSize },
    nodes,
    contention: { deadlineMs: options.contentionTimeoutMs ?? 30_000 },
    afterWrite: async (revision: number, ctx: BackendContext) => {
      ctx.progress('stored', `stored as store revision ${revision}`);
      const wait = waiting.current();
      if (wait) await waitForCall(revision, wait.timeoutMs, ctx);
      else if (applyMode === 'wait-for-agents')
        await waitForConvergence({ revision, signal: ctx.signal }, ctx.operation, ctx.progress);
    },
  });
  /**
   * The store exists once this driver's first mutation made sure of it (before the mutation's own
   * reads, e.g. whether the name is taken). Only then: a store lost later (a deleted state.json) is an
   * error for every call, never silently created again empty.
   */
  let created: Promise<unknown> | undefined;
  const ensureStore = () => {
    created ??= store.create().catch((e: unknown) => {
      created = undefined;
      throw e;
    });
    return created;
  };
  const guarded = createGuardedHandler({
    capabilities: {
      ...structuredClone(NATIVE_CAPABILITIES),
      addressFamilies: nativeAddressFamilies(pool.families),
      forwarding,
    },
    backend,
    // The embedded agent starts with the driver's first call, whatever the apply mode.
    beforeOperation: async (operation) => {
      throwIfClosed(operation);
      if (MUTATIONS.has(operation)) await ensureStore();
      await startAgent();
    },
  });

  const waiting = withWaitOption(guarded);

  return Object.assign(waiting.handler, {
    store,
    agent,
    waitForConvergence: async (opts?: ConvergenceOptions) => {
      throwIfClosed('waitForConvergence');
      return waitForConvergence(opts);
    },
    close: async (opts?: { teardown?: boolean }) => {
      closed = true;
      if (!agent) return;
      if (opts?.teardown) await agent.teardown();
      else await agent.stop();
      await ownedHealth?.close();
    },
  });
}
