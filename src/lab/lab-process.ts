/**
 * Starts a lab program (backend server or client) inside a network namespace and talks to it with
 * JSON lines: one request per line on its stdin, one answer per line on its stdout, matched by id.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { type LabProgram, programFile } from './lab-program-files.js';

/** A running lab program. */
export class LabProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve(v: Record<string, unknown>): void; reject(e: Error): void }
  >();
  #nextId = 1;
  #stderr = '';
  #exited = false;
  readonly #ready: Promise<void>;

  private constructor(ns: string, program: LabProgram, file: string, options: object) {
    this.#child = spawn('ip', ['netns', 'exec', ns, process.execPath, file, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only the parent, which then shuts the lab
      // down in order. The program still ends with the parent, when its stdin closes.
      detached: true,
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.#ready = new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: this.#child.stdout! });
      lines.on('line', (line) => {
        const message = JSON.parse(line) as Record<string, unknown>;
        if (message.ready === true) {
          resolve();
          return;
        }
        const waiter = this.#pending.get(message.id as number);
        this.#pending.delete(message.id as number);
        if (message.ok === true) waiter?.resolve(message);
        else waiter?.reject(new Error(String(message.error)));
      });
      this.#child.on('exit', (code, signal) => {
        this.#exited = true;
        const error = new Error(`${program} in ${ns} exited (${code ?? signal}): ${this.#stderr.trim()}`);
        reject(error);
        for (const waiter of this.#pending.values()) waiter.reject(error);
        this.#pending.clear();
      });
    });
  }

  /** Starts `program` in namespace `ns` and waits until it says it is ready. */
  static async start(ns: string, program: LabProgram, options: object): Promise<LabProcess> {
    const proc = new LabProcess(ns, program, await programFile(program), options);
    await proc.#ready;
    return proc;
  }

  /** The process id (of node itself: `ip netns exec` execs it). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends one request and resolves with the program's answer (rejects if it reports an error). */
  call(cmd: string, params: object = {}): Promise<Record<string, unknown>> {
    if (this.#exited) return Promise.reject(new Error(`lab program exited: ${this.#stderr.trim()}`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.stdin?.write(`${JSON.stringify({ ...params, id, cmd })}\n`);
    });
  }

  /** Ends the program: closes its stdin, then kills it if it has not gone within `graceMs`. */
  async stop(graceMs = 1000): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** Kills the program at once (its open connections are reset). */
  async kill(): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill('SIGKILL');
    await gone;
  }
}
