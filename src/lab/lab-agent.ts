/**
 * An `nlbkit agent` process of the HA lab, in its own process group so that a failure can be dealt to
 * it and to its health worker at once: a graceful stop (SIGTERM), a crash (SIGKILL), a silent death
 * (SIGSTOP, then SIGCONT to come back).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The agent spawns its own helper (the health worker) beside its modules, so it cannot run from the
 * lab programs' transpiled cache: from source it runs under tsx, built it runs as plain `.js`.
 */
function agentArgv(): string[] {
  const main = fileURLToPath(
    new URL(`./lab-agent-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
  );
  return import.meta.url.endsWith('.ts') ? ['--import', 'tsx', main] : [main];
}

// Agents run in the host namespace (lab-names removes only what runs inside the lab's namespaces):
// kill them if this process exits or is interrupted first.
const running = new Set<ChildProcess>();
let hooked = false;
function track(child: ChildProcess) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of running) {
      try {
        if (c.pid) process.kill(-c.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

/** One agent process; `start()` may be called again after it has stopped or been killed. */
export class LabAgent {
  #child: ChildProcess | undefined;
  #log = '';

  constructor(readonly args: string[]) {}

  /** Starts the agent (its first reconcile happens in the background). */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [...agentArgv(), 'agent', ...this.args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString('utf8')).slice(-8000);
    });
    this.#child = child;
    track(child);
  }

  /** What the agent logged lately (for failure messages). */
  get log(): string {
    return this.#log;
  }

  get running(): boolean {
    const c = this.#child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** Signals the agent's whole process group (the agent and its health worker). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid && this.running) process.kill(-pid, signal);
  }

  /** Resolves when the process has exited, with its exit code (null after a signal). */
  async exited(): Promise<number | null> {
    const c = this.#child;
    if (!c || !this.running) return c?.exitCode ?? null;
    return new Promise((resolve) => c.once('exit', (code) => resolve(code)));
  }

  /** Graceful stop (SIGTERM: the agent withdraws its routes, then exits); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.#child?.exitCode ?? null;
    const done = this.exited();
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const code = await done;
    clearTimeout(timer);
    return code;
  }

  /** kill -9 of the agent and its health worker. */
  async kill(): Promise<void> {
    if (!this.running) return;
    const done = this.exited();
    this.signal('SIGKILL');
    await done;
  }
}
