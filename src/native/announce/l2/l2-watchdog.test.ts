/**
 * The layer-2 watchdog as a real process on a real pipe, its commands going to a recording executor
 * (test/native/l2-watchdog-recording-main.ts): removal at the deadline unless extended, removal of
 * everything when the agent dies (after a refresh still in flight), refusals, and the announcer
 * dropping a dead watchdog's VIPs before it starts a new one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../../test/native/fake-clock.js';
import { fakeL2Node } from '../../../../test/native/fake-l2-node.js';
import { processAlive } from '../../../common/process-alive.js';
import { runnableProgram } from '../../../common/runnable-program.js';
import { createMemoryLeases } from '../../store/memory-leases.js';
import { createL2Announcer } from './l2-announcer.js';
import { hostMonotonicMs, L2Watchdog, WATCHDOG_MIN_LEAD_MS } from './l2-watchdog.js';
import { L2WatchdogClient } from './l2-watchdog-client.js';

interface Run {
  at: number;
  argv: string[];
}

const testDir = new URL('../../../../test/native/l2-watchdog-recording-main.ts', import.meta.url).href;
let dir: string;
let program: string;
const clients: L2WatchdogClient[] = [];

/** The commands the watchdog with process id `pid` ran, in order. */
const runs = (pid: number | undefined): Run[] => {
  const file = join(dir, `${pid}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Run);
};
const ran = (pid: number | undefined, op: 'replace' | 'del', vip: string) =>
  runs(pid).filter((r) => r.argv[3] === op && r.argv[4]?.startsWith(`${vip}/`));
const waitFor = async <T>(what: string, get: () => T, ms = 10_000): Promise<NonNullable<T>> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const client = () => {
  const c = new L2WatchdogClient({ iface: 'eth0', lifetimeS: 1, program, log: () => undefined });
  clients.push(c);
  return c;
};

describe('layer-2 watchdog (real process and pipe, recording executor)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nlbk-l2wd-'));
    process.env.NLBKIT_TEST_WATCHDOG_DIR = dir;
    program = await runnableProgram(testDir, 'l2-watchdog-recording-main');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
  });
  afterAll(() => {
    delete process.env.NLBKIT_TEST_WATCHDOG_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes a VIP at its deadline, not before, unless a later hold extends it', async () => {
    const c = client();
    expect(await c.start()).toBe(true);
    const t0 = hostMonotonicMs();
    // Deadlines long enough for a loaded machine: a hold not answered by its deadline kills the watchdog.
    await Promise.all([c.hold('10.99.0.1', 1500), c.hold('fd00:99::1', 1500)]);
    expect(ran(c.pid, 'replace', '10.99.0.1')[0]?.argv).toEqual([
      'ip',
      '-4',
      'addr',
      'replace',
      '10.99.0.1/32',
      'dev',
      'eth0',
      'valid_lft',
      '1',
      'preferred_lft',
      '1',
    ]);
    const t1 = hostMonotonicMs();
    await c.hold('fd00:99::1', 4000); // extended before its first deadline
    const del4 = await waitFor('10.99.0.1 removed', () => ran(c.pid, 'del', '10.99.0.1')[0]);
    expect(del4.at).toBeGreaterThanOrEqual(t0 + 1500);
    expect(del4.argv).toEqual(['ip', '-4', 'addr', 'del', '10.99.0.1/32', 'dev', 'eth0']);
    // The first deadline of the IPv6 VIP has passed too, and did not remove it.
    await waitFor('the first IPv6 deadline to pass', () => hostMonotonicMs() > t1 + 1600);
    expect(ran(c.pid, 'del', 'fd00:99::1')).toEqual([]);
    const del6 = await waitFor('fd00:99::1 removed', () => ran(c.pid, 'del', 'fd00:99::1')[0]);
    expect(del6.at).toBeGreaterThanOrEqual(t1 + 4000);
    expect(c.alive).toBe(true);
  });

  it('removes every VIP when the agent dies, after a refresh still in flight', async () => {
    const agentMain = await runnableProgram(testDir, 'l2-watchdog-agent-main');
    const agent = spawn(process.execPath, [agentMain, program, '10.99.0.2', 'fd00:99::2'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NLBKIT_TEST_WATCHDOG_REPLACE_MS: '300' },
    });
    const pid = Number(
      await new Promise<string>((r) => agent.stdout.once('data', (d: Buffer) => r(String(d)))),
    );
    agent.kill('SIGKILL'); // 60 s deadlines: only the closed pipe can remove them now
    await waitFor(
      'both VIPs removed',
      () => ran(pid, 'del', '10.99.0.2')[0] && ran(pid, 'del', 'fd00:99::2')[0],
    );
    await waitFor('the watchdog to exit', () => !processAlive(pid));
    // The refresh sent just before the kill ran first: the address is not put back after its removal.
    const v4 = runs(pid).filter((r) => r.argv[4] === '10.99.0.2/32');
    expect(v4.map((r) => r.argv[3])).toEqual(['replace', 'replace', 'del']);
  });

  it('refuses a hostile VIP and a deadline too near, running nothing for them', async () => {
    const c = client();
    await c.start();
    for (const vip of ['10.99.0.3/32', '1.2.3.4 dev lo', '-1', 'fd00::0001'])
      await expect(c.hold(vip, 5000)).rejects.toThrow(/not a canonical IP address/);
    await expect(c.hold('10.99.0.3', 10)).rejects.toThrow(/too near/);
    await c.hold('10.99.0.4', 5000);
    expect(runs(c.pid).map((r) => r.argv[4])).toEqual(['10.99.0.4/32']);
    // The watchdog's own check, for a request that reaches it too late (a stalled pipe or agent).
    const clock = createFakeClock(1000);
    const fake = fakeL2Node('lb1');
    const watchdog = new L2Watchdog(fake.executor, 'eth0', 1, () => undefined, clock);
    await expect(watchdog.hold('10.99.0.6', 1000 + WATCHDOG_MIN_LEAD_MS - 1)).rejects.toThrow(/too near/);
    await expect(watchdog.hold('10.99.0.6', 999)).rejects.toThrow(/too near/);
    expect(fake.commands).toEqual([]);
  });

  it("the announcer drops a dead watchdog's VIPs itself before a new watchdog takes them again", async () => {
    const fake = fakeL2Node('lb1');
    const at: Record<string, number> = {};
    const executor = {
      where: 'local', // a local executor as far as the announcer can tell; its commands are recorded
      run: (argv: readonly string[], opts?: { stdin?: string; timeoutMs?: number }) => {
        if (argv[3] === 'del') at[argv[4] as string] = hostMonotonicMs();
        return fake.executor.run(argv, opts);
      },
    };
    const announcer = createL2Announcer({
      leases: createMemoryLeases(),
      node: 'lb1',
      executor,
      interface: 'eth0',
      watchdog: { program },
    });
    // Each recording watchdog writes to a file named by its pid: the new files are the announcer's.
    const before = new Set(readdirSync(dir));
    const watchdogs = () =>
      readdirSync(dir)
        .filter((f) => !before.has(f))
        .map((f) => Number.parseInt(f, 10));
    try {
      const vip = '10.99.0.5';
      await announcer.update([{ vip, family: 4, serving: true }]);
      const first = await waitFor('a watchdog', () => watchdogs()[0]);
      expect(ran(first, 'replace', vip)).toHaveLength(1);
      process.kill(first, 'SIGKILL');
      const second = await waitFor('a new watchdog holding the VIP', () =>
        watchdogs().find((p) => p !== first && ran(p, 'replace', vip).length > 0),
      );
      const removed = at[`${vip}/32`];
      expect(removed).toBeDefined();
      expect(removed).toBeLessThan((ran(second, 'replace', vip)[0] as Run).at);
    } finally {
      await announcer.stop();
    }
  });
});
