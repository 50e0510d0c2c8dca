/**
 * Where the `nlbkit nlb` and `nlbkit capabilities` commands read and write: the process by default,
 * injected by the tests (which run the commands in-process and look at what was written).
 */
import type { CreatedConnection } from '../../server/connections/connection-factory.js';
import type { ConnectionConfig } from '../../server/connections/connections-schema.js';
import type { SecretSources } from '../../server/connections/secret-ref.js';

/** A stream the commands write to: stdout or stderr. */
export interface CliStream {
  write(text: string): unknown;
  /** True on a terminal: tables and the spinner; otherwise plain lines. */
  isTTY?: boolean | undefined;
}

/** The commands' surroundings. */
export interface CliIO {
  stdout: CliStream;
  stderr: CliStream;
  /** Where the server token (`NLBKIT_TOKEN`) and `fromEnv` secrets are read. */
  env: Readonly<Record<string, string | undefined>>;
  /** Sets the process's exit code (see exit-codes.ts). */
  setExitCode(code: number): void;
  /** Creates a connection's handler (a seam for tests). Default: the connections file's factory. */
  createConnection?:
    | ((config: ConnectionConfig, sources: SecretSources) => Promise<CreatedConnection>)
    | undefined;
  /** Aborts the operation in flight (Ctrl-C). Default: SIGINT/SIGTERM of the process. */
  interrupt?: AbortSignal | undefined;
}

/** The real process's streams, environment and signals. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}
