/**
 * Spawns one health worker process inside a network namespace and wires its stdio: validated messages
 * in, a tail of its stderr kept for the crash message, and a guarantee that it dies with us.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { parseLine, type ToParent, type ToWorker, toParent } from './netns-protocol.js';

/** What the caller hears from a worker. */
export interface WorkerHandlers {
  message(m: ToParent): void;
  /** A line that is not a valid message (dropped). */
  invalid(bytes: number): void;
  /** The worker is gone and every line it wrote has been delivered; `why` says how it ended. */
  closed(why: string): void;
}

/** A running worker. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  /** Ends its stdin: the worker closes its checks and exits. */
  end(): void;
  kill(): void;
}

/** Workers to kill if this process exits without closing them (stdin EOF covers death by signal). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts `node file` in namespace `netns` (a validated name) with an argv array, never a shell. */
export function spawnWorker(netns: string, file: string, on: WorkerHandlers): WorkerProcess {
  const proc = spawn('ip', ['netns', 'exec', netns, process.execPath, file], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(proc);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString('utf8')).slice(-2000);
  });
  proc.stdin?.on('error', () => undefined); // EPIPE from a dead worker: its exit tells the story
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    const m = parseLine(toParent, line);
    if (m) on.message(m);
    else on.invalid(line.length);
  });
  let spawnError = '';
  proc.on('error', (err) => {
    spawnError = String(err);
  });
  // 'close', not 'exit': every line the worker wrote has been read by then.
  proc.on('close', (code, signal) => {
    live.delete(proc);
    on.closed(spawnError || `exited (${signal ?? code})${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
  });
  return {
    pid: proc.pid,
    send(message) {
      if (proc.stdin?.writable) proc.stdin.write(`${JSON.stringify(message)}\n`);
    },
    end: () => proc.stdin?.end(),
    kill: () => proc.kill('SIGKILL'),
  };
}
