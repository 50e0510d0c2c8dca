/**
 * Throwaway network namespaces for the live nft tests and the benchmark: unique `nlbk-dp-<pid>-<n>`
 * names, removal of ones left by dead processes, and the root/nft check (a failure in CI, a skip locally).
 */
import { localExecutor } from '../../src/native/executor/local-executor.js';

const PREFIX = 'nlbk-dp-';
let counter = 0;
const local = localExecutor();

/** Why live tests cannot run here, or undefined when they can. */
export async function liveUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    const nft = await local.run(['nft', '--version']);
    if (nft.code !== 0) return `nft --version failed: ${nft.stderr.trim()}`;
    const ip = await local.run(['ip', 'netns', 'list']);
    if (ip.code !== 0) return `ip netns list failed: ${ip.stderr.trim()}`;
  } catch (e) {
    return `nft or ip is missing (${(e as Error).message})`;
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `nlbk-dp-<pid>-*` namespaces whose process is gone (never another live run's). */
export async function removeStaleNamespaces(): Promise<void> {
  const r = await local.run(['ip', 'netns', 'list']);
  for (const line of r.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^nlbk-dp-(\d+)-\d+$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) {
      await local.run(['ip', 'netns', 'delete', name]);
    }
  }
}

/** Creates a fresh namespace with loopback up and returns its name. */
export async function createNamespace(): Promise<string> {
  const name = `${PREFIX}${process.pid}-${++counter}`;
  const r = await local.run(['ip', 'netns', 'add', name]);
  if (r.code !== 0) throw new Error(`ip netns add ${name}: ${r.stderr}`);
  await local.run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

/** Deletes a namespace made by {@link createNamespace}. */
export async function deleteNamespace(name: string): Promise<void> {
  if (!name.startsWith(`${PREFIX}${process.pid}-`)) throw new Error(`not ours: ${name}`);
  await local.run(['ip', 'netns', 'delete', name]);
}
