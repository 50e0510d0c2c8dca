/**
 * Whether a process id names a running process: the one test behind stale lock files (file-lock.ts),
 * stale lab namespaces (src/lab) and stale scratch directories (bench/).
 */

/**
 * True when `pid` runs. Signal 0 checks without signalling; EPERM means it runs as another user
 * (still alive, so whatever it owns is not stale).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
