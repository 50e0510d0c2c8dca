/**
 * Fault injection: `failOn` rules and throttling. Decided before a handler runs, so an injected
 * failure never changes state (a real failed call may or may not have; tests that need the
 * "applied but the answer was lost" case can combine a real call with a later failure).
 */
import { AwsFault } from './errors.js';

/** What `failOn` accepts. */
export interface FailOnOptions {
  /** AWS error code to answer with, e.g. `InternalFailure` or `LoadBalancerNotFound`. */
  code: string;
  /** HTTP status; default 503 for `ServiceUnavailable`, 500 for `InternalFailure`/`InternalError`, else 400. */
  status?: number;
  /** Error message; default names the injected code. */
  message?: string;
  /** Which call fails, 1-based, counting calls of that action from when the rule was added; default 1. */
  nth?: number;
  /** How many consecutive calls fail from the nth on; default 1. */
  times?: number;
}

/** AWS's status for its own server-side codes; everything else is a client error. */
function defaultStatus(code: string): number {
  if (code === 'ServiceUnavailable') return 503;
  if (code === 'InternalFailure' || code === 'InternalError') return 500;
  return 400;
}

interface Rule {
  action: string;
  opts: FailOnOptions;
  seen: number;
}

/** Holds pending fault rules and decides, per call, whether to fail it. */
export class FaultInjector {
  #rules: Rule[] = [];
  #throttles = new Map<string, number>();

  /** Adds a `failOn` rule (`action` may be `*` for every action). */
  failOn(action: string, opts: FailOnOptions): void {
    const nth = opts.nth ?? 1;
    const times = opts.times ?? 1;
    if (!Number.isInteger(nth) || nth < 1) throw new Error(`failOn: nth must be an integer >= 1, got ${nth}`);
    if (!Number.isInteger(times) || times < 1) throw new Error(`failOn: times must be an integer >= 1`);
    this.#rules.push({ action, opts, seen: 0 });
  }

  /** Makes the next `times` calls of `action` (or of any action for `*`) answer throttling. */
  throttle(action: string, times: number): void {
    this.#throttles.set(action, (this.#throttles.get(action) ?? 0) + times);
  }

  /**
   * The fault for this call, if any. Throttling is decided first and a throttled call does not
   * count towards `failOn`'s `nth` (it never reached the service).
   */
  check(action: string, throttle: { code: string; status: number }): AwsFault | undefined {
    for (const key of [action, '*']) {
      const left = this.#throttles.get(key) ?? 0;
      if (left > 0) {
        this.#throttles.set(key, left - 1);
        return new AwsFault(throttle.code, 'Rate exceeded', throttle.status);
      }
    }
    let fault: AwsFault | undefined;
    for (const rule of this.#rules) {
      if (rule.action !== action && rule.action !== '*') continue;
      rule.seen += 1;
      const first = rule.opts.nth ?? 1;
      const last = first + (rule.opts.times ?? 1) - 1;
      if (!fault && rule.seen >= first && rule.seen <= last) {
        const { code, status, message } = rule.opts;
        fault = new AwsFault(code, message ?? `Injected ${code} on ${action}`, status ?? defaultStatus(code));
      }
    }
    this.#rules = this.#rules.filter((r) => r.seen < (r.opts.nth ?? 1) + (r.opts.times ?? 1) - 1);
    return fault;
  }
}
