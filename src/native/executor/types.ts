/** Runs commands as argument vectors (never shell strings): locally, in a network namespace, or over SSH. */
export interface Executor {
  /** A short description for error messages, e.g. `netns nlbk-lb1`. Never holds secrets. */
  readonly where: string;
  /**
   * The network namespace on this host the commands run in, when there is one (netnsExecutor): lets
   * work that is not a command, such as health checks, run in the same place.
   */
  readonly netns?: string;
  /** Runs `argv`, feeding `stdin` if given. Resolves with the exit code; rejects only if it cannot start. */
  run(argv: readonly string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
}

/** What a finished command left. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}
