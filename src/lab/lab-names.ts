/**
 * Names of lab network namespaces, `<prefix>-<pid>-<n>-<role>`, and their cleanup: namespaces whose
 * creating process is dead are removed at start; live ones are removed on exit and on SIGINT/SIGTERM.
 */
import { spawnSync } from 'node:child_process';

/** Prefix of every namespace the end-to-end tests make. */
export const E2E_PREFIX = 'nlbk-e2e';
/** Prefix of every namespace the demo makes. */
export const DEMO_PREFIX = 'nlbk-demo';
/** Prefix of every namespace the data-plane benchmark (bench/dataplane) makes. */
export const BENCH_PREFIX = 'nlbk-bench';

const NAME = /^(nlbk-(?:e2e|demo|bench))-(\d+)-(\d+)-([a-z0-9]+)$/;
let counter = 0;

/** A fresh lab id for this process: `<prefix>-<pid>-<n>`; roles are appended to it. */
export function nextLabId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Namespaces listed by `ip netns list` (names only). */
export function listNamespaces(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (out.status !== 0) return [];
  return out.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes one namespace, first killing the processes inside it. Only used on namespaces this lab
 * made, so the processes are lab servers and clients.
 */
export function deleteNamespaceSync(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  for (const pid of (pids.stdout ?? '').split('\n')) {
    const n = Number(pid.trim());
    if (Number.isInteger(n) && n > 1) {
      try {
        process.kill(n, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  spawnSync('ip', ['netns', 'del', ns], { encoding: 'utf8' });
}

/** Removes lab namespaces (every prefix above) whose creating process no longer runs; returns their names. */
export function removeStaleNamespaces(): string[] {
  const stale = listNamespaces().filter((ns) => {
    const m = NAME.exec(ns);
    return m !== null && !alive(Number(m[2]));
  });
  for (const ns of stale) deleteNamespaceSync(ns);
  return stale;
}

const live = new Set<string>();
let hooked = false;

/** Records a namespace so it is removed if this process exits or is interrupted before `forget`. */
export function remember(ns: string): void {
  live.add(ns);
  if (hooked) return;
  hooked = true;
  process.on('exit', removeRemembered);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeRemembered();
      // Re-raise so the default exit status (128 + signal) is kept, unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Stops tracking a namespace (it has been deleted). */
export function forget(ns: string): void {
  live.delete(ns);
}

/** Synchronously deletes every namespace still remembered. */
export function removeRemembered(): void {
  for (const ns of live) deleteNamespaceSync(ns);
  live.clear();
}
