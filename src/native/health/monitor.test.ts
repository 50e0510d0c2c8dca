import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../test/native/fake-clock.js';
import type { Checker } from './checkers/types.js';
import type { HealthChange } from './coalescer.js';
import { createHealthMonitor, type HealthMonitorOptions, type MonitorTarget } from './monitor.js';

/** A monitor on a fake clock whose checks take 5 fake ms and pass unless the address is in `down`. */
function setup(extra: HealthMonitorOptions = {}) {
  const clock = createFakeClock(1_700_000_000_000);
  const down = new Set<string>();
  const checked: string[] = [];
  const checker: Checker = (spec, signal) =>
    new Promise((resolve) => {
      checked.push(spec.address);
      const t = clock.setTimeout(
        () => resolve(down.has(spec.address) ? { ok: false, reason: 'ECONNREFUSED' } : { ok: true }),
        5,
      );
      // Like the real checkers: an abort (removal, close) settles the check at once.
      signal?.addEventListener('abort', () => {
        clock.clearTimeout(t);
        resolve({ ok: false, reason: 'aborted' });
      });
    });
  const monitor = createHealthMonitor({ clock, checker, concurrency: 64, ...extra });
  const batches: HealthChange[][] = [];
  monitor.onChange((_keys, changes) => batches.push([...changes]));
  return { clock, down, checked, monitor, batches };
}

const target = (i: number, over: Partial<MonitorTarget> = {}): MonitorTarget => ({
  key: `web/vm${i}`,
  address: `10.0.${i >> 8}.${i & 255}`,
  port: 80,
  protocol: 'TCP',
  interval: 1,
  timeout: 0.5,
  rise: 2,
  fall: 3,
  ...over,
});

describe('health monitor', () => {
  it('starts UNKNOWN, rises after `rise` checks, and reports the rise in one batch', async () => {
    const { clock, monitor, batches } = setup();
    monitor.update([target(1), target(2)]);
    expect(monitor.get('web/vm1')).toMatchObject({ state: 'UNKNOWN' });
    await clock.advance(1000);
    expect(monitor.get('web/vm1')).toMatchObject({ state: 'UNKNOWN', consecutiveSuccesses: 1 });
    await clock.advance(3000);
    expect(monitor.get('web/vm1')).toMatchObject({ state: 'HEALTHY', consecutiveSuccesses: 4 });
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((c) => [c.key, c.from, c.to]).sort()).toEqual([
      ['web/vm1', 'UNKNOWN', 'HEALTHY'],
      ['web/vm2', 'UNKNOWN', 'HEALTHY'],
    ]);
    await monitor.close();
  });

  it('100 of 1,000 targets going down at once produce ONE notification with all 100', async () => {
    const { clock, monitor, batches, down } = setup();
    monitor.update(Array.from({ length: 1000 }, (_, i) => target(i)));
    await clock.advance(5000);
    batches.length = 0;
    for (let i = 0; i < 100; i++) down.add(target(i * 10).address);
    await clock.advance(5000);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(100);
    expect(
      batches[0]?.every((c) => c.from === 'HEALTHY' && c.to === 'UNHEALTHY' && c.reason === 'ECONNREFUSED'),
    ).toBe(true);
    expect(monitor.get('web/vm10')).toMatchObject({ state: 'UNHEALTHY', reason: 'ECONNREFUSED' });
    await monitor.close();
  });

  it('a steady trickle of changes is still delivered within maxDelay', async () => {
    const { clock, monitor, batches } = setup({ coalesceQuietMs: 1000, coalesceMaxDelayMs: 2000 });
    // rise 1: each target turns HEALTHY at its first check; 100 first checks jittered over 10 s come
    // ~100 ms apart, never a whole quiet second apart, so without the cap this would be one batch.
    monitor.update(Array.from({ length: 100 }, (_, i) => target(i, { rise: 1, interval: 10 })));
    const delays: number[] = [];
    monitor.onChange((_keys, changes) => {
      delays.push(clock.now() - Math.min(...changes.map((c) => c.at.getTime())));
    });
    await clock.advance(20_000);
    expect(batches.flat()).toHaveLength(100);
    expect(batches.length).toBeGreaterThanOrEqual(4); // ~10 s of changes cut every 2 s
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
  });

  it('a target whose checks alternate pass and fail never changes state', async () => {
    const { clock, monitor, batches, down, checked } = setup();
    monitor.update([target(1, { initial: 'HEALTHY', rise: 2, fall: 2 })]);
    const addr = target(1).address;
    for (let t = 0; t < 20; t++) {
      if (t % 2) down.add(addr);
      else down.delete(addr);
      await clock.advance(1000); // one check per interval, whatever its phase
    }
    expect(checked).toHaveLength(20);
    expect(monitor.get('web/vm1')?.state).toBe('HEALTHY');
    expect(batches).toHaveLength(0);
  });

  it('update() keeps state and schedule of unchanged keys, resets changed ones, drops removed ones', async () => {
    const { clock, monitor, checked } = setup();
    monitor.update([target(1), target(2), target(3)]);
    await clock.advance(3000);
    const before = monitor.get('web/vm1');
    expect(before?.state).toBe('HEALTHY');
    checked.length = 0;
    monitor.update([target(1, { rise: 5 }), target(2, { address: '10.9.9.9' })]);
    expect(monitor.get('web/vm1')).toEqual(before); // same backend: health kept
    expect(monitor.get('web/vm2')?.state).toBe('UNKNOWN'); // new address: a different backend
    expect(monitor.get('web/vm3')).toBeUndefined();
    await clock.advance(1000);
    expect(checked.sort()).toEqual(['10.0.0.1', '10.9.9.9']); // vm1 still once per second, vm3 gone
    expect(monitor.states().size).toBe(2);
    await monitor.close();
  });

  it('runs a check shared by several NLBs once, and gives each its own rise/fall verdict', async () => {
    const { clock, monitor, checked, down } = setup();
    const shared = { address: '10.7.0.1', rise: 1, fall: 1 };
    monitor.update([
      target(1, { ...shared, key: 'a/vm' }),
      target(2, { ...shared, key: 'b/vm', rise: 3, fall: 2 }), // other thresholds: still the same check
      target(3, { ...shared, key: 'c/vm', timeout: 0.25 }), // another timeout: another check
      target(4, { ...shared, key: 'd/vm', port: 81 }), // another port: another check
    ]);
    await clock.advance(3000);
    expect(checked.filter((a) => a === '10.7.0.1')).toHaveLength(9); // 3 checks x 3 intervals, not 12
    expect(monitor.get('a/vm')?.state).toBe('HEALTHY');
    expect(monitor.get('b/vm')).toMatchObject({ state: 'HEALTHY', consecutiveSuccesses: 3 });
    const checks = /nlbkit_health_checks_total\{protocol="TCP"\} (\d+)/.exec(monitor.metricsText());
    expect(checks?.[1]).toBe('9');
    down.add('10.7.0.1');
    await clock.advance(1000);
    expect(monitor.get('a/vm')?.state).toBe('UNHEALTHY'); // fall 1
    expect(monitor.get('b/vm')?.state).toBe('HEALTHY'); // fall 2: one failure is not enough
    // Removing one sharer keeps the check for the others; removing the last stops it.
    checked.length = 0;
    monitor.update([target(2, { ...shared, key: 'b/vm', rise: 3, fall: 2 })]);
    await clock.advance(1000);
    expect(checked).toEqual(['10.7.0.1']);
    expect(monitor.get('b/vm')?.state).toBe('UNHEALTHY');
    monitor.update([]);
    checked.length = 0;
    await clock.advance(2000);
    expect(checked).toEqual([]);
    await monitor.close();
  });

  it('update() rejects bad targets and duplicates without changing anything', () => {
    const { monitor } = setup();
    monitor.update([target(1)]);
    expect(() => monitor.update([target(2, { interval: 0 })])).toThrow(/interval/);
    expect(() => monitor.update([target(2, { fall: 0 })])).toThrow(/fall/);
    expect(() => monitor.update([target(2, { expectedCodes: '2xx' })])).toThrow(RangeError);
    expect(() => monitor.update([target(2), target(2)])).toThrow(/twice/);
    expect([...monitor.states().keys()]).toEqual(['web/vm1']);
  });

  it('unsubscribes, isolates a throwing listener, and goes quiet after close()', async () => {
    const errors: unknown[] = [];
    const { clock, monitor, batches, checked } = setup({ onError: (e) => errors.push(e) });
    const off = monitor.onChange(() => {
      throw new Error('listener bug');
    });
    const seen: string[][] = [];
    const off2 = monitor.onChange((keys) => seen.push(keys));
    monitor.update([target(1, { rise: 1 })]);
    await clock.advance(2000);
    expect(errors).toHaveLength(1);
    expect(batches).toHaveLength(1); // the listener after the throwing one still ran
    off();
    off2();
    monitor.update([target(1, { rise: 1, address: '10.1.1.1' })]);
    await clock.advance(2000);
    expect(seen).toEqual([['web/vm1']]);
    await monitor.close();
    const n = checked.length;
    await clock.advance(5000);
    expect(checked.length).toBe(n);
    expect(() => monitor.update([])).toThrow(/closed/);
  });
});

describe('health monitor with real checks', () => {
  it('sees a real TCP backend go down and notifies', async () => {
    const server = net.createServer((s) => s.destroy());
    const port = await new Promise<number>((r) =>
      server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)),
    );
    const monitor = createHealthMonitor({ coalesceQuietMs: 20 });
    const changes: HealthChange[] = [];
    monitor.onChange((_k, c) => changes.push(...c));
    monitor.update([
      {
        key: 'lb/be',
        address: '127.0.0.1',
        port,
        protocol: 'TCP',
        interval: 0.05,
        timeout: 0.05,
        rise: 1,
        fall: 2,
      },
    ]);
    await expect.poll(() => monitor.get('lb/be')?.state, { timeout: 3000 }).toBe('HEALTHY');
    await new Promise<void>((r) => server.close(() => r()));
    await expect.poll(() => monitor.get('lb/be')?.state, { timeout: 3000 }).toBe('UNHEALTHY');
    await expect.poll(() => changes.map((c) => c.to), { timeout: 3000 }).toEqual(['HEALTHY', 'UNHEALTHY']);
    expect(monitor.get('lb/be')?.reason).toMatch(/ECONNREFUSED/);
    await monitor.close();
  });
});

describe('health monitor: a check with a source port', () => {
  it('sends a TCP check from localPort even when the native helper runs TCP checks', async () => {
    const peers: number[] = [];
    const server = net.createServer((s) => {
      peers.push(s.remotePort ?? 0);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const spare = net.createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const localPort = (spare.address() as net.AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const monitor = createHealthMonitor({ tcpChecker: 'auto' });
    try {
      monitor.update([
        { ...target(1), address: '127.0.0.1', port, interval: 0.2, timeout: 0.2, rise: 1, localPort },
      ]);
      await expect.poll(() => monitor.get('web/vm1')?.state, { timeout: 5000 }).toBe('HEALTHY');
      expect(peers.length).toBeGreaterThan(0);
      expect(new Set(peers)).toEqual(new Set([localPort]));
    } finally {
      await monitor.close();
      await new Promise((r) => server.close(r));
    }
  });
});
