import { Counter, Histogram, type Metric, renderMetrics, SECONDS_BUCKETS } from './metrics.js';

/** The health monitor's series. Names follow Prometheus conventions (`_total`, `_seconds`). */
export class MonitorMetrics {
  readonly checks = new Counter('nlbkit_health_checks_total', 'Health checks completed, by protocol.');
  readonly failures = new Counter(
    'nlbkit_health_check_failures_total',
    'Health checks that failed, by protocol.',
  );
  readonly stateChanges = new Counter(
    'nlbkit_health_state_changes_total',
    'Target state changes decided by checks, by new state.',
  );
  readonly skipped = new Counter(
    'nlbkit_health_checks_skipped_total',
    'Scheduled checks not run: busy (previous run of the target not finished) or behind (slot already a whole interval past).',
  );
  readonly notifications = new Counter(
    'nlbkit_health_notifications_total',
    'onChange notifications delivered (each may carry many targets).',
  );
  readonly duration = new Histogram(
    'nlbkit_health_check_duration_seconds',
    'Time a health check took, from start to verdict.',
    SECONDS_BUCKETS,
  );
  readonly lateness = new Histogram(
    'nlbkit_health_schedule_lateness_seconds',
    'Actual start minus scheduled start of each check (timer delay plus queueing).',
    SECONDS_BUCKETS,
  );
  readonly targets = new Counter('nlbkit_health_targets', 'Targets checked, by current state.', 'gauge');
  readonly running = new Counter('nlbkit_health_checks_in_flight', 'Checks running now.', 'gauge');
  readonly queued = new Counter('nlbkit_health_checks_queued', 'Checks due and waiting for a slot.', 'gauge');

  /** Renders every series; gauges must be set just before. */
  render(): string {
    const all: Metric[] = [
      this.checks,
      this.failures,
      this.stateChanges,
      this.skipped,
      this.notifications,
      this.duration,
      this.lateness,
      this.targets,
      this.running,
      this.queued,
    ];
    return renderMetrics(all);
  }
}
