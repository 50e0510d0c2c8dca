/**
 * The agent's side of the layer-2 watchdog: starts the program (l2-watchdog-main.ts) as a child with a
 * pipe, sends it each VIP to hold with its deadline, and tells the announcer when it dies so the VIPs
 * it guarded can be dropped before a new one starts. A watchdog that does not answer in time is killed:
 * one that cannot be trusted to remove an address at its deadline is treated as dead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { runnableProgram } from '../../../common/runnable-program.js';
import { parseLine } from '../../health/netns-protocol.js';
import { hostMonotonicMs, WATCHDOG_MIN_LEAD_MS } from './l2-watchdog.js';
import { WATCHDOG_PROGRAM } from './l2-watchdog-main.js';
import { fromWatchdog, type ToWatchdog, type WatchdogArgs } from './l2-watchdog-serve.js';

/** Options of {@link L2WatchdogClient}. */
export interface L2WatchdogClientOptions extends WatchdogArgs {
  /** The program to run instead of the bundled l2-watchdog-main (tests: one with a recording executor). */
  program?: string | undefined;
  log(line: string): void;
}

interface Pending {
  resolve(): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** Restart delay after a watchdog dies: doubles from 200 ms to 10 s; reset after 30 s of life. */
const MIN_RESTART_MS = 200;
const MAX_RESTART_MS = 10_000;
const STABLE_MS = 30_000;
/** How long a new watchdog may take to say it is ready (ms; Node starts in ~0.1-0.5 s on a loaded host). */
const START_TIMEOUT_MS = 10_000;
/** How long a drop may wait for its answer (ms) before the watchdog counts as dead. */
const DROP_TIMEOUT_MS = 1000;

/** One agent's watchdog process, restarted on demand by {@link L2WatchdogClient.start}. */
export class L2WatchdogClient {
  readonly #o: L2WatchdogClientOptions;
  #child: ChildProcess | undefined;
  #startedAt = 0;
  #notBefore = 0;
  #failures = 0;
  #seq = 0;
  #stopping = false;
  #exited: Promise<void> = Promise.resolve();
  readonly #pending = new Map<number, Pending>();
  readonly #deathListeners = new Set<(why: string) => void>();

  constructor(options: L2WatchdogClientOptions) {
    this.#o = options;
  }

  /** True while a watchdog process runs. */
  get alive(): boolean {
    return this.#child !== undefined;
  }

  /** The running watchdog's process id. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Calls `listener` when the watchdog dies without stop(): the VIPs it guarded are unguarded now. */
  onDeath(listener: (why: string) => void): void {
    this.#deathListeners.add(listener);
  }

  /**
   * Starts a watchdog unless one runs or the restart delay has not passed, and waits until it is ready
   * to take requests; true when one runs.
   */
  async start(): Promise<boolean> {
    if (this.#child || this.#stopping) return this.#child !== undefined;
    if (performance.now() < this.#notBefore) return false;
    const { program, log, ...args } = this.#o;
    const file = program ?? (await runnableProgram(import.meta.url, WATCHDOG_PROGRAM));
    if (this.#child || this.#stopping) return this.#child !== undefined;
    // Its own process group: a signal to the agent's group (Ctrl-C) must not take both at once.
    const child = spawn(process.execPath, [file, JSON.stringify(args)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.#child = child;
    this.#startedAt = performance.now();
    let stderr = '';
    let spawnError = '';
    child.on('error', (e) => {
      spawnError = String(e);
    });
    child.stdin?.on('error', () => undefined); // EPIPE from a dead watchdog: 'close' tells the story
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-2000);
    });
    let ready: (up: boolean) => void = () => undefined;
    const up = new Promise<boolean>((r) => {
      ready = r;
    });
    const readyTimer = setTimeout(() => {
      log(`l2 watchdog not ready after ${START_TIMEOUT_MS} ms: killing it`);
      child.kill('SIGKILL');
    }, START_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (this.#receive(line)) {
        clearTimeout(readyTimer);
        ready(true);
      }
    });
    let exited: () => void = () => undefined;
    this.#exited = new Promise((r) => {
      exited = r;
    });
    child.on('close', (code, signal) => {
      this.#child = undefined;
      clearTimeout(readyTimer);
      ready(false);
      exited();
      const why = spawnError || `exited (${signal ?? code})${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
      for (const [id, p] of this.#pending) this.#settle(id, p, new Error(`the l2 watchdog ${why}`));
      if (this.#stopping) return;
      if (performance.now() - this.#startedAt >= STABLE_MS) this.#failures = 0;
      this.#notBefore = performance.now() + Math.min(MAX_RESTART_MS, MIN_RESTART_MS * 2 ** this.#failures);
      this.#failures += 1;
      log(`l2 watchdog ${why}`);
      for (const l of this.#deathListeners) l(why);
    });
    return up;
  }

  /**
   * Has the watchdog place (or refresh) `vip` and remove it at `deadlineMs` from now unless held again.
   * Rejects if the watchdog refuses, fails, dies, or does not answer by the deadline (it is killed then).
   */
  hold(vip: string, deadlineInMs: number): Promise<void> {
    // The watchdog would refuse it too, but its answer could not come back before the deadline.
    if (!(deadlineInMs >= WATCHDOG_MIN_LEAD_MS))
      return Promise.reject(new Error(`deadline for ${vip} is too near or past: not placing it`));
    const deadline = hostMonotonicMs() + deadlineInMs;
    return this.#request({ op: 'hold', id: ++this.#seq, vip, deadline }, Math.max(1, deadlineInMs));
  }

  /** Has the watchdog remove `vip` now and forget it. */
  drop(vip: string): Promise<void> {
    return this.#request({ op: 'drop', id: ++this.#seq, vip }, DROP_TIMEOUT_MS);
  }

  /** Ends its stdin (it removes what it still holds and exits); waits for it, killing it after 3 s. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child) return;
    child.stdin?.end();
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    await this.#exited;
    clearTimeout(kill);
  }

  #request(m: ToWatchdog, timeoutMs: number): Promise<void> {
    const child = this.#child;
    if (!child?.stdin?.writable) return Promise.reject(new Error('the l2 watchdog is not running'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#o.log(`l2 watchdog did not answer ${m.op} ${m.vip} within ${timeoutMs} ms: killing it`);
        child.kill('SIGKILL');
        const p = this.#pending.get(m.id);
        if (p) this.#settle(m.id, p, new Error(`the l2 watchdog did not answer ${m.op} ${m.vip} in time`));
      }, timeoutMs);
      this.#pending.set(m.id, { resolve, reject, timer });
      child.stdin?.write(`${JSON.stringify(m)}\n`);
    });
  }

  /** Takes one line from the watchdog; true when it says it is ready. */
  #receive(line: string): boolean {
    const m = parseLine(fromWatchdog, line);
    if (!m) {
      this.#o.log(`l2 watchdog: ignored an invalid line (${line.length} bytes)`);
      return false;
    }
    if ('ready' in m) return true;
    if ('expired' in m)
      this.#o.log(`l2 watchdog removed ${m.expired} at its deadline${m.error ? ` (${m.error})` : ''}`);
    else {
      const p = this.#pending.get(m.id);
      if (p) this.#settle(m.id, p, m.ok ? undefined : new Error(m.error));
    }
    return false;
  }

  #settle(id: number, p: Pending, error: Error | undefined): void {
    this.#pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve();
  }
}
