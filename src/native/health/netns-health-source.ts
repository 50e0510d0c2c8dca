/**
 * A {@link HealthSource} whose checks run inside a network namespace. Node cannot setns(), so a process
 * in the host namespace that programs an LB node's namespace (the embedded agent with a netnsExecutor)
 * would otherwise open its check sockets in the wrong namespace: they would not take the data plane's
 * route, and backends reachable only from the LB node would look dead. Instead one long-lived worker
 * (netns-worker-main.ts) runs the monitor in the namespace; this side keeps a mirror of its states so
 * `get()` stays synchronous. Protocol: netns-protocol.ts.
 */
import { runnableProgram } from '../../common/runnable-program.js';
import { assertNetnsName } from '../executor/netns-executor.js';
import { locateTcpChecker } from './checkers/native-tcp-prober.js';
import type { ChangeListener, MonitorTarget } from './monitor.js';
import { targetIdentity, validateTarget } from './monitor.js';
import {
  changeFromWire,
  healthFromWire,
  type ToParent,
  type ToWorker,
  targetToWire,
  type WorkerMonitorOptions,
} from './netns-protocol.js';
import { spawnWorker, type WorkerProcess } from './netns-worker-process.js';
import { initialHealth } from './state-machine.js';
import type { HealthSource, TargetHealth } from './types.js';

export type { WorkerMonitorOptions } from './netns-protocol.js';

/** Options of {@link createNetnsHealthSource}. */
export interface NetnsHealthSourceOptions {
  /** The network namespace (`ip netns` name) the checks run in. */
  netns: string;
  /** Options of the monitor in the namespace (seed, concurrency, coalescing). */
  monitorOptions?: WorkerMonitorOptions;
  /**
   * How often the worker sends its heartbeat: the targets whose state or reason changed since it last
   * said, and its metrics. Default 1000 ms.
   */
  snapshotIntervalMs?: number;
  /**
   * A target whose state and reason stay the same is reported again after this long, so the mirror's
   * `lastCheck` and streak counters are at most this old. Default 60,000 ms.
   */
  refreshIntervalMs?: number;
  /** Restart delay after a worker dies: doubles from `min` to `max`. Default 200 ms to 10 s. */
  restartDelayMs?: { min?: number; max?: number };
  /** Where worker crashes and its stderr go. Default: process warnings. */
  log?: (line: string) => void;
  /** Told when an onChange listener throws. Default: process warning. */
  onError?: (err: unknown) => void;
}

/** A health source whose checks run in a network namespace; the monitor's API, proxied. */
export interface NetnsHealthSource extends HealthSource {
  /** Replaces the targets; throws (changing nothing) for a target the monitor would refuse. */
  update(targets: readonly MonitorTarget[]): void;
  /** Batched, debounced state changes, as the monitor delivers them; returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Every target's health (copies). */
  states(): Map<string, TargetHealth>;
  /** The worker's metrics as of its last heartbeat (at most `snapshotIntervalMs` old); '' before it. */
  metricsText(): string;
  /**
   * Resolves when a worker is up (starting one if none was yet); rejects if it dies first (e.g. no such
   * namespace) or on close().
   */
  ready(): Promise<void>;
  /** The running worker's process id (node itself: `ip netns exec` execs it). */
  readonly workerPid: number | undefined;
  /** Workers started after the first (crash restarts). */
  readonly restarts: number;
}

/** Prefix of a target's reason while its worker restarts and its state is carried over. */
export const RESTARTING_REASON = 'health worker restarting';
/** A worker that ran this long before dying restarts after the shortest delay again. */
const STABLE_MS = 30_000;

interface Entry {
  target: MonitorTarget;
  identity: string;
  /** The update that created this identity: worker replies from before it are about something else. */
  since: number;
  health: TargetHealth;
  /** Carried over a worker restart: replaced only by a verdict of the new worker. */
  stale: boolean;
}

/**
 * Creates a source whose monitor runs in a worker in namespace `netns`; the worker starts with the
 * first update() (or ready()), so creating one has no side effects.
 * A worker that dies is restarted with a bounded backoff; meanwhile every target keeps its last state
 * (stale, never invented), its reason saying {@link RESTARTING_REASON}, and the new worker starts each
 * target from that state. Call close() to stop it.
 *
 * @throws Error for an invalid namespace name, before anything runs.
 * @example
 * const health = createNetnsHealthSource({ netns: 'nlbk-lb', monitorOptions: { seed: 'lb0' } });
 * const driver = createNativeDriver({ store: createMemoryStore(), vipPool: { ranges: ['10.99.0.0/24'] },
 *   vmInventory: { web1: { ipv4: '10.0.0.11' } }, agent: { executor: netnsExecutor('nlbk-lb'), health } });
 */
export function createNetnsHealthSource(options: NetnsHealthSourceOptions): NetnsHealthSource {
  const { netns } = options;
  assertNetnsName(netns, 'createNetnsHealthSource');
  const log = options.log ?? ((line: string) => process.emitWarning(line));
  const onError = options.onError ?? ((err) => process.emitWarning(`nlbkit health listener failed: ${err}`));
  const minDelay = options.restartDelayMs?.min ?? 200;
  const maxDelay = options.restartDelayMs?.max ?? 10_000;
  const entries = new Map<string, Entry>();
  const listeners = new Set<ChangeListener>();
  const waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let seq = 0;
  let child: WorkerProcess | undefined;
  let up = false;
  let started = 0;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let metrics = '';
  let closed = false;
  let exited: Promise<void> = Promise.resolve();

  const send = (message: ToWorker) => child?.send(message);
  const wire = () =>
    // A fresh worker starts each target from the state we know, so a restart invents nothing.
    [...entries.values()].map(({ target, health }) =>
      targetToWire(health.state === 'UNKNOWN' ? target : { ...target, initial: health.state }),
    );

  /** Takes the worker's view of `key` (said as of update `at`); false if it is not ours to take. */
  const take = (key: string, h: TargetHealth, at: number): boolean => {
    const e = entries.get(key);
    if (!e || at < e.since || (e.stale && !h.lastCheck)) return false;
    // A restarted worker knows the state but not since when: keep the date we had.
    if (!h.lastChange && e.health.lastChange && h.state === e.health.state)
      h.lastChange = e.health.lastChange;
    e.health = h;
    e.stale = false;
    return true;
  };

  const onMessage = (m: ToParent) => {
    if (m.type === 'ready') {
      up = true;
      for (const w of waiters.splice(0)) w.resolve();
    } else if (m.type === 'delta') {
      metrics = m.metrics;
      for (const [key, h] of Object.entries(m.health)) take(key, healthFromWire(h), m.seq);
    } else if (m.type === 'changes') {
      for (const [key, h] of Object.entries(m.health)) take(key, healthFromWire(h), m.seq);
      // Only changes about the targets we have now, after the mirror holds them: listeners read get().
      const changes = m.changes.filter((c) => (entries.get(c.key)?.since ?? Infinity) <= m.seq);
      if (changes.length === 0) return;
      const keys = changes.map((c) => c.key);
      for (const listener of [...listeners]) {
        try {
          listener(keys, changes.map(changeFromWire));
        } catch (err) {
          onError(err);
        }
      }
    } else {
      log(`nlbkit health worker in ${netns}: update ${m.seq} failed: ${m.message}`);
    }
  };

  const start = async () => {
    restartTimer = undefined;
    let file: string;
    try {
      file = await runnableProgram(import.meta.url, 'netns-worker-main');
    } catch (err) {
      return died(`cannot prepare the worker: ${err}`);
    }
    if (closed) return;
    started += 1;
    const since = Date.now();
    let resolveExit: () => void = () => undefined;
    exited = new Promise((resolve) => {
      resolveExit = resolve;
    });
    const proc = spawnWorker(netns, file, {
      message: onMessage,
      invalid: (bytes) =>
        log(`nlbkit health worker in ${netns}: ignored an invalid message (${bytes} bytes)`),
      closed: (why) => {
        if (child === proc) child = undefined;
        up = false;
        resolveExit();
        if (Date.now() - since >= STABLE_MS) failures = 0;
        died(why);
      },
    });
    child = proc;
    // The worker may run from a transpiled copy in the temp directory, where it cannot find the
    // package's native TCP checker: tell it where this side found it.
    const tcpCheckerPath = locateTcpChecker();
    proc.send({
      type: 'init',
      monitor: { ...(tcpCheckerPath ? { tcpCheckerPath } : {}), ...options.monitorOptions },
      snapshotIntervalMs: options.snapshotIntervalMs ?? 1000,
      ...(options.refreshIntervalMs !== undefined ? { refreshIntervalMs: options.refreshIntervalMs } : {}),
    });
    proc.send({ type: 'update', seq, targets: wire() });
  };

  const died = (why: string) => {
    const error = new Error(`nlbkit health worker in ${netns} ${why}`);
    for (const w of waiters.splice(0)) w.reject(error);
    if (closed) return;
    for (const e of entries.values()) {
      if (!e.stale)
        e.health = {
          ...e.health,
          reason: `${RESTARTING_REASON} (last: ${e.health.reason ?? e.health.state})`,
        };
      e.stale = true;
    }
    const delay = Math.min(maxDelay, minDelay * 2 ** failures);
    failures += 1;
    log(`${error.message}; restarting in ${delay} ms`);
    restartTimer = setTimeout(() => void start(), delay);
  };

  // Lazily, so that building a source (or a driver holding one) starts no process until there is work.
  let launched = false;
  const launch = () => {
    if (launched || closed) return;
    launched = true;
    void start();
  };

  return {
    update(targets) {
      if (closed) throw new Error('the health source is closed');
      const next = new Map<string, MonitorTarget>();
      for (const t of targets) {
        validateTarget(t);
        if (next.has(t.key)) throw new RangeError(`health target ${t.key} is listed twice`);
        next.set(t.key, t);
      }
      seq += 1;
      for (const key of [...entries.keys()]) if (!next.has(key)) entries.delete(key);
      for (const [key, target] of next) {
        const identity = targetIdentity(target);
        const old = entries.get(key);
        // Same rule as the monitor: the same backend keeps its health, a different one starts afresh.
        if (old && old.identity === identity) old.target = target;
        else
          entries.set(key, {
            target,
            identity,
            since: seq,
            health: initialHealth(target.initial),
            stale: false,
          });
      }
      send({ type: 'update', seq, targets: wire() });
      launch();
    },
    get(key) {
      const e = entries.get(key);
      return e ? { ...e.health } : undefined;
    },
    states() {
      return new Map([...entries].map(([k, e]) => [k, { ...e.health }]));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    metricsText: () => metrics,
    ready() {
      if (closed) return Promise.reject(new Error('the health source is closed'));
      if (up) return Promise.resolve();
      launch();
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    get workerPid() {
      return child?.pid;
    },
    get restarts() {
      return Math.max(0, started - 1);
    },
    async close() {
      if (closed) return exited;
      closed = true;
      listeners.clear();
      if (restartTimer) clearTimeout(restartTimer);
      const proc = child;
      if (proc) {
        // End of stdin asks the worker to close its checks and exit; SIGKILL if it does not, soon.
        proc.end();
        const kill = setTimeout(() => proc.kill(), 3000);
        await exited;
        clearTimeout(kill);
      }
      for (const w of waiters.splice(0)) w.reject(new Error('the health source is closed'));
    },
  };
}
