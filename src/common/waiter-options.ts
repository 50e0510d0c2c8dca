/**
 * The one shape every cloud driver takes for "how long and how often to wait for the cloud to
 * finish a change" (`options.waiter`), and the filling-in of one driver's defaults.
 */
import type { PollDelays } from './poll.js';

/**
 * How a cloud driver waits for a change to finish: delays between polls doubling from `minDelayMs`
 * to `maxDelayMs`, a TIMEOUT error after `maxWaitMs`. Each driver documents its defaults and which
 * fields its cloud's SDK does not let it control (docs/drivers/<cloud>.md, "Waiting").
 *
 * @example
 * const waiter: WaiterOptions = { minDelayMs: 500, maxWaitMs: 300_000 };
 */
export interface WaiterOptions {
  /** The first delay between polls, in ms (default: the driver's). */
  minDelayMs?: number | undefined;
  /** The longest delay between polls, in ms; delays double up to it (default: the driver's). */
  maxDelayMs?: number | undefined;
  /** Gives up with a TIMEOUT error after this long, in ms (default: the driver's). */
  maxWaitMs?: number | undefined;
}

/**
 * The waiter with `defaults` filling every field not given.
 *
 * @example
 * waiterWithDefaults({ maxWaitMs: 60_000 }, { minDelayMs: 1000, maxDelayMs: 5000, maxWaitMs: 600_000 });
 * // { minDelayMs: 1000, maxDelayMs: 5000, maxWaitMs: 60000 }
 */
export function waiterWithDefaults(given: WaiterOptions | undefined, defaults: PollDelays): PollDelays {
  return {
    minDelayMs: given?.minDelayMs ?? defaults.minDelayMs,
    maxDelayMs: given?.maxDelayMs ?? defaults.maxDelayMs,
    maxWaitMs: given?.maxWaitMs ?? defaults.maxWaitMs,
  };
}
