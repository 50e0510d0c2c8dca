/**
 * Polling with a deadline, for conditions that become true after a bounded delay (a health verdict, a
 * converged ruleset): never a fixed sleep that hopes the condition holds by then.
 */

/** What {@link waitFor} found, and when. */
export interface Waited<T> {
  value: T;
  /** Milliseconds from the call to the poll that found it. */
  ms: number;
}

/**
 * Calls `probe` every `everyMs` until it returns something other than undefined, then resolves with it
 * and the time taken. Rejects after `deadlineMs`, naming `what` and the last value `describe` saw.
 *
 * @example
 * const { ms } = await waitFor('vm-1 unhealthy', 5000, async () => ((await state()) === 'UNHEALTHY' ? true : undefined));
 */
export async function waitFor<T>(
  what: string,
  deadlineMs: number,
  probe: () => Promise<T | undefined>,
  options: { everyMs?: number; describe?: () => unknown } = {},
): Promise<Waited<T>> {
  const start = Date.now();
  const every = options.everyMs ?? 100;
  for (;;) {
    const value = await probe();
    const ms = Date.now() - start;
    if (value !== undefined) return { value, ms };
    if (ms >= deadlineMs) {
      const last = options.describe ? ` (last seen: ${JSON.stringify(options.describe())})` : '';
      throw new Error(`${what}: not within ${deadlineMs} ms${last}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(every, deadlineMs - ms + 1)));
  }
}
