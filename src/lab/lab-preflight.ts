/**
 * Checks that this host can build a netns lab: root, `ip` (iproute2) with netns support, and `nft`
 * (nftables). Returns what is missing and how to get it, in words a user can act on.
 */
import { spawnSync } from 'node:child_process';

/** One missing requirement. */
export interface MissingRequirement {
  what: string;
  fix: string;
}

function works(file: string, args: string[]): boolean {
  const out = spawnSync(file, args, { encoding: 'utf8', timeout: 5000 });
  return out.error === undefined && out.status === 0;
}

/** Lists what this host lacks for the lab (empty: ready). */
export function checkLabRequirements(): MissingRequirement[] {
  const missing: MissingRequirement[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    missing.push({
      what: 'root privileges (network namespaces and nftables need CAP_NET_ADMIN)',
      fix: 'run as root, e.g. `sudo -E npm run demo`',
    });
  }
  if (!works('ip', ['-V'])) {
    missing.push({ what: 'the `ip` command (iproute2)', fix: 'apt-get install iproute2' });
  } else if (!works('ip', ['netns', 'list'])) {
    missing.push({
      what: '`ip netns` support',
      fix: 'run as root on a Linux kernel with network namespaces',
    });
  }
  if (!works('nft', ['--version'])) {
    missing.push({ what: 'the `nft` command (nftables)', fix: 'apt-get install nftables' });
  }
  return missing;
}

/** What this host lacks for the lab as one line (`what (fix); ...`), or undefined when it is ready. */
export function missingLabRequirements(): string | undefined {
  const missing = checkLabRequirements();
  return missing.length === 0 ? undefined : missing.map((m) => `${m.what} (${m.fix})`).join('; ');
}
