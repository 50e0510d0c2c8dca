/**
 * An executor wrapper for tests: records every argument vector and stdin that passes through, and can
 * rewrite the stdin of the next `nft` transactions (to inject a statement the kernel rejects). It keeps
 * the inner executor's `netns`.
 */
import type { ExecResult, Executor } from '../../../src/native/executor/types.js';

/** One command as it was handed to the real executor. */
export interface RecordedCall {
  argv: string[];
  stdin?: string;
  result?: ExecResult;
}

/** A recording wrapper around an executor. */
export interface RecordingExecutor extends Executor {
  readonly calls: RecordedCall[];
  /**
   * Rewrites the stdin of the next `count` commands whose argv starts with `nft` and carries a script
   * on stdin (e.g. appends a bad statement).
   */
  tamperNextNft(rewrite: (script: string) => string, count?: number): void;
  /** Stops rewriting. */
  stopTampering(): void;
  /** Every argv element and stdin recorded so far, as one string (for "never appears" checks). */
  everything(): string;
}

/** Wraps `inner`, recording every call. */
export function recordingExecutor(inner: Executor): RecordingExecutor {
  const calls: RecordedCall[] = [];
  let rewrite: ((script: string) => string) | undefined;
  let remaining = 0;
  return {
    where: inner.where,
    // Kept, so that work bound to the namespace (the driver's `health: 'auto'`) still finds it.
    ...(inner.netns !== undefined ? { netns: inner.netns } : {}),
    calls,
    tamperNextNft(fn, count = 1) {
      rewrite = fn;
      remaining = count;
    },
    stopTampering() {
      rewrite = undefined;
      remaining = 0;
    },
    everything: () => calls.map((c) => `${c.argv.join('\u0000')}\u0000${c.stdin ?? ''}`).join('\n'),
    async run(argv, opts) {
      let stdin = opts?.stdin;
      if (rewrite && remaining > 0 && argv[0] === 'nft' && stdin) {
        stdin = rewrite(stdin);
        remaining -= 1;
        if (remaining === 0) rewrite = undefined;
      }
      const call: RecordedCall = { argv: [...argv], stdin };
      calls.push(call);
      call.result = await inner.run(argv, { ...opts, stdin });
      return call.result;
    },
  };
}
