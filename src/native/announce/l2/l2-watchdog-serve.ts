/**
 * The watchdog's side of its pipe to the agent: one JSON object per line, each checked with zod (and
 * each VIP again by l2-commands.ts before any command is built). The agent sends `hold` (place or
 * refresh the VIP until a deadline on the host's monotonic clock) and `drop`; the watchdog answers each
 * by its id and says when a deadline removed a VIP. When the pipe closes, every VIP goes.
 */
import readline from 'node:readline';
import { z } from 'zod';
import type { Executor } from '../../executor/types.js';
import { parseLine } from '../../health/netns-protocol.js';
import { L2Watchdog, type WatchdogTimers } from './l2-watchdog.js';

const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const vip = z.string().min(1).max(64);

/** Agent -> watchdog. */
export const toWatchdog = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('hold'), id, vip, deadline: z.number().finite() }),
  z.strictObject({ op: z.literal('drop'), id, vip }),
]);
export type ToWatchdog = z.infer<typeof toWatchdog>;

/** Watchdog -> agent: ready (once, first), a reply to request `id`, or a VIP its deadline removed. */
export const fromWatchdog = z.union([
  z.strictObject({ ready: z.literal(true) }),
  z.strictObject({ id, ok: z.literal(true) }),
  z.strictObject({ id, ok: z.literal(false), error: z.string().max(2000) }),
  z.strictObject({ expired: vip, error: z.string().max(2000).optional() }),
]);
export type FromWatchdog = z.infer<typeof fromWatchdog>;

/** The watchdog program's one argument (JSON). */
export const watchdogArgs = z.strictObject({
  iface: z.string().min(1).max(15),
  lifetimeS: z.number().int().min(1).max(3600),
  /** The agent's network namespace (its netnsExecutor's); absent: the host's own. */
  netns: z.string().min(1).max(64).optional(),
});
export type WatchdogArgs = z.infer<typeof watchdogArgs>;

/** What {@link serveWatchdog} needs. */
export interface ServeWatchdogOptions {
  input: NodeJS.ReadableStream;
  write(line: string): void;
  executor: Executor;
  iface: string;
  lifetimeS: number;
  timers?: WatchdogTimers;
  log(line: string): void;
}

/**
 * Serves the agent's requests until `input` ends, then removes every VIP still held. Resolves when
 * they are gone; `close()` does the same early (a signal to the watchdog itself).
 */
export function serveWatchdog(o: ServeWatchdogOptions): { done: Promise<void>; close(): void } {
  const send = (m: FromWatchdog) => o.write(`${JSON.stringify(m)}\n`);
  const watchdog = new L2Watchdog(
    o.executor,
    o.iface,
    o.lifetimeS,
    (expired, error) => {
      o.log(`deadline passed: removed ${expired}${error ? ` (failed: ${error})` : ''}`);
      send(error ? { expired, error } : { expired });
    },
    o.timers,
  );
  const lines = readline.createInterface({ input: o.input, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    const m = parseLine(toWatchdog, line);
    if (!m) return o.log(`ignored an invalid request (${line.length} bytes)`);
    const work = m.op === 'hold' ? watchdog.hold(m.vip, m.deadline) : watchdog.drop(m.vip);
    work.then(
      () => send({ id: m.id, ok: true }),
      (e: unknown) =>
        send({ id: m.id, ok: false, error: (e instanceof Error ? e.message : String(e)).slice(0, 2000) }),
    );
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= watchdog.closeAll();
    return closing;
  };
  const done = new Promise<void>((resolve) => lines.once('close', () => resolve(close())));
  send({ ready: true });
  return {
    done,
    close: () => {
      lines.close();
    },
  };
}

/**
 * Runs this process as the watchdog: serves stdin/stdout until stdin ends or a signal (SIGTERM,
 * SIGINT, SIGHUP) comes, removes every VIP still held, and exits (0, or 1 if a removal failed).
 */
export function serveWatchdogProcess(
  args: WatchdogArgs,
  executor: Executor,
  log: (line: string) => void,
): void {
  const served = serveWatchdog({
    input: process.stdin,
    write: (line) => process.stdout.write(line),
    executor,
    iface: args.iface,
    lifetimeS: args.lifetimeS,
    log,
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, served.close);
  // A reader gone (EPIPE) is the agent gone: the pipe's end on stdin says so too.
  process.stdout.on('error', () => served.close());
  void served.done.then(
    () => process.exit(0),
    (e: unknown) => {
      log(`closing failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
