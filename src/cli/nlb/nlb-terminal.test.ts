/**
 * What a person sees: the CLI in a real terminal (tmux), the screen read with capture-pane. The
 * spinner shows the step in progress on one line, which is gone when the result is printed; errors
 * read as one line per problem. tmux is missing: skipped locally, a failure under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const SOCKET = `nlbkit-cli-test-${process.pid}`;

function haveTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error('tmux is needed for the terminal test in CI (scripts/setup.sh installs it)');
    console.warn('skipping the terminal test: tmux is not installed');
    return false;
  }
}
const enabled = haveTmux();
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nlbkit-cli-terminal-'));
  await writeFile(join(dir, 'nlbkit.yaml'), 'connections: {cloud: {driver: mock}}\n');
});
afterAll(async () => {
  if (enabled) {
    try {
      tmux('kill-server');
    } catch {
      // Already gone: every session ended.
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** Runs `nlbkit <args>` in a new 100x20 tmux window; returns a reader of its screen. */
function inTerminal(name: string, args: string): () => string {
  const main = join(ROOT, 'test/cli/terminal-main.ts');
  const shell = `node --import tsx ${main} ${args} --config ${join(dir, 'nlbkit.yaml')}; echo "exit=$?"; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '20', '-c', ROOT, shell);
  return () => tmux('capture-pane', '-p', '-J', '-t', name);
}

/** Reads the screen until `done` holds for it (or gives up after `tries` reads, 100 ms apart). */
async function screenUntil(
  read: () => string,
  done: (screen: string) => boolean,
  tries = 300,
): Promise<string> {
  let screen = read();
  for (let i = 0; i < tries && !done(screen); i++) {
    await new Promise((r) => setTimeout(r, 100));
    screen = read();
  }
  return screen;
}

describe.runIf(enabled)('in a terminal (tmux)', () => {
  it('shows a spinner with the current step, then only the result', async () => {
    const read = inTerminal('create', 'nlb create web --port 80 --vms web1,web2');
    const during = await screenUntil(read, (s) => s.includes('waiting for the load balancer'));
    expect(during).toMatch(
      /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] createNLB: waiting for the load balancer to become active \(\d+\.\ds\)$/m,
    );
    const after = await screenUntil(read, (s) => s.includes('exit='));
    const lines = after.split('\n').filter((l) => l.trim() !== '');
    expect(lines[0]).toMatch(/^name: +web$/);
    expect(after).toMatch(/^vms: +web1, web2$/m);
    expect(after).not.toMatch(/createNLB:|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(lines.at(-1)).toBe('exit=0');
  });

  it('shows an error as the code, the message and one line per problem, and exits by code', async () => {
    const read = inTerminal('error', 'nlb create bad_name --port 0 --health-interval soon');
    const screen = await screenUntil(read, (s) => s.includes('exit='));
    const lines = screen.split('\n').filter((l) => l.trim() !== '');
    expect(lines[0]).toMatch(/^error INVALID_ARGUMENT: \[nlbkit\] \[mock\] createNLB: /);
    expect(lines).toContain('  listener.port (--port): must be 1-65535');
    expect(lines.some((l) => l.startsWith('  iid.nameId (NAME): '))).toBe(true);
    expect(lines.some((l) => l.startsWith('  healthChecker.interval (--health-interval): '))).toBe(true);
    expect(lines.at(-1)).toBe('exit=12');
  });
});
