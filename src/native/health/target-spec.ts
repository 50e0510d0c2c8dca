/**
 * What a monitor target means as a check: its identity (same backend check), the id of the check it
 * shares with other targets, its resolved {@link CheckSpec}, and the validation `update()` applies.
 */
import type { CheckSpec } from './checkers/types.js';
import { parseExpectedCodes } from './expected-codes.js';
import type { MonitorTarget } from './monitor-types.js';

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
    // Only when set: the identity seeds the jitter phase, which other targets keep.
    ...(t.localPort === undefined ? [] : [t.localPort]),
  ]);
}

/** Targets with the same probe id (the same backend check, interval and timeout) share one check. */
export function probeIdOf(t: MonitorTarget, identity: string): string {
  return JSON.stringify([identity, t.interval, t.timeout]);
}

export function specOf(t: MonitorTarget): CheckSpec {
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
  if (t.localPort !== undefined) spec.localPort = t.localPort;
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
  if (t.localPort !== undefined && (!Number.isInteger(t.localPort) || t.localPort < 1 || t.localPort > 65535))
    throw bad(`localPort must be 1-65535, got ${t.localPort}`);
}
