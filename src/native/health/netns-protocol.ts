/**
 * The messages between a netns health source (parent, host namespace) and its worker (child, inside the
 * LB node's namespace): one JSON object per line on stdio. Both sides parse every line with these zod
 * schemas and drop what does not fit, so neither trusts the other's output beyond its shape. Dates and
 * buffers cross as ISO strings and hex/base64 text.
 */
import { z } from 'zod';
import type { HealthChange } from './coalescer.js';
import type { MonitorTarget } from './monitor.js';
import type { TargetHealth } from './types.js';

const state = z.enum(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']);
const iso = z.iso.datetime();
const text = z.string().max(100_000);

const wireTarget = z.strictObject({
  key: z.string().min(1).max(1000),
  address: z.string().min(1).max(255),
  port: z.number(),
  protocol: z.enum(['TCP', 'HTTP', 'HTTPS', 'UDP']),
  interval: z.number(),
  timeout: z.number(),
  rise: z.number(),
  fall: z.number(),
  httpPath: text.optional(),
  expectedCodes: text.optional(),
  initial: state.optional(),
  host: text.optional(),
  tlsVerify: z.boolean().optional(),
  caBase64: z.base64().max(10_000_000).optional(),
  udpPayloadHex: z.hex().max(131_072).optional(),
  localPort: z.number().int().min(1).max(65535).optional(),
});
type WireTarget = z.infer<typeof wireTarget>;

const wireHealth = z.strictObject({
  state,
  reason: text.optional(),
  lastChange: iso.optional(),
  lastCheck: iso.optional(),
  consecutiveSuccesses: z.number().int().min(0),
  consecutiveFailures: z.number().int().min(0),
});
type WireHealth = z.infer<typeof wireHealth>;

const wireChange = z.strictObject({
  key: z.string(),
  from: state,
  to: state,
  at: iso,
  reason: text.optional(),
});

/** The monitor options that can cross a process boundary (no clock, checker or callbacks). */
export const workerMonitorOptions = z.strictObject({
  concurrency: z.number().int().min(1).max(100_000).optional(),
  seed: z.string().max(1000).optional(),
  coalesceQuietMs: z.number().min(0).optional(),
  coalesceMaxDelayMs: z.number().min(0).optional(),
  tcpChecker: z.enum(['auto', 'js']).optional(),
  /** The native TCP checker the parent found: the worker runs from a transpiled copy that cannot. */
  tcpCheckerPath: z.string().startsWith('/').max(4096).optional(),
});
/** Options of the monitor inside the namespace: {@link HealthMonitorOptions} minus the functions. */
export type WorkerMonitorOptions = z.infer<typeof workerMonitorOptions>;

/** Parent -> worker. `seq` numbers updates so replies can say which target set they describe. */
export const toWorker = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('init'),
    monitor: workerMonitorOptions,
    snapshotIntervalMs: z.number().int().min(10).max(3_600_000),
    refreshIntervalMs: z.number().int().min(10).max(86_400_000).optional(),
  }),
  z.strictObject({ type: z.literal('update'), seq: z.number().int().min(0), targets: z.array(wireTarget) }),
]);
/** A message to the worker. */
export type ToWorker = z.infer<typeof toWorker>;

/** Worker -> parent. `seq` is the last update the worker's monitor has applied. */
export const toParent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), pid: z.number().int() }),
  z.strictObject({
    type: z.literal('changes'),
    seq: z.number().int(),
    changes: z.array(wireChange),
    health: z.record(z.string(), wireHealth),
  }),
  // The heartbeat: only the targets whose state or reason changed, that were checked for the first
  // time, or whose last report is older than the refresh interval; and the metrics text.
  z.strictObject({
    type: z.literal('delta'),
    seq: z.number().int(),
    health: z.record(z.string(), wireHealth),
    metrics: z.string().max(10_000_000),
  }),
  z.strictObject({ type: z.literal('error'), seq: z.number().int(), message: text }),
]);
/** A message to the parent. */
export type ToParent = z.infer<typeof toParent>;

/** Parses one line with `schema`; undefined (never a throw) for anything that is not a valid message. */
export function parseLine<T>(schema: z.ZodType<T>, line: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

/** A target as it crosses the wire. */
export function targetToWire(t: MonitorTarget): WireTarget {
  const { ca, udpPayload, ...rest } = t;
  const w: WireTarget = { ...rest };
  if (ca !== undefined) w.caBase64 = Buffer.from(ca).toString('base64');
  if (udpPayload !== undefined) w.udpPayloadHex = udpPayload.toString('hex');
  return w;
}

/** The target a wire target stands for. */
export function targetFromWire(w: WireTarget): MonitorTarget {
  const { caBase64, udpPayloadHex, ...rest } = w;
  const t: MonitorTarget = { ...rest };
  if (caBase64 !== undefined) t.ca = Buffer.from(caBase64, 'base64');
  if (udpPayloadHex !== undefined) t.udpPayload = Buffer.from(udpPayloadHex, 'hex');
  return t;
}

/** Health as it crosses the wire. */
export function healthToWire(h: TargetHealth): WireHealth {
  const w: WireHealth = {
    state: h.state,
    consecutiveSuccesses: h.consecutiveSuccesses,
    consecutiveFailures: h.consecutiveFailures,
  };
  if (h.reason !== undefined) w.reason = h.reason.slice(0, 100_000);
  if (h.lastChange) w.lastChange = h.lastChange.toISOString();
  if (h.lastCheck) w.lastCheck = h.lastCheck.toISOString();
  return w;
}

/** The health a wire health stands for. */
export function healthFromWire(w: WireHealth): TargetHealth {
  const h: TargetHealth = {
    state: w.state,
    consecutiveSuccesses: w.consecutiveSuccesses,
    consecutiveFailures: w.consecutiveFailures,
  };
  if (w.reason !== undefined) h.reason = w.reason;
  if (w.lastChange !== undefined) h.lastChange = new Date(w.lastChange);
  if (w.lastCheck !== undefined) h.lastCheck = new Date(w.lastCheck);
  return h;
}

/** A change as it crosses the wire. */
export function changeToWire(c: HealthChange): z.infer<typeof wireChange> {
  const w: z.infer<typeof wireChange> = { key: c.key, from: c.from, to: c.to, at: c.at.toISOString() };
  if (c.reason !== undefined) w.reason = c.reason.slice(0, 100_000);
  return w;
}

/** The change a wire change stands for. */
export function changeFromWire(w: z.infer<typeof wireChange>): HealthChange {
  const c: HealthChange = { key: w.key, from: w.from, to: w.to, at: new Date(w.at) };
  if (w.reason !== undefined) c.reason = w.reason;
  return c;
}
