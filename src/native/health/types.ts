/**
 * The seam between the agent and health checking: the agent says what to check, the health monitor
 * says what it measured and when something changed. The agent renders only healthy backends.
 */
import type { HealthCheckProtocol, VMHealthState } from '../../interfaces/types.js';

/** One backend to check. `key` is stable for the pair (NLB, VM), e.g. `web/vm1`. */
export interface HealthTarget {
  key: string;
  address: string;
  port: number;
  protocol: HealthCheckProtocol;
  /** Seconds between checks. */
  interval: number;
  /** Seconds a check may take (<= interval). */
  timeout: number;
  /** Consecutive successes to become healthy. */
  rise: number;
  /** Consecutive failures to become unhealthy. */
  fall: number;
  httpPath?: string;
  expectedCodes?: string;
  /** State before the first verdict: UNKNOWN (traffic allowed, reported unknown) unless set. */
  initial?: VMHealthState;
  /**
   * The way the check must go. Absent: straight to `address`. `dsr`: addressed to the VIP and
   * delivered to `address`'s MAC; `tunnel`: addressed to the VIP and IPIP-encapsulated to `address`;
   * both as the LB node forwards a client's packet (path-health-source.ts). A health source that
   * cannot take that path reports the target UNHEALTHY, never checks `address`.
   */
  path?: HealthPath;
}

/** A check's path through the data plane: the forwarding mode of the backend's service. */
export interface HealthPath {
  mode: 'dsr' | 'tunnel';
  /** The VIP the probe is addressed to. */
  vip: string;
}

/** What is known about one target. */
export interface TargetHealth {
  state: VMHealthState;
  /** The last failing check's error, or the reason for the state. */
  reason?: string;
  lastChange?: Date;
  lastCheck?: Date;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

/** A running health monitor, as the agent uses it. */
export interface HealthSource {
  /** Replaces the set of targets; unchanged keys keep their state and schedule. */
  update(targets: readonly HealthTarget[]): void;
  /** What is known about a target, or undefined if it is not checked. */
  get(key: string): TargetHealth | undefined;
  /** Called (debounced by the thresholds) when any target changes state; returns an unsubscribe function. */
  onChange(listener: (keys: string[]) => void): () => void;
  /** Stops every check. */
  close(): Promise<void>;
  /**
   * True when the source checks each target along its `path` (createPathHealthSource). The agent wraps
   * any other source in one, so targets with a path it cannot take fail closed. Default false.
   */
  readonly followsPaths?: boolean;
}
