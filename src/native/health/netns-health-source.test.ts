/**
 * The netns health source against a real namespace: a TCP server listens on an address that exists only
 * inside a namespace this test creates, so a HEALTHY verdict proves the check ran inside it.
 * Needs root and `ip`: skipped with a message without them, a failure under CI=true.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNetns, requireRootNetns } from '../../../test/native/netns.js';
import { processAlive } from '../../common/process-alive.js';
import type { LabNamespace } from '../../lab/lab-names.js';
import { locateTcpChecker } from './checkers/native-tcp-prober.js';
import type { HealthChange } from './coalescer.js';
import type { MonitorTarget } from './monitor.js';
import { createNetnsHealthSource, type NetnsHealthSource, RESTARTING_REASON } from './netns-health-source.js';
import { parseLine, toParent, toWorker } from './netns-protocol.js';

const enabled = requireRootNetns();
const ADDRESS = '198.18.77.1'; // exists only inside the test's namespace
const PORT = 18_077;

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The command names of `pid`'s children. */
const childCommands = (pid: number): string[] =>
  readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const m = /^\d+ \((.*)\) \S (\d+)/.exec(readFileSync(`/proc/${e}/stat`, 'utf8'));
        return m && Number(m[2]) === pid ? [m[1] as string] : [];
      } catch {
        return [];
      }
    });

describe('createNetnsHealthSource without a namespace', () => {
  it.each(['', 'a b', '-n', '..', 'a/b'])('refuses the namespace name %j', (netns) => {
    expect(() => createNetnsHealthSource({ netns })).toThrow(/invalid namespace name/);
  });

  it('throws for a target the monitor would refuse, before starting anything', async () => {
    const source = createNetnsHealthSource({ netns: 'nlbk-hns-never' });
    const bad: MonitorTarget = {
      key: 'a',
      address: '10.0.0.1',
      port: 0,
      protocol: 'TCP',
      interval: 1,
      timeout: 1,
      rise: 1,
      fall: 1,
    };
    expect(() => source.update([bad])).toThrow(/port must be 1-65535/);
    expect(source.workerPid).toBeUndefined();
    await source.close();
  });

  it('drops lines that are not valid messages, never evaluating them', () => {
    expect(parseLine(toParent, 'not json')).toBeUndefined();
    expect(parseLine(toParent, '{"type":"ready"}')).toBeUndefined();
    expect(parseLine(toParent, '{"type":"ready","pid":1,"extra":true}')).toBeUndefined();
    expect(parseLine(toWorker, '{"type":"update","seq":1,"targets":[{"key":"a"}]}')).toBeUndefined();
    expect(parseLine(toParent, '{"type":"ready","pid":42}')).toEqual({ type: 'ready', pid: 42 });
  });
});

describe.skipIf(!enabled)('createNetnsHealthSource in a namespace', () => {
  let made: LabNamespace | undefined;
  let ns = '';
  let server: ChildProcess | undefined;
  let source: NetnsHealthSource;
  const changes: HealthChange[] = [];
  const target: MonitorTarget = {
    key: 'web/vm1',
    address: ADDRESS,
    port: PORT,
    protocol: 'TCP',
    interval: 0.25,
    timeout: 0.25,
    rise: 1,
    fall: 1,
  };

  async function startServer(): Promise<void> {
    const script = `require('net').createServer((s) => s.destroy()).listen(${PORT}, '${ADDRESS}', () => console.log('up'))`;
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    server = proc;
    await new Promise((resolve, reject) => {
      proc.stdout?.once('data', resolve);
      proc.once('exit', (code) => reject(new Error(`test server exited (${code})`)));
    });
  }

  async function stopServer(): Promise<void> {
    const proc = server;
    server = undefined;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await gone;
  }

  beforeAll(async () => {
    made = makeNetns('hns');
    ns = made.name;
    execFileSync('ip', ['-n', ns, 'addr', 'add', `${ADDRESS}/32`, 'dev', 'lo']);
    await startServer();
    source = createNetnsHealthSource({
      netns: ns,
      snapshotIntervalMs: 200,
      refreshIntervalMs: 200, // the signal test watches lastCheck move on
      log: () => undefined,
    });
    source.onChange((_keys, batch) => changes.push(...batch));
  });

  afterAll(async () => {
    await source?.close();
    await stopServer();
    made?.remove();
  });

  it('checks from inside the namespace: a server only it can reach is HEALTHY', async () => {
    expect(execFileSync('ip', ['-4', 'addr', 'show']).toString()).not.toContain(ADDRESS);
    source.update([target]);
    await source.ready();
    await waitFor('HEALTHY', () => source.get(target.key)?.state === 'HEALTHY');
    await waitFor('a change to HEALTHY', () => changes.find((c) => c.to === 'HEALTHY'));
    expect(source.states().get(target.key)?.lastCheck).toBeInstanceOf(Date);
    expect(source.metricsText()).toMatch(/nlbkit_health_checks_total\{protocol="TCP"\} [1-9]/);
    // Its TCP checks run in the native helper the parent found (the worker is a transpiled copy).
    if (locateTcpChecker() || process.env.CI === 'true')
      expect(childCommands(source.workerPid as number)).toContain('nlbkit-tcp-chec');
  });

  it('goes UNHEALTHY when the server stops, and says so through onChange', async () => {
    await stopServer();
    await waitFor('UNHEALTHY', () => source.get(target.key)?.state === 'UNHEALTHY');
    const change = await waitFor('a change to UNHEALTHY', () => changes.find((c) => c.to === 'UNHEALTHY'));
    expect(change).toMatchObject({ key: target.key, from: 'HEALTHY' });
    expect(change.reason).toMatch(/ECONNREFUSED/);
  });

  it('restarts a killed worker, keeping the last state (not inventing one) until checks resume', async () => {
    const first = source.workerPid as number;
    expect(first).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');
    const stale = await waitFor('the restarting reason', () => {
      const h = source.get(target.key);
      return h?.reason?.startsWith(RESTARTING_REASON) ? h : undefined;
    });
    expect(stale.state).toBe('UNHEALTHY');
    await waitFor('a new worker', () => source.workerPid !== undefined && source.workerPid !== first);
    expect(source.restarts).toBeGreaterThanOrEqual(1);
    // Checks resume: the new worker sees the server come back.
    changes.length = 0;
    await startServer();
    await waitFor('HEALTHY again', () => source.get(target.key)?.state === 'HEALTHY');
    // As with the monitor itself, get() may show it before the batched notification arrives.
    await waitFor('a change to HEALTHY', () =>
      changes.some((c) => c.from === 'UNHEALTHY' && c.to === 'HEALTHY'),
    );
    expect(processAlive(first)).toBe(false);
  });

  it('leaves a stop signal sent to the whole group (systemd, Ctrl-C) to the agent: no exit, no restart', async () => {
    const pid = source.workerPid as number;
    const restarts = source.restarts;
    const before = source.get(target.key)?.lastCheck?.getTime() ?? 0;
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGINT');
    // The same worker keeps checking: verdicts from checks made after the signals arrive.
    await waitFor(
      'checks after the signals',
      () => (source.get(target.key)?.lastCheck?.getTime() ?? 0) > before + 500,
    );
    expect(source.workerPid).toBe(pid);
    expect(source.restarts).toBe(restarts);
    expect(processAlive(pid)).toBe(true);
  });

  it('close() leaves no worker behind', async () => {
    const pid = source.workerPid as number;
    expect(processAlive(pid)).toBe(true);
    await stopServer();
    await source.close();
    expect(source.workerPid).toBeUndefined();
    expect(processAlive(pid)).toBe(false);
    expect(execFileSync('ip', ['netns', 'pids', ns]).toString().trim()).toBe('');
    expect(() => source.update([target])).toThrow(/closed/);
  });
});
