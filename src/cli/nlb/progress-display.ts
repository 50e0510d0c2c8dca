/**
 * Progress of a long operation, as the library reports it (`CallOptions.onProgress`): on a terminal
 * one line with a spinner, rewritten in place and cleared when the operation ends; elsewhere (a
 * pipe, a log) one plain line per step. Written to stderr, so stdout keeps only the result.
 */
import type { ProgressEvent } from '../../interfaces/types.js';
import type { CliStream } from './cli-io.js';

/** The spinner's frames (braille dots, as most terminal tools use). */
export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
/** How often the spinner turns, in ms. */
export const SPINNER_INTERVAL_MS = 100;
/** Erases the terminal's current line and returns to its start. */
export const CLEAR_LINE = '\r\u001b[2K';

/** A running display: give it to the call as `onProgress`, and stop it when the call settles. */
export interface ProgressDisplay {
  onProgress(event: ProgressEvent): void;
  /** Stops the spinner and erases its line (a terminal); plain lines stay. */
  stop(): void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
// One line whatever a driver put in `detail` (a newline would break the in-place rewrite).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is its job.
const oneLine = (text: string) => text.replace(/[\r\n\u0000-\u001f\u007f]+/g, ' ').slice(0, 200);

/** The words of one step: `createNLB: waiting for the load balancer (12.3s)`. */
export function progressText(event: ProgressEvent): string {
  return `${event.operation}: ${oneLine(event.detail ?? event.step)} (${seconds(event.elapsedMs)})`;
}

/** The plain line of one step, for a pipe or a log. */
export function progressLine(event: ProgressEvent): string {
  return `progress: ${progressText(event)}\n`;
}

/**
 * Starts a display of `operation` on `stream`. On a terminal the spinner shows from the start (a sign
 * of life before the first step is reported) and the latest step beside it; `now` is a seam for tests.
 */
export function startProgress(
  stream: CliStream,
  operation: string,
  now: () => number = Date.now,
): ProgressDisplay {
  if (!stream.isTTY)
    return {
      onProgress: (event) => {
        stream.write(progressLine(event));
      },
      stop: () => {},
    };
  const started = now();
  let frame = 0;
  // Until the first step: the operation at work. The time shown is the whole call's, still counting.
  let latest: ProgressEvent = { operation, step: 'working', elapsedMs: 0 };
  const draw = () => {
    const shown = progressText({ ...latest, elapsedMs: now() - started });
    stream.write(`${CLEAR_LINE}${SPINNER_FRAMES[frame % SPINNER_FRAMES.length]} ${shown}`);
  };
  const timer = setInterval(() => {
    frame += 1;
    draw();
  }, SPINNER_INTERVAL_MS);
  timer.unref?.();
  draw();
  return {
    onProgress: (event) => {
      latest = event;
      draw();
    },
    stop: () => {
      clearInterval(timer);
      stream.write(CLEAR_LINE);
    },
  };
}
