/**
 * The health worker's output at the protocol level: run directly (no namespace needed: its checks go to
 * loopback listeners here), it must send only a small heartbeat in a steady state, whatever the number
 * of targets, and one small message when one target flips.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { runnableProgram } from '../../common/runnable-program.js';
import { parseLine, type ToParent, targetToWire, toParent } from './netns-protocol.js';

const TARGETS = 500;
let worker: ChildProcess | undefined;
const servers: net.Server[] = [];
afterAll(async () => {
  worker?.stdin?.end();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function listen(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((s) => s.destroy());
  servers.push(server);
  const port = await new Promise<number>((r) =>
    server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)),
  );
  return { server, port };
}

describe('health worker output', () => {
  it('sends a heartbeat in a steady state and one small message when one target flips', async () => {
    const { port } = await listen();
    const flipping = await listen();
    worker = spawn(process.execPath, [await runnableProgram(import.meta.url, 'netns-worker-main')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const got: Array<{ at: number; bytes: number; m: ToParent }> = [];
    readline.createInterface({ input: worker.stdout! }).on('line', (line) => {
      const m = parseLine(toParent, line);
      if (m) got.push({ at: Date.now(), bytes: line.length, m });
    });
    const send = (m: object) => worker?.stdin?.write(`${JSON.stringify(m)}\n`);
    send({ type: 'init', monitor: { coalesceQuietMs: 50 }, snapshotIntervalMs: 200 });
    const target = { protocol: 'TCP' as const, interval: 0.2, timeout: 0.2, rise: 1, fall: 1 };
    const targets = Array.from({ length: TARGETS }, (_, i) => ({
      key: `lb${i}/vm`,
      address: '127.0.0.1',
      port: i === 0 ? flipping.port : port,
      ...target,
    }));
    send({ type: 'update', seq: 1, targets: targets.map(targetToWire) });

    // Every target reaches HEALTHY (said once, in changes and deltas), then the state is steady.
    const healthy = new Set<string>();
    await expect
      .poll(
        () => {
          for (const { m } of got)
            if (m.type === 'changes') for (const c of m.changes) if (c.to === 'HEALTHY') healthy.add(c.key);
          return healthy.size;
        },
        { timeout: 15_000 },
      )
      .toBe(TARGETS);
    await new Promise((r) => setTimeout(r, 1000));
    const steadyFrom = Date.now();
    await new Promise((r) => setTimeout(r, 1200));
    const steady = got.filter((g) => g.at >= steadyFrom);
    expect(steady.length).toBeGreaterThanOrEqual(3); // heartbeats keep coming (the parent's liveness)
    for (const { m, bytes } of steady) {
      expect(m.type).toBe('delta');
      if (m.type === 'delta') expect(Object.keys(m.health)).toEqual([]);
      expect(bytes).toBeLessThan(8000); // the metrics text: independent of the number of targets
    }

    // One target flips: one changes message about it alone, and no delta repeats it.
    const flipFrom = got.length;
    await new Promise((r) => flipping.server.close(r));
    await expect
      .poll(() => got.slice(flipFrom).filter((g) => g.m.type === 'changes').length, { timeout: 5000 })
      .toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    const after = got.slice(flipFrom);
    const changes = after.filter((g) => g.m.type === 'changes');
    expect(changes).toHaveLength(1);
    const only = changes[0];
    expect(only?.m.type === 'changes' && only.m.changes.map((c) => [c.key, c.to])).toEqual([
      ['lb0/vm', 'UNHEALTHY'],
    ]);
    expect(only?.m.type === 'changes' && Object.keys(only.m.health)).toEqual(['lb0/vm']);
    expect(only?.bytes).toBeLessThan(1000);
    for (const { m } of after) if (m.type === 'delta') expect(Object.keys(m.health)).toEqual([]);
  }, 30_000);
});
