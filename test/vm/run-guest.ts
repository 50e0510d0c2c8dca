/**
 * Boots the test VM (scripts/vm/run.sh: Debian's kernel, this machine's userspace) and runs one guest
 * script in it. Guests print one line `NLBKIT-RESULT <json>` for the test on the host to assert on.
 *
 * Without the VM prepared (or without qemu) the VM tests skip locally; under CI=true that is a
 * failure: scripts/setup.sh prepares it when run as root.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** Whether scripts/vm/prepare.sh has run; throws under CI=true when it has not. */
export function vmPrepared(): boolean {
  if (existsSync(join(root, '.cache/vm/version'))) return true;
  const reason = 'the VM tests need scripts/vm/prepare.sh (root, Debian: qemu-system-x86, a Debian kernel)';
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must provide it (scripts/setup.sh does)`);
  console.warn(`skipping: ${reason}`);
  return false;
}

/** What one guest run left. */
export interface GuestRun {
  result?: Record<string, unknown>;
  /** The console text (the guest's output and the kernel's). */
  output: string;
  code: number | null;
}

function runOnce(script: string): Promise<GuestRun> {
  return new Promise((resolve) => {
    const child = spawn(join(root, 'scripts/vm/run.sh'), ['--', 'node', '--import', 'tsx', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('exit', (code) => {
      const line = /NLBKIT-RESULT (\{.*\})/.exec(output)?.[1];
      resolve({ result: line ? (JSON.parse(line) as Record<string, unknown>) : undefined, output, code });
    });
  });
}

/** Boots of one guest, at most: the first and the retries after emulator faults. */
const MAX_BOOTS = 3;

/** Runs `script` (relative to the repository) in a fresh VM. */
export async function runGuest(script: string): Promise<GuestRun> {
  // qemu's CPU emulation has killed node with SIGILL once (with `-cpu max`; run.sh now picks a
  // conservative model) and with SIGSEGV (CI, 5 Dec: node died before printing anything, twice in a
  // row in one run, while the same guest passed in the run before): emulator faults, not ours, so
  // retries, and only for those.
  let run = await runOnce(script);
  for (let boot = 2; boot <= MAX_BOOTS; boot++) {
    if (run.result || !/Illegal instruction|Segmentation fault/.test(run.output)) break;
    run = await runOnce(script);
  }
  return run;
}
