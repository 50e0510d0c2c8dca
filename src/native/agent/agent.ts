/**
 * The agent of one LB node: reconciles the node's kernel with the store, whenever the store or health
 * changes and every `intervalSeconds` anyway (reconcile, don't trust: someone may have flushed the
 * ruleset or removed a VIP). Runs are serialized; a run plans from one store snapshot, syncs the data
 * plane, verifies it against the kernel, puts the VIPs on the interface and reports back.
 */
import { isNLBError } from '../../interfaces/errors.js';
import type { VMHealthState } from '../../interfaces/types.js';
import { type Announcer, noAnnouncer } from '../announce/types.js';
import type { Executor } from '../executor/types.js';
import { createPathHealthSource } from '../health/path-health-source.js';
import type { AllDownMode } from '../health/select-backends.js';
import type { HealthSource, TargetHealth } from '../health/types.js';
import type { Dataplane, SyncResult } from '../model.js';
import { isStoreMissing } from '../store/store-errors.js';
import type { NodeReport, StateStore } from '../store/types.js';
import { planNode } from './desired-state.js';
import { createFlowCutter, cutsOf } from './flow-cutter.js';
import { healthReport } from './health-report.js';
import { healthSeed } from './health-seed.js';
import { VipAddresses } from './vip-addresses.js';

/** Options of {@link createAgent}. */
export interface AgentOptions {
  /** Where desired state is read and reports are written. */
  store: StateStore;
  /** This node's name in the store (letters, digits, '.', '_', '-'). */
  node: string;
  /** Runs `ip` (and, for the default data plane, `nft`) on the node. */
  executor: Executor;
  /**
   * The data plane, or a factory for it (preferred). With a factory, drift found by verify is repaired
   * by a fresh instance, whose first sync is a full atomic rebuild (a fresh instance adopts the kernel's
   * table only when it reads back exactly as desired, which verify just said it does not); with an
   * instance, by destroying its table and syncing again (not atomic: new flows miss the table for a
   * moment). A restarted agent's fresh instance adopts the unchanged table: no rule is replaced.
   */
  dataplane: Dataplane | (() => Dataplane);
  /**
   * Interface for the VIPs. Default `nlbkit0`, a dummy interface the agent creates and owns (`lo` when
   * the kernel has no dummy driver).
   */
  interface?: string;
  /** Seconds between periodic reconciles. Default 10. */
  intervalSeconds?: number;
  /** Health monitor; without it every backend is rendered and nothing is reported as measured. */
  health?: HealthSource;
  /** What to render when every backend of a service is unhealthy. Default `fail-open`. */
  allDown?: AllDownMode;
  /**
   * How the node announces its VIPs (`l2`, `bgp`); told after every successful apply, stopped
   * (withdraw, hand over) by `stop()`. Default: none (VIPs only on the agent's interface).
   */
  announce?: Announcer;
  /** Where the agent says what it did and what failed. Default: nowhere. */
  log?: (line: string) => void;
}

/** What one reconcile did. */
export interface ReconcileOutcome {
  /** The store revision the kernel now holds. */
  revision: number;
  sync: SyncResult;
  /** Differences verify found after the sync (then repaired by a second sync). */
  drift: string[];
  vipsAdded: string[];
  vipsRemoved: string[];
  /** Whether the node report in the store was rewritten. */
  reported: boolean;
}

/** A running agent. */
export interface Agent {
  readonly node: string;
  /**
   * Reconciles once, then on store changes, health changes and every interval. Rejects if that first
   * reconcile fails; the agent then keeps retrying, except on a store that does not exist
   * (`isStoreMissing`): then it does not run at all (a mistyped store is not an empty one).
   */
  start(): Promise<ReconcileOutcome>;
  /** Runs a reconcile that starts after this call (joining one already queued); serialized. */
  reconcile(): Promise<ReconcileOutcome>;
  /** The last successful outcome. */
  readonly lastOutcome: ReconcileOutcome | undefined;
  /** Stops reconciling. The kernel keeps its state, so traffic flows on across an agent restart. */
  stop(): Promise<void>;
  /** Stops, then removes everything the agent put on the node (ruleset, VIPs it owns). */
  teardown(): Promise<void>;
}

/**
 * Creates an agent; call `start()` to run it.
 *
 * @example
 * const agent = createAgent({ store: createFileStore('/var/lib/nlbkit'), node: 'lb1',
 *   executor: localExecutor(), dataplane: () => createNftDataplane({ executor: localExecutor() }) });
 * await agent.start();
 */
export function createAgent(options: AgentOptions): Agent {
  const { store, node } = options;
  // Targets carry the path their check must take (dsr: through the VIP); a source that does not follow
  // paths is wrapped, so such targets fail closed instead of being checked at the backend's address.
  const health =
    options.health === undefined || options.health.followsPaths === true
      ? options.health
      : createPathHealthSource({ direct: options.health });
  const log = options.log ?? (() => undefined);
  const intervalMs = (options.intervalSeconds ?? 10) * 1000;
  const factory = typeof options.dataplane === 'function' ? options.dataplane : undefined;
  let dataplane: Dataplane = factory ? factory() : (options.dataplane as Dataplane);
  const vipAddresses = new VipAddresses(options.executor, options.interface, log);
  const announcer = options.announce ?? noAnnouncer();
  let owned: Set<string> | undefined;
  let lastReport: string | undefined;
  let lastHealth: NodeReport['health'] = {};
  let appliedRevision = 0;
  let lastOutcome: ReconcileOutcome | undefined;
  let plannedRevision = -1;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let retryMs = 1000;
  const unsubscribe: (() => void)[] = [];
  const cutFlows = createFlowCutter(options.executor, log);
  let nextDrainEnd: number | undefined;
  // A drain that ends before the next interval wakes the agent then (plus a moment, so it has ended).
  const wakeIn = (ms: number) =>
    nextDrainEnd === undefined ? ms : Math.max(0, Math.min(ms, nextDrainEnd - Date.now() + 50));

  async function report(r: Omit<NodeReport, 'node' | 'updatedAt'>): Promise<boolean> {
    // Only a report that says something new is written: an idle agent does not churn the store.
    const body = JSON.stringify(r);
    if (body === lastReport) return false;
    await store.putNodeReport({ node, updatedAt: new Date().toISOString(), ...r });
    lastReport = body;
    lastHealth = r.health;
    return true;
  }

  async function readStore() {
    try {
      return await store.list();
    } catch (e) {
      // Lost, unreachable or unreadable: not empty. The kernel keeps what it serves; the next try
      // (backing off up to the interval) or a store change brings the agent back.
      const message = e instanceof Error ? e.message : String(e);
      const code = isNLBError(e) ? e.code : 'ERROR';
      log(
        `${node}: cannot read the store (${code}): ${message}; the kernel keeps revision ${appliedRevision} as it is; retrying`,
      );
      if (owned)
        await report({
          appliedRevision,
          attemptedRevision: Math.max(plannedRevision, 0),
          error: `cannot read the store (${code}): ${message}`.slice(0, 4000),
          vips: [...owned].sort(),
          health: lastHealth,
        }).catch(() => undefined);
      throw e;
    }
  }

  async function once(): Promise<ReconcileOutcome> {
    const snapshot = await readStore();
    plannedRevision = snapshot.revision;
    let seed: Map<string, VMHealthState> | undefined;
    if (!owned) {
      const reports = await store.listNodeReports();
      const mine = reports.find((r) => r.node === node);
      owned = new Set(mine?.vips ?? []);
      appliedRevision = mine?.appliedRevision ?? 0;
      seed = healthSeed(reports);
    }
    try {
      const probe = planNode(snapshot, () => 'UNKNOWN');
      // The first targets start at the cluster's verdicts, so this node renders what the others do.
      health?.update(
        seed
          ? probe.targets.map((t) => ({ ...t, ...(seed.has(t.key) ? { initial: seed.get(t.key) } : {}) }))
          : probe.targets,
      );
      // Report what this plan renders: a verdict that lands while it applies is reported by the next
      // reconcile (its change notification triggers one), never before new flows obey it.
      const seen = new Map<string, TargetHealth | undefined>();
      const planned = {
        get: (key: string) => {
          if (!seen.has(key)) seen.set(key, health?.get(key));
          return seen.get(key);
        },
      };
      const plan = planNode(snapshot, (key) => planned.get(key)?.state ?? 'UNKNOWN', options.allDown);
      let sync = await dataplane.sync(plan.state);
      const drift = await dataplane.verify(plan.state);
      if (drift.length > 0) {
        log(
          `${node}: kernel drifted from revision ${plan.revision} (${drift.slice(0, 3).join('; ')}); rebuilding`,
        );
        // A fresh instance knows nothing; it would adopt the kernel's table only if it read back as
        // desired, which verify just denied, so its first sync is a full atomic rebuild. A lone instance
        // may believe the kernel is in sync: remove its table first (new flows miss it for a moment;
        // established ones keep their NAT binding in conntrack).
        if (factory) dataplane = factory();
        else await dataplane.destroy();
        sync = await dataplane.sync(plan.state);
        const still = await dataplane.verify(plan.state);
        if (still.length > 0)
          throw new Error(`kernel still differs after a rebuild: ${still.slice(0, 3).join('; ')}`);
      }
      // An announcer that places VIPs itself (l2) must be the only one to: a VIP held anywhere on a
      // node that does not own it would be answered by ARP there too.
      const vips = await vipAddresses.reconcile(announcer.managesAddresses ? [] : plan.vips, owned);
      owned = new Set(vips.owned);
      appliedRevision = plan.revision;
      const announce = await announcer.update(plan.announce);
      await cutFlows(cutsOf(plan.state));
      nextDrainEnd = plan.nextDrainEnd;
      const reported = await report({
        appliedRevision,
        attemptedRevision: plan.revision,
        vips: vips.owned,
        health: healthReport(snapshot, health && planned),
        ...(announcer.mode === 'none' ? {} : { announce }),
      });
      if (sync.mode !== 'none' || vips.added.length + vips.removed.length > 0)
        log(`${node}: applied revision ${plan.revision} (${sync.mode}, ${sync.statements} statements)`);
      return {
        revision: plan.revision,
        sync,
        drift,
        vipsAdded: vips.added,
        vipsRemoved: vips.removed,
        reported,
      };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log(`${node}: reconcile of revision ${snapshot.revision} failed: ${message}`);
      await report({
        appliedRevision,
        attemptedRevision: snapshot.revision,
        error: message.slice(0, 4000),
        vips: [...owned].sort(),
        health: healthReport(snapshot, health),
      }).catch(() => undefined);
      throw isNLBError(e) ? e : new Error(message, { cause: e });
    }
  }

  let chain: Promise<unknown> = Promise.resolve();
  let queued: Promise<ReconcileOutcome> | undefined;
  function reconcile(): Promise<ReconcileOutcome> {
    if (queued) return queued;
    const p = chain.then(async () => {
      queued = undefined;
      const outcome = await once();
      lastOutcome = outcome;
      return outcome;
    });
    queued = p;
    chain = p.catch(() => undefined);
    return p;
  }

  function schedule(ms: number) {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
  }
  async function tick() {
    try {
      await reconcile();
      retryMs = 1000;
      schedule(wakeIn(intervalMs));
    } catch {
      // Retry sooner than the interval after a failure, backing off up to it.
      schedule(Math.min(retryMs, intervalMs));
      retryMs = Math.min(retryMs * 2, intervalMs);
    }
  }
  // Store watchers also fire for node reports, our own included: only a new revision means work.
  const onStoreChange = () => {
    if (!running) return;
    void store.revision().then(
      (r) => {
        if (r !== plannedRevision) void tick();
      },
      () => void tick(),
    );
  };
  const trigger = () => {
    if (running) void tick();
  };

  return {
    node,
    get lastOutcome() {
      return lastOutcome;
    },
    async start() {
      if (running) return reconcile();
      running = true;
      unsubscribe.push(store.watch(onStoreChange));
      if (health) unsubscribe.push(health.onChange(trigger));
      unsubscribe.push(announcer.onChange(trigger));
      try {
        const outcome = await reconcile();
        schedule(wakeIn(intervalMs));
        return outcome;
      } catch (e) {
        if (isStoreMissing(e)) {
          await this.stop();
          throw e;
        }
        schedule(Math.min(retryMs, intervalMs));
        throw e;
      }
    },
    reconcile,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const u of unsubscribe.splice(0)) u();
      await chain;
      // After the last reconcile: nothing may announce again once withdrawn.
      await announcer.stop();
    },
    async teardown() {
      await this.stop();
      await dataplane.destroy();
      await vipAddresses.removeAll(owned ?? new Set());
      owned = new Set();
    },
  };
}
