/**
 * What the benchmark needs besides the lab's own requirements (root, iproute2, nftables): the programs
 * it runs, and the Debian packages that provide them. It installs nothing itself.
 */
import { spawnSync } from 'node:child_process';
import { checkLabRequirements } from '../../src/lab/lab-preflight.js';
import type { BenchOptions } from './options.js';

/** Program -> the Debian package that provides it. */
const PROGRAMS = [
  { program: 'nginx', args: ['-v'], pkg: 'nginx-light' },
  { program: 'haproxy', args: ['-v'], pkg: 'haproxy' },
  { program: 'wrk', args: ['-v'], pkg: 'wrk' },
] as const;

/** Only for the LB-CPU phase: threaded NAPI on the lab's veths (GRO on, TSO off; lb-cpu.ts). */
const ETHTOOL = { program: 'ethtool', args: ['--version'], pkg: 'ethtool' } as const;

/** Only for a spread client (keep-alive by default, new connections by flag): compiles the C client. */
const GCC = { program: 'gcc', args: ['--version'], pkg: 'gcc' } as const;

function runs(file: string, args: readonly string[]): boolean {
  const out = spawnSync(file, args, { encoding: 'utf8', timeout: 5000 });
  // `wrk -v` prints its version and exits 1; anything but "not found" means it is there.
  return out.error === undefined;
}

/** Lines describing what is missing (empty: ready to run). */
export function checkBenchRequirements(
  opts: Pick<BenchOptions, 'newconnClient' | 'keepaliveClient' | 'lbReps'>,
): string[] {
  const lines = checkLabRequirements().map((m) => `${m.what}: ${m.fix}`);
  const spread = opts.newconnClient === 'spread' || opts.keepaliveClient === 'spread';
  const wanted = [...PROGRAMS, ...(spread ? [GCC] : []), ...(opts.lbReps > 0 ? [ETHTOOL] : [])];
  const missing = wanted.filter((p) => !runs(p.program, p.args));
  if (missing.length > 0) {
    const names = missing.map((p) => p.program).join(', ');
    const pkgs = missing.map((p) => p.pkg).join(' ');
    lines.push(`${names} not found: apt-get install -y ${pkgs}   (Debian packages: ${pkgs})`);
  }
  return lines;
}
