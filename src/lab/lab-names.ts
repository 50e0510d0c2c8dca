/**
 * Names of lab network namespaces, `<prefix>-<pid>-<n>-<role>`, the one place that makes them, and
 * their cleanup: namespaces whose creating process is dead are removed before a process makes its
 * first one; live ones are removed on exit and on SIGINT/SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { processAlive } from '../common/process-alive.js';

/**
 * Every prefix a lab namespace may have: the sweeper removes stale namespaces of these prefixes only,
 * so a name outside this list is never made (a crashed run's leftovers would stay forever).
 */
export const LAB_PREFIXES = {
  /** The end-to-end tests (test/e2e). */
  e2e: 'nlbk-e2e',
  /** `nlbkit demo`. */
  demo: 'nlbk-demo',
  /** The benchmarks (bench/). */
  bench: 'nlbk-bench',
  /** Single namespaces of the netns tests outside test/e2e (test/native, some src tests). */
  test: 'nlbk-test',
  /** Labs inside the test VM (test/vm). */
  vm: 'nlbk-vm',
} as const;

/** One of {@link LAB_PREFIXES}. */
export type LabPrefix = (typeof LAB_PREFIXES)[keyof typeof LAB_PREFIXES];

/** Prefix of every namespace the end-to-end tests make. */
export const E2E_PREFIX = LAB_PREFIXES.e2e;
/** Prefix of every namespace the demo makes. */
export const DEMO_PREFIX = LAB_PREFIXES.demo;
/** Prefix of every namespace the benchmarks make. */
export const BENCH_PREFIX = LAB_PREFIXES.bench;

const NAME = new RegExp(`^(${Object.values(LAB_PREFIXES).join('|')})-(\\d+)-(\\d+)-([a-z0-9]+)$`);
let counter = 0;

/** A fresh lab id for this process: `<prefix>-<pid>-<n>`; roles are appended to it. */
export function nextLabId(prefix: LabPrefix): string {
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
    return m !== null && !processAlive(Number(m[2]));
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

/** A namespace made by {@link makeNamespace}. */
export interface LabNamespace {
  readonly name: string;
  /** Kills what runs inside and deletes it; safe to call twice. */
  remove(): void;
}

let swept = false;

/**
 * Makes namespace `<labId>-<role>` (`labId` from {@link nextLabId}) with loopback up, remembered so
 * that it is removed if this process ends first. A process's first call removes stale namespaces.
 * Throws, leaving nothing behind, when `ip` fails.
 */
export function makeNamespace(labId: string, role: string): LabNamespace {
  const name = `${labId}-${role}`;
  if (!NAME.test(name)) throw new Error(`not a lab namespace name: ${name}`);
  if (!swept) {
    swept = true;
    removeStaleNamespaces();
  }
  remember(name);
  const remove = () => {
    deleteNamespaceSync(name);
    forget(name);
  };
  for (const argv of [
    ['netns', 'add', name],
    ['-n', name, 'link', 'set', 'lo', 'up'],
  ]) {
    const out = spawnSync('ip', argv, { encoding: 'utf8' });
    if (out.status !== 0) {
      remove();
      throw new Error(`'ip ${argv.join(' ')}' failed: ${(out.stderr ?? String(out.error)).trim()}`);
    }
  }
  return { name, remove };
}
