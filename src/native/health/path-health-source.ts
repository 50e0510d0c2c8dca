/**
 * A {@link HealthSource} that sends each check the way a client's packet goes. Targets without a
 * `path` go to the direct source (the node's own checks, to the backend's address). Targets with a dsr
 * path get a lane in the agent's probe namespace (dsr-probe-path.ts) and are checked there, addressed
 * to the VIP and delivered to the backend's MAC. Fail closed: a dsr target whose lane cannot be made
 * (no probe configured, no namespace, a command that failed, no free source port) is UNHEALTHY with
 * that reason at once, and never checked at the backend's own address.
 */
import type { VMHealthState } from '../../interfaces/types.js';
import { createDsrProbePath, type DsrProbePath, type DsrProbePathOptions } from './dsr-probe-path.js';
import { DEFAULT_PROBE_PORTS, type DsrLane, ipprotoOf, ProbePorts } from './dsr-probe-plan.js';
import { mergeMetricsTexts } from './metrics-merge.js';
import type { MonitorTarget } from './monitor-types.js';
import { createNetnsHealthSource } from './netns-health-source.js';
import { initialHealth } from './state-machine.js';
import type { HealthSource, HealthTarget, TargetHealth } from './types.js';

/** The reason of a dsr target when the agent has no probe path at all. */
export const NO_PROBE_REASON =
  'no VIP path: this agent has no probe (nlbkit agent --probe-address), so the dsr or tunnel path cannot be checked';

/** The checks that run inside the probe namespace (a netns health source there). */
export interface ProbeChecks {
  update(targets: readonly MonitorTarget[]): void;
  get(key: string): TargetHealth | undefined;
  onChange(listener: (keys: string[]) => void): () => void;
  /** The checks' metrics (Prometheus text), merged into the source's with `path="vip"`. */
  metricsText?(): string;
  close(): Promise<void>;
}

/** Options of {@link createPathHealthSource}. */
export interface PathHealthSourceOptions {
  /** Checks targets without a path (to the backend's own address). */
  direct: HealthSource & { metricsText?(): string };
  /** The probe path and the checks in its namespace. Absent: every dsr and tunnel target is UNHEALTHY. */
  dsr?: { path: DsrProbePath; checks: ProbeChecks; ports?: { first: number; last: number } };
  /** Where lane failures are told. Default: nowhere (they are in the targets' reasons). */
  log?: (line: string) => void;
}

/** A health source that follows the packet's path. */
export interface PathHealthSource extends HealthSource {
  /**
   * The metrics of both: the direct checks' series as they are, the probe namespace's (dsr and
   * tunnel checks) with the label `path="vip"`, each family declared once.
   */
  metricsText(): string;
}

/**
 * Wraps `direct` (and the probe path, when given) into one health source for the agent.
 *
 * @example
 * const health = createPathHealthSource({ direct: createHealthMonitor({ seed: 'lb1' }), dsr: createDsrProbeHealth({ executor, egress: 'eth1', address: '10.0.1.250' }) });
 */
export function createPathHealthSource(o: PathHealthSourceOptions): PathHealthSource {
  const listeners = new Set<(keys: string[]) => void>();
  const notify = (keys: string[]) => {
    if (keys.length === 0) return;
    for (const l of listeners) l(keys);
  };
  const viaPath = new Map<string, HealthTarget>();
  const pathErrors = new Map<string, { reason: string; at: Date }>();
  const ports = new ProbePorts(o.dsr?.ports ?? DEFAULT_PROBE_PORTS);
  let opened = false;
  let queue: Promise<void> = Promise.resolve();
  let generation = 0;

  /** Sets the failed keys' reasons (the others' are cleared); notifies the keys whose verdict changed. */
  const setErrors = (failed: Map<string, string>) => {
    const changed: string[] = [];
    for (const key of [...pathErrors.keys()])
      if (!failed.has(key)) {
        pathErrors.delete(key);
        changed.push(key);
      }
    for (const [key, reason] of failed) {
      if (pathErrors.get(key)?.reason !== reason) changed.push(key);
      pathErrors.set(key, { reason, at: pathErrors.get(key)?.at ?? new Date() });
      if (o.log && reason !== NO_PROBE_REASON) o.log(`probe ${key}: ${reason}`);
    }
    notify(changed);
  };

  const applyDsr = async (gen: number, lanes: DsrLane[], early: Map<string, string>) => {
    const dsr = o.dsr!;
    if (gen !== generation) return; // a newer update is queued behind this one
    // No namespace (and no worker) until a dsr target needs one.
    if (!opened && lanes.length === 0) return setErrors(early);
    if (!opened) {
      try {
        await dsr.path.open();
        opened = true;
      } catch (e) {
        const reason = `no VIP path: cannot make the probe namespace ${dsr.path.netns}: ${(e as Error).message}`;
        return setErrors(new Map([...viaPath.keys()].map((k) => [k, reason])));
      }
    }
    const failed = await dsr.path.sync(lanes);
    const probeTargets: MonitorTarget[] = [];
    for (const lane of lanes) {
      if (failed.has(lane.key)) continue;
      const { path: _path, ...t } = viaPath.get(lane.key)!;
      probeTargets.push({ ...t, address: lane.vip, localPort: lane.localPort });
    }
    dsr.checks.update(probeTargets);
    const errors = new Map(early);
    for (const [key, why] of failed)
      errors.set(key, `no VIP path: the probe route could not be made: ${why}`);
    setErrors(errors);
  };

  const unsubscribe = [o.direct.onChange(notify)];
  if (o.dsr) unsubscribe.push(o.dsr.checks.onChange(notify));

  return {
    followsPaths: true,
    update(targets) {
      const direct = targets.filter((t) => t.path === undefined);
      const routed = targets.filter((t) => t.path !== undefined);
      o.direct.update(direct);
      const earlier = new Map(viaPath);
      viaPath.clear();
      for (const t of routed) {
        // A seed (initial) the checks have not taken yet survives an update that comes before them.
        const seed = t.initial ?? (o.dsr?.checks.get(t.key) ? undefined : earlier.get(t.key)?.initial);
        viaPath.set(t.key, seed === undefined ? t : { ...t, initial: seed });
      }
      if (!o.dsr) return setErrors(new Map(routed.map((t) => [t.key, NO_PROBE_REASON])));
      const assigned = ports.assign(routed.map((t) => t.key));
      const early = new Map<string, string>();
      const lanes: DsrLane[] = [];
      for (const t of routed) {
        const localPort = assigned.get(t.key);
        if (localPort === undefined) early.set(t.key, 'no VIP path: every probe source port is taken');
        else
          lanes.push({
            key: t.key,
            mode: t.path!.mode,
            vip: t.path!.vip,
            backend: t.address,
            ipproto: ipprotoOf(t.protocol),
            localPort,
          });
      }
      const gen = ++generation;
      queue = queue
        .then(() => applyDsr(gen, lanes, early))
        .catch((e) => setErrors(new Map(routed.map((t) => [t.key, `no VIP path: ${(e as Error).message}`]))));
    },
    get(key) {
      const t = viaPath.get(key);
      if (!t) return o.direct.get(key);
      const err = pathErrors.get(key);
      if (err) {
        const state: VMHealthState = 'UNHEALTHY';
        return {
          state,
          reason: err.reason,
          lastChange: err.at,
          consecutiveSuccesses: 0,
          consecutiveFailures: 0,
        };
      }
      // Until its lane is made and checked, a target is at its initial state (the cluster's verdict).
      const h = o.dsr?.checks.get(key) ?? (t.initial ? initialHealth(t.initial) : undefined);
      if (h?.state !== 'UNHEALTHY') return h;
      const where =
        t.path!.mode === 'tunnel'
          ? `${t.path!.vip}:${t.port} encapsulated to ${t.address}`
          : `${t.path!.vip}:${t.port} delivered to ${t.address}'s MAC`;
      return {
        ...h,
        reason: `no answer through the VIP path (${where}; nlbkit backend check there): ${h.reason}`,
      };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    metricsText: () =>
      mergeMetricsTexts(o.direct.metricsText?.() ?? '', o.dsr?.checks.metricsText?.() ?? '', 'path', 'vip'),
    async close() {
      generation++;
      for (const u of unsubscribe) u();
      await queue;
      await Promise.all([o.direct.close(), o.dsr?.checks.close()]);
      if (opened) await o.dsr?.path.close();
    },
  };
}

/**
 * The probe path and its checks, as the agent runs them: the namespace of {@link createDsrProbePath}
 * and a health worker inside it (JavaScript checks: they bind their lane's source port).
 *
 * @example
 * const dsr = createDsrProbeHealth({ executor, egress: 'eth1', address: '10.0.1.250', seed: 'lb1' });
 */
export function createDsrProbeHealth(
  o: DsrProbePathOptions & { seed?: string; log?: (line: string) => void },
): { path: DsrProbePath; checks: ProbeChecks } {
  const path = createDsrProbePath(o);
  const checks = createNetnsHealthSource({
    netns: path.netns,
    monitorOptions: { tcpChecker: 'js', ...(o.seed === undefined ? {} : { seed: o.seed }) },
    ...(o.log ? { log: o.log } : {}),
  });
  return { path, checks };
}
