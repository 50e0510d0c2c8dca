/**
 * Health checking for the native load balancer: checkers, the rise/fall state machine, the scheduler,
 * and the monitor the agent consumes as its {@link HealthSource}.
 */
export { checkHttp, checkTcp, checkUdp, runCheck } from './checkers/index.js';
export type { Checker, CheckSpec } from './checkers/types.js';
export { type Clock, systemClock, type TimerHandle } from './clock.js';
export type { HealthChange } from './coalescer.js';
export {
  createDsrProbePath,
  DEFAULT_PROBE_NETNS,
  type DsrProbePath,
  type DsrProbePathOptions,
} from './dsr-probe-path.js';
export { DEFAULT_EXPECTED_CODES, parseExpectedCodes, type StatusMatcher } from './expected-codes.js';
export type { MetricsServer, MetricsServerOptions } from './metrics-server.js';
export {
  type ChangeListener,
  type CheckEvent,
  createHealthMonitor,
  type HealthMonitor,
  type HealthMonitorOptions,
  type MonitorTarget,
} from './monitor.js';
export {
  createNetnsHealthSource,
  type NetnsHealthSource,
  type NetnsHealthSourceOptions,
  RESTARTING_REASON,
  type WorkerMonitorOptions,
} from './netns-health-source.js';
export {
  createDsrProbeHealth,
  createPathHealthSource,
  NO_PROBE_REASON,
  type PathHealthSource,
  type PathHealthSourceOptions,
  type ProbeChecks,
} from './path-health-source.js';
export { CheckScheduler, type ScheduledRun, type SchedulerOptions } from './scheduler.js';
export { type AllDownMode, type BackendSelection, selectBackends } from './select-backends.js';
export { applyOutcome, type CheckOutcome, initialHealth, type Thresholds } from './state-machine.js';
export type { HealthPath, HealthSource, HealthTarget, TargetHealth } from './types.js';
