/** Namespaces for the native tests: made here, named `nlbk-...`, removed afterwards. */
import { execFileSync } from 'node:child_process';

/**
 * True when this host can run namespace tests (root, `ip`, `nft`). Locally a missing piece skips with
 * a printed reason; under CI (CI=true) it throws, because CI is set up to run them.
 */
export function canUseNetns(): boolean {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = 'not root';
  else
    for (const argv of [
      ['ip', '-V'],
      ['nft', '--version'],
    ]) {
      try {
        execFileSync(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
      } catch {
        reason = `'${argv[0]}' is not available`;
      }
    }
  if (!reason) return true;
  if (process.env.CI === 'true') throw new Error(`native netns tests need root, ip and nft: ${reason}`);
  console.warn(`skipping native netns tests: ${reason}`);
  return false;
}

let sequence = 0;
/** Creates a fresh namespace with lo up; returns its name and a remover. */
export function makeNetns(tag: string): { name: string; remove(): void } {
  sequence += 1;
  const name = `nlbk-${tag}-${process.pid}-${sequence}`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['-n', name, 'link', 'set', 'dev', 'lo', 'up']);
  return {
    name,
    remove: () => {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    },
  };
}

/** Runs a command in the namespace and returns its stdout. */
export const inNetns = (name: string, argv: string[]): string =>
  execFileSync('ip', ['netns', 'exec', name, ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
