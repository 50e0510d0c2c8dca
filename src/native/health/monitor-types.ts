/**
 * The health monitor's public shapes: its targets, options, check events and the monitor itself
 * (implemented by createHealthMonitor in monitor.ts).
 */
import type { Checker } from './checkers/types.js';
import type { Clock } from './clock.js';
import type { HealthChange } from './coalescer.js';
import type { MetricsServer, MetricsServerOptions } from './metrics-server.js';
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
  /**
   * Send from this source port (1-65535). Default: any. Set by the dsr probe path, whose routing
   * rules select each probe's route by it; such TCP checks run in JavaScript, not the native helper.
   */
  localPort?: number;
}

/** One finished check, for logs and benchmarks. Times are the clock's milliseconds. */
export interface CheckEvent {
  /** One target the check was for (the first of those sharing it). */
  key: string;
  /** How many targets share this check (same address, port and check settings): it ran once for all. */
  targets: number;
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
  /** Mixed into each check's jitter phase; set it to the node name so LB nodes don't check in lockstep. */
  seed?: string;
  /** Batch a notification after this long without a new change. Default 250 ms. */
  coalesceQuietMs?: number;
  /** ...but never hold a change longer than this. Default 2000 ms. */
  coalesceMaxDelayMs?: number;
  /** Default: the system clock (tests inject a fake one). */
  clock?: Clock;
  /** Default: the real TCP/HTTP(S)/UDP checkers. When set, it runs every check (TCP too). */
  checker?: Checker;
  /**
   * TCP checks: `auto` (default) runs them in the native helper (native/tcp-checker.c) when it is
   * built, else in JavaScript; `js` always in JavaScript. Ignored when `checker` is set.
   */
  tcpChecker?: 'auto' | 'js';
  /** The native helper's path. Default: `$NLBKIT_TCP_CHECKER`, else the package's `native/build/`. */
  tcpCheckerPath?: string;
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
