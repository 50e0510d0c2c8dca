/**
 * Runs the native demo as a user would (a child process) and checks what it prints and that it leaves
 * no namespace behind: after a full run, after Ctrl-C, and when `ip`/`nft` cannot be found.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_PREFIX, listNamespaces, requireRootNetns } from './harness/index.js';

const enabled = requireRootNetns();
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const demo = new URL('../../src/cli/native-demo.ts', import.meta.url).href;

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  output(): string;
}

function runDemo(env: NodeJS.ProcessEnv = process.env): Run {
  // Its own process group, so the Ctrl-C test can signal the group as a terminal would.
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      '--input-type=module',
      '-e',
      `await (await import(${JSON.stringify(demo)})).runNativeDemo();`,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out })),
  );
  return { child, done, output: () => out };
}

/** Resolves once the demo has printed `text`; rejects if it ends first. */
const printed = (run: Run, text: string) =>
  new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (run.output().includes(text)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    run.done.then(() => reject(new Error(`demo ended before it was interrupted:\n${run.output()}`)));
  });

const leftBehind = (pid: number | undefined) =>
  listNamespaces().filter((ns) => ns.startsWith(`${DEMO_PREFIX}-${pid}-`));
/** `nlbkit agent` processes of the demo's HA step still running (they run in the host namespace). */
const agentsOf = (pid: number | undefined) =>
  (spawnSync('pgrep', ['-f', `netns ${DEMO_PREFIX}-${pid}-`], { encoding: 'utf8' }).stdout ?? '')
    .split('\n')
    .filter(Boolean);

describe.skipIf(!enabled)('native demo', () => {
  it('shows traffic reaching every backend, then removes every namespace', async () => {
    const run = runDemo();
    const { code, out } = await run.done;
    expect(code, out).toBe(0);
    for (const vm of ['vm-0', 'vm-1', 'vm-2']) {
      // The first table (round robin over all three): every backend got connections.
      const row = new RegExp(`^\\s+${vm}\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+[\\d.]+%$`, 'm').exec(out);
      expect(Number(row?.[1]), `${vm} in\n${out}`).toBeGreaterThan(0);
    }
    expect(out).toContain('the backends saw the client address 198.18.2.1');
    expect(out).toContain('fails, as it should');
    // The HA step: both nodes carry traffic, one is killed, every new connection still succeeds.
    const ha = out.slice(out.indexOf('7. Two LB nodes'));
    expect(ha, out).toMatch(/the router's route: via lb0 and lb1/);
    expect(ha).toMatch(/kill -9 lb1 \(agent and BIRD\): \d+ ms later the router routes via lb0 only/);
    const succeeded = [...ha.matchAll(/(\d+) of 300 new connections succeeded/g)].map((m) => Number(m[1]));
    expect(succeeded).toEqual([300, 300]);
    for (const lb of ['lb0', 'lb1']) {
      // Before the kill, each node's packet counter row shows a share above zero.
      const row = new RegExp(`^\\s+${lb}\\s+packets\\s+\\S+\\s+(\\d+)`, 'm').exec(ha);
      expect(Number(row?.[1]), `${lb} in\n${ha}`).toBeGreaterThan(0);
    }
    expect(ha).toContain('lb1 restarted: the router routes via lb0 and lb1 again');
    // dsr: every held connection lives through lb1's death.
    expect(ha).toMatch(/createNLB demo-dsr \(forwarding: dsr\)/);
    expect(ha).toMatch(
      /lb1 dies \(links cut, agent and BIRD kill -9\); the router routes via lb0 only: 0 of 100 held connections lost/,
    );
    expect(ha).toContain('lb1 returns: the router routes via lb0 and lb1 again');
    expect(out).toContain('every demo namespace is gone');
    expect(leftBehind(run.child.pid)).toEqual([]);
    expect(agentsOf(run.child.pid)).toEqual([]);
  }, 240_000);

  it.each([
    ['in the single-node steps', '1. createNLB', 0],
    ['in the HA step (BIRDs and agent processes too)', 'createNLB demo-ha', 2],
  ])(
    'cleans up on Ctrl-C %s (SIGINT to its process group, as a terminal sends it)',
    async (_, marker, agents) => {
      const run = runDemo();
      await printed(run, marker);
      expect(leftBehind(run.child.pid).length).toBeGreaterThan(0);
      expect(agentsOf(run.child.pid).length).toBe(agents);
      process.kill(-run.child.pid!, 'SIGINT');
      const { code, out } = await run.done;
      expect(code, out).toBe(130);
      expect(out).toContain("SIGINT: removing the demo's namespaces");
      expect(leftBehind(run.child.pid)).toEqual([]);
      expect(agentsOf(run.child.pid)).toEqual([]);
    },
    240_000,
  );

  it('says what is missing, and how to get it, when ip and nft cannot be found', async () => {
    const run = runDemo({ ...process.env, PATH: '/nonexistent' });
    const { code, out } = await run.done;
    expect(code).toBe(1);
    expect(out).toContain('apt-get install iproute2');
    expect(out).toContain('apt-get install nftables');
    expect(leftBehind(run.child.pid)).toEqual([]);
  }, 60_000);
});
