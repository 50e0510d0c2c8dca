/**
 * The health monitor: the agent's {@link HealthSource}. It owns the targets' state machines, schedules
 * their checks on one timer, batches state changes into few notifications, and counts what it does.
 */
import type { VMHealthState } from '../../interfaces/types.js';
import { runCheck } from './checkers/index.js';
import { createTcpProber } from './checkers/native-tcp-prober.js';
import type { TcpProber } from './checkers/tcp-prober.js';
import type { CheckSpec } from './checkers/types.js';
import { systemClock } from './clock.js';
import { ChangeCoalescer, type HealthChange } from './coalescer.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { MonitorMetrics } from './monitor-metrics.js';
import type {
  ChangeListener,
  CheckEvent,
  HealthMonitor,
  HealthMonitorOptions,
  MonitorTarget,
} from './monitor-types.js';
import { CheckScheduler, type ScheduledRun } from './scheduler.js';
import { applyOutcome, type CheckOutcome, initialHealth } from './state-machine.js';
import { probeIdOf, specOf, targetIdentity, validateTarget } from './target-spec.js';
import type { TargetHealth } from './types.js';

export type * from './monitor-types.js';
export { targetIdentity, validateTarget } from './target-spec.js';

interface TargetRecord {
  target: MonitorTarget;
  /** What makes two targets "the same backend check": changing it resets health. */
  identity: string;
  /** The check this target's verdicts come from, shared with every target of the same probe id. */
  probe: Probe;
  health: TargetHealth;
}

/** One check on the schedule: run once per interval for every target that shares it. */
interface Probe {
  id: string;
  spec: CheckSpec;
  intervalMs: number;
  records: Set<TargetRecord>;
  /** The TCP prober's token of the check in flight. */
  token?: number;
}

function copy(h: TargetHealth): TargetHealth {
  return { ...h };
}

/**
 * Creates a health monitor with no targets; call update() to start checking.
 *
 * @example
 * const monitor = createHealthMonitor({ seed: 'lb-node-1' });
 * monitor.onChange((keys) => console.log('health changed:', keys));
 * monitor.update([{ key: 'web/vm1', address: '10.0.0.5', port: 80, protocol: 'HTTP', interval: 5,
 *   timeout: 2, rise: 2, fall: 3, httpPath: '/healthz' }]);
 */
export function createHealthMonitor(opts: HealthMonitorOptions = {}): HealthMonitor {
  const clock = opts.clock ?? systemClock;
  const checker = opts.checker ?? runCheck;
  const metrics = new MonitorMetrics();
  const records = new Map<string, TargetRecord>();
  const probes = new Map<string, Probe>();
  const listeners = new Set<ChangeListener>();
  const servers = new Set<MetricsServer>();
  let closed = false;
  const onError =
    opts.onError ?? ((err: unknown) => process.emitWarning(`nlbkit health listener failed: ${err}`));
  // TCP checks skip the generic checker (a promise, a timer and an AbortSignal each) when nothing
  // replaces it: a prober runs them, made on the first TCP check.
  let prober: TcpProber | undefined;
  const useProber = opts.checker === undefined;
  const getProber = () => {
    prober ??= createTcpProber({
      mode: opts.tcpChecker ?? 'auto',
      ...(opts.tcpCheckerPath !== undefined ? { helperPath: opts.tcpCheckerPath } : {}),
      onFallback: (why) => process.emitWarning(why),
    });
    return prober;
  };
  const counted = new Map<string, { checks: () => void; failures: () => void }>();
  const countersOf = (protocol: string) => {
    let c = counted.get(protocol);
    if (!c) {
      c = { checks: metrics.checks.series({ protocol }), failures: metrics.failures.series({ protocol }) };
      counted.set(protocol, c);
    }
    return c;
  };

  const coalescer = new ChangeCoalescer(
    clock,
    opts.coalesceQuietMs ?? 250,
    opts.coalesceMaxDelayMs ?? 2000,
    (changes) => {
      metrics.notifications.inc();
      const keys = changes.map((c) => c.key);
      for (const listener of [...listeners]) {
        try {
          listener(keys, changes);
        } catch (err) {
          onError(err);
        }
      }
    },
  );

  /** Folds one finished check into every target that shares it. */
  const finish = (probe: Probe, run: ScheduledRun, outcome: CheckOutcome) => {
    // A check aborted (last target removed, monitor closed) or replaced is no evidence.
    if (closed || probes.get(probe.id) !== probe) return;
    const finishedAt = clock.now();
    const counters = countersOf(probe.spec.protocol);
    counters.checks();
    if (!outcome.ok) counters.failures();
    metrics.duration.observe((finishedAt - run.startedAt) / 1000);
    const at = new Date(finishedAt);
    let first: string | undefined;
    for (const record of probe.records) {
      first ??= record.target.key;
      const from = record.health.state;
      const { health, changed } = applyOutcome(record.health, outcome, record.target, at);
      record.health = health;
      if (!changed) continue;
      metrics.stateChanges.inc({ to: health.state });
      const change: HealthChange = { key: record.target.key, from, to: health.state, at };
      if (outcome.reason !== undefined) change.reason = outcome.reason;
      coalescer.add(change);
    }
    if (opts.onCheck && first !== undefined) {
      const event: CheckEvent = {
        key: first,
        targets: probe.records.size,
        ok: outcome.ok,
        scheduledAt: run.scheduledAt,
        startedAt: run.startedAt,
        durationMs: finishedAt - run.startedAt,
      };
      if (outcome.reason !== undefined) event.reason = outcome.reason;
      opts.onCheck(event);
    }
  };

  const run = (r: ScheduledRun): Promise<void> => {
    const probe = probes.get(r.key);
    if (!probe) return Promise.resolve();
    metrics.lateness.observe(Math.max(0, r.startedAt - r.scheduledAt) / 1000);
    const { spec } = probe;
    if (useProber && spec.protocol === 'TCP' && spec.localPort === undefined) {
      return new Promise((resolve) => {
        probe.token = getProber().probe(spec.address, spec.port, spec.timeoutMs, (ok, reason) => {
          probe.token = undefined;
          finish(probe, r, reason === undefined ? { ok } : { ok, reason });
          resolve();
        });
      });
    }
    return checker(spec, r.signal).then((outcome) => {
      if (!r.signal.aborted) finish(probe, r, outcome);
    });
  };

  const scheduler = new CheckScheduler({
    clock,
    concurrency: opts.concurrency ?? 256,
    run,
    onSkip: (_key, reason, slots) => metrics.skipped.inc({ reason }, slots),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });

  /** Takes a target off its check; a check left without targets stops (its run in flight is aborted). */
  const detach = (record: TargetRecord) => {
    const { probe } = record;
    probe.records.delete(record);
    if (probe.records.size > 0) return;
    probes.delete(probe.id);
    if (probe.token !== undefined) prober?.cancel(probe.token);
    scheduler.unschedule(probe.id);
  };

  const probeFor = (target: MonitorTarget, identity: string): Probe => {
    const id = probeIdOf(target, identity);
    let probe = probes.get(id);
    if (!probe) {
      probe = { id, spec: specOf(target), intervalMs: target.interval * 1000, records: new Set() };
      probes.set(id, probe);
      scheduler.schedule(id, probe.intervalMs);
    }
    return probe;
  };

  const monitor: HealthMonitor = {
    update(targets) {
      if (closed) throw new Error('the health monitor is closed');
      // Validate everything first so a bad target leaves the monitor exactly as it was.
      const next = new Map<string, MonitorTarget>();
      for (const t of targets) {
        validateTarget(t);
        if (next.has(t.key)) throw new RangeError(`health target ${t.key} is listed twice`);
        next.set(t.key, t);
      }
      for (const t of next.values()) specOf(t); // throws for bad expected codes, before any change
      for (const [key, record] of [...records]) {
        if (next.has(key)) continue;
        records.delete(key);
        detach(record);
        coalescer.drop(key);
      }
      for (const [key, target] of next) {
        const identity = targetIdentity(target);
        const old = records.get(key);
        const id = probeIdOf(target, identity);
        if (old && old.identity === identity) {
          // Same backend, maybe new timing or thresholds: keep what we know, apply the new settings.
          old.target = target;
          if (old.probe.id === id) continue;
          detach(old);
          old.probe = probeFor(target, identity);
          old.probe.records.add(old);
          continue;
        }
        // A new target, or another backend under this key: it starts afresh, on the check it shares.
        if (old) detach(old);
        const probe = probeFor(target, identity);
        const record: TargetRecord = { target, identity, probe, health: initialHealth(target.initial) };
        probe.records.add(record);
        records.set(key, record);
      }
    },
    get(key) {
      const r = records.get(key);
      return r ? copy(r.health) : undefined;
    },
    states() {
      return new Map([...records].map(([k, r]) => [k, copy(r.health)]));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    flush() {
      coalescer.flush();
    },
    metricsText() {
      const counts: Record<VMHealthState, number> = { HEALTHY: 0, UNHEALTHY: 0, UNKNOWN: 0 };
      for (const r of records.values()) counts[r.health.state]++;
      for (const [state, n] of Object.entries(counts)) metrics.targets.set({ state }, n);
      metrics.running.set({}, scheduler.running);
      metrics.queued.set({}, scheduler.queued);
      return metrics.render();
    },
    async serveMetrics(serverOpts) {
      if (closed) throw new Error('the health monitor is closed');
      const server = await startMetricsServer(() => monitor.metricsText(), serverOpts);
      servers.add(server);
      return server;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Pending changes are dropped, not delivered: nobody should act on a monitor that is shutting down.
      coalescer.cancel();
      listeners.clear();
      const stopping = scheduler.close();
      prober?.close(); // settles the TCP checks in flight, which the scheduler waits for
      await stopping;
      await Promise.all([...servers].map((s) => s.close()));
      servers.clear();
    },
  };
  return monitor;
}
