/**
 * The health monitor: the agent's {@link HealthSource}. It owns the targets' state machines, schedules
 * their checks on one timer, batches state changes into few notifications, and counts what it does.
 */
import type { VMHealthState } from '../../interfaces/types.js';
import { runCheck } from './checkers/index.js';
import type { Checker, CheckSpec } from './checkers/types.js';
import { type Clock, systemClock } from './clock.js';
import { ChangeCoalescer, type HealthChange } from './coalescer.js';
import { parseExpectedCodes } from './expected-codes.js';
import { type MetricsServer, type MetricsServerOptions, startMetricsServer } from './metrics-server.js';
import { MonitorMetrics } from './monitor-metrics.js';
import { CheckScheduler, type ScheduledRun } from './scheduler.js';
import { applyOutcome, initialHealth } from './state-machine.js';
import type { HealthSource, HealthTarget, TargetHealth } from './types.js';

/** A target with the checker options the contract does not carry (all optional). */
export interface MonitorTarget extends HealthTarget {
  /** HTTP(S) Host header and TLS SNI name. Default: the address. */
  host?: string;
  /** HTTPS: verify the certificate. Default false (as AWS, GCP, Azure and Octavia checks). */
  tlsVerify?: boolean;
  /** HTTPS with tlsVerify: extra trusted CA certificates (PEM). */
  ca?: string | Buffer;
  /** UDP probe datagram. Default empty. */
  udpPayload?: Buffer;
}

/** One finished check, for logs and benchmarks. Times are the clock's milliseconds. */
export interface CheckEvent {
  key: string;
  ok: boolean;
  reason?: string;
  scheduledAt: number;
  startedAt: number;
  durationMs: number;
}

/** Options of {@link createHealthMonitor}; every one has a default. */
export interface HealthMonitorOptions {
  /** Most checks at once. Default 256: each holds a socket, so stay well under `ulimit -n`. */
  concurrency?: number;
  /** Mixed into each target's jitter phase; set it to the node name so LB nodes don't check in lockstep. */
  seed?: string;
  /** Batch a notification after this long without a new change. Default 250 ms. */
  coalesceQuietMs?: number;
  /** ...but never hold a change longer than this. Default 2000 ms. */
  coalesceMaxDelayMs?: number;
  /** Default: the system clock (tests inject a fake one). */
  clock?: Clock;
  /** Default: the real TCP/HTTP(S)/UDP checkers. */
  checker?: Checker;
  /** Told about every finished check. */
  onCheck?: (event: CheckEvent) => void;
  /** Told when an onChange listener throws (other listeners still run). Default: process warning. */
  onError?: (err: unknown) => void;
}

/** The listener of {@link HealthMonitor.onChange}: changed keys, and what each changed from and to. */
export type ChangeListener = (keys: string[], changes: readonly HealthChange[]) => void;

/** A running health monitor: the {@link HealthSource} the agent uses, plus metrics. */
export interface HealthMonitor extends HealthSource {
  /** Replaces the targets. Unchanged keys keep state and schedule; never notifies (the caller knows). */
  update(targets: readonly MonitorTarget[]): void;
  /** Batched, debounced state changes; returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Every target's health (copies). */
  states(): Map<string, TargetHealth>;
  /** Delivers pending batched changes now. */
  flush(): void;
  /** Counters and histograms in the Prometheus text exposition format. */
  metricsText(): string;
  /** Serves metricsText() at GET /metrics (default 127.0.0.1, free port); closed by close(). */
  serveMetrics(opts?: MetricsServerOptions): Promise<MetricsServer>;
}

interface TargetRecord {
  target: MonitorTarget;
  spec: CheckSpec;
  /** What makes two targets "the same backend check": changing it resets health. */
  identity: string;
  health: TargetHealth;
}

/**
 * What makes two targets "the same backend check": `update()` keeps the health of a key whose identity
 * is unchanged and starts a changed one afresh. Exported for mirrors of a monitor (the netns source).
 */
export function targetIdentity(t: MonitorTarget): string {
  return JSON.stringify([
    t.address,
    t.port,
    t.protocol,
    t.httpPath ?? '/',
    t.expectedCodes ?? '',
    t.host ?? '',
    t.tlsVerify === true,
    t.ca?.toString() ?? '',
    t.udpPayload?.toString('hex') ?? '',
  ]);
}

function specOf(t: MonitorTarget): CheckSpec {
  const spec: CheckSpec = {
    address: t.address,
    port: t.port,
    protocol: t.protocol,
    timeoutMs: t.timeout * 1000,
  };
  if (t.httpPath !== undefined) spec.httpPath = t.httpPath;
  if (t.expectedCodes !== undefined) spec.expectedCodes = parseExpectedCodes(t.expectedCodes);
  if (t.host !== undefined) spec.host = t.host;
  if (t.tlsVerify !== undefined) spec.tlsVerify = t.tlsVerify;
  if (t.ca !== undefined) spec.ca = t.ca;
  if (t.udpPayload !== undefined) spec.udpPayload = t.udpPayload;
  return spec;
}

/** Throws the RangeError `update()` would throw for `t`. Exported so a proxy can fail the same way. */
export function validateTarget(t: MonitorTarget): void {
  const bad = (what: string) => new RangeError(`health target ${t.key}: ${what}`);
  if (!(t.interval > 0)) throw bad(`interval must be positive seconds, got ${t.interval}`);
  if (!(t.timeout > 0)) throw bad(`timeout must be positive seconds, got ${t.timeout}`);
  if (!Number.isInteger(t.rise) || t.rise < 1) throw bad(`rise must be a whole number >= 1, got ${t.rise}`);
  if (!Number.isInteger(t.fall) || t.fall < 1) throw bad(`fall must be a whole number >= 1, got ${t.fall}`);
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535)
    throw bad(`port must be 1-65535, got ${t.port}`);
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
  const listeners = new Set<ChangeListener>();
  const servers = new Set<MetricsServer>();
  let closed = false;
  const onError =
    opts.onError ?? ((err: unknown) => process.emitWarning(`nlbkit health listener failed: ${err}`));

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

  const run = async ({ key, scheduledAt, startedAt, signal }: ScheduledRun): Promise<void> => {
    const record = records.get(key);
    if (!record) return;
    metrics.lateness.observe(Math.max(0, startedAt - scheduledAt) / 1000);
    const outcome = await checker(record.spec, signal);
    // A check aborted (target removed, monitor closed) or replaced (its address changed) is no evidence.
    if (signal.aborted || closed || records.get(key) !== record) return;
    const finishedAt = clock.now();
    const protocol = { protocol: record.target.protocol };
    metrics.checks.inc(protocol);
    if (!outcome.ok) metrics.failures.inc(protocol);
    metrics.duration.observe((finishedAt - startedAt) / 1000);
    const from = record.health.state;
    const { health, changed } = applyOutcome(record.health, outcome, record.target, new Date(finishedAt));
    record.health = health;
    if (changed) {
      metrics.stateChanges.inc({ to: health.state });
      const change: HealthChange = { key, from, to: health.state, at: new Date(finishedAt) };
      if (outcome.reason !== undefined) change.reason = outcome.reason;
      coalescer.add(change);
    }
    if (opts.onCheck) {
      const event: CheckEvent = {
        key,
        ok: outcome.ok,
        scheduledAt,
        startedAt,
        durationMs: finishedAt - startedAt,
      };
      if (outcome.reason !== undefined) event.reason = outcome.reason;
      opts.onCheck(event);
    }
  };

  const scheduler = new CheckScheduler({
    clock,
    concurrency: opts.concurrency ?? 256,
    run,
    onSkip: (_key, reason, slots) => metrics.skipped.inc({ reason }, slots),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });

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
      const specs = new Map([...next].map(([k, t]) => [k, specOf(t)] as const));
      for (const key of [...records.keys()]) {
        if (next.has(key)) continue;
        records.delete(key);
        scheduler.unschedule(key);
        coalescer.drop(key);
      }
      for (const [key, target] of next) {
        const identity = targetIdentity(target);
        const old = records.get(key);
        const spec = specs.get(key) as CheckSpec;
        if (old && old.identity === identity) {
          // Same backend, maybe new timing or thresholds: keep what we know, apply the new settings.
          old.target = target;
          old.spec = spec;
        } else {
          if (old) scheduler.unschedule(key); // abort the old check: its result is about another backend
          records.set(key, { target, spec, identity, health: initialHealth(target.initial) });
        }
        scheduler.schedule(key, target.interval * 1000);
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
      await scheduler.close();
      await Promise.all([...servers].map((s) => s.close()));
      servers.clear();
    },
  };
  return monitor;
}
