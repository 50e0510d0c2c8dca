import { describe, expect, it } from 'vitest';
import { FakeHealth } from '../../../test/native/fake-health.js';
import type { DsrProbePath } from './dsr-probe-path.js';
import type { DsrLane } from './dsr-probe-plan.js';
import { createPathHealthSource, NO_PROBE_REASON } from './path-health-source.js';
import type { HealthTarget } from './types.js';

const base = { port: 80, protocol: 'TCP' as const, interval: 1, timeout: 1, rise: 2, fall: 2 };
const nat: HealthTarget = { ...base, key: 'nat/vm1', address: '10.0.0.5' };
const dsr = (vm: string, address: string): HealthTarget => ({
  ...base,
  key: `web/${vm}`,
  address,
  path: { mode: 'dsr', vip: '198.51.100.10' },
});
const tunnel = (vm: string, address: string): HealthTarget => ({
  ...dsr(vm, address),
  path: { mode: 'tunnel', vip: '198.51.100.10' },
});

/** A probe path that records its lanes; `failing` keys cannot be routed, `openError` fails open(). */
function fakePath(opts: { failing?: string[]; openError?: string } = {}) {
  const calls: string[] = [];
  let lanes: DsrLane[] = [];
  const path: DsrProbePath = {
    netns: 'probe-test',
    async open() {
      calls.push('open');
      if (opts.openError) throw new Error(opts.openError);
    },
    async sync(l) {
      calls.push('sync');
      lanes = [...l];
      return new Map((opts.failing ?? []).map((k) => [k, 'RTNETLINK answers: File exists']));
    },
    async close() {
      calls.push('close');
    },
  };
  return { path, calls, lanes: () => lanes };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('path health source', () => {
  it('checks nat targets directly, dsr and tunnel targets at the VIP from their lane', async () => {
    const direct = new FakeHealth();
    const checks = new FakeHealth();
    const p = fakePath();
    const health = createPathHealthSource({
      direct,
      dsr: { path: p.path, checks, ports: { first: 61000, last: 61010 } },
    });
    health.update([nat, dsr('vm1', '10.0.1.11'), tunnel('vm2', '10.78.0.12')]);
    await settle();
    expect(direct.targets.map((t) => t.key)).toEqual(['nat/vm1']);
    const lane = { vip: '198.51.100.10', ipproto: 'tcp' };
    expect(p.lanes()).toEqual([
      { ...lane, key: 'web/vm1', mode: 'dsr', backend: '10.0.1.11', localPort: 61000 },
      { ...lane, key: 'web/vm2', mode: 'tunnel', backend: '10.78.0.12', localPort: 61001 },
    ]);
    // The probe is addressed to the VIP, never to the backend's own address, and carries no path.
    expect(checks.targets).toEqual([
      { ...base, key: 'web/vm1', address: '198.51.100.10', localPort: 61000 },
      { ...base, key: 'web/vm2', address: '198.51.100.10', localPort: 61001 },
    ]);
    expect(p.calls).toEqual(['open', 'sync']);
    await health.close();
    expect(p.calls.at(-1)).toBe('close');
  });

  it('names the VIP path in the reason of a dsr target that went DOWN', async () => {
    const checks = new FakeHealth();
    const health = createPathHealthSource({
      direct: new FakeHealth(),
      dsr: { path: fakePath().path, checks },
    });
    const seen: string[][] = [];
    health.onChange((keys) => seen.push(keys));
    health.update([dsr('vm1', '10.0.1.11')]);
    await settle();
    checks.set('web/vm1', 'UNHEALTHY', 'timeout: no TCP connection within 1000 ms');
    expect(seen).toContainEqual(['web/vm1']);
    expect(health.get('web/vm1')?.reason).toBe(
      "no answer through the VIP path (198.51.100.10:80 delivered to 10.0.1.11's MAC; nlbkit backend check there): timeout: no TCP connection within 1000 ms",
    );
    checks.set('web/vm1', 'HEALTHY');
    expect(health.get('web/vm1')).toMatchObject({ state: 'HEALTHY' });
    await health.close();
  });

  it("serves the probe's check metrics beside the direct ones, labelled path=vip", async () => {
    const family = (n: number) =>
      `# HELP nlbkit_health_checks_total Health checks completed, by protocol.\n# TYPE nlbkit_health_checks_total counter\nnlbkit_health_checks_total{protocol="TCP"} ${n}\n`;
    const direct = Object.assign(new FakeHealth(), { metricsText: () => family(3) });
    const checks = Object.assign(new FakeHealth(), { metricsText: () => family(7) });
    const health = createPathHealthSource({ direct, dsr: { path: fakePath().path, checks } });
    expect(health.metricsText()).toBe(
      `${family(3)}nlbkit_health_checks_total{path="vip",protocol="TCP"} 7\n`,
    );
    // Without a probe, the direct checks' text as it was.
    expect(createPathHealthSource({ direct }).metricsText()).toBe(family(3));
    await health.close();
  });

  it('names the tunnel in the reason of a tunnel target that went DOWN', async () => {
    const checks = new FakeHealth();
    const health = createPathHealthSource({
      direct: new FakeHealth(),
      dsr: { path: fakePath().path, checks },
    });
    health.update([tunnel('vm2', '10.78.0.12')]);
    await settle();
    checks.set('web/vm2', 'UNHEALTHY', 'timeout');
    expect(health.get('web/vm2')?.reason).toBe(
      'no answer through the VIP path (198.51.100.10:80 encapsulated to 10.78.0.12; nlbkit backend check there): timeout',
    );
    await health.close();
  });

  it('fails closed without a probe: dsr and tunnel targets are DOWN at once, never checked directly', async () => {
    const direct = new FakeHealth();
    const health = createPathHealthSource({ direct });
    const seen: string[][] = [];
    health.onChange((keys) => seen.push(keys));
    health.update([nat, dsr('vm1', '10.0.1.11'), tunnel('vm2', '10.78.0.12')]);
    expect(direct.targets.map((t) => t.address)).toEqual(['10.0.0.5']);
    expect(health.get('web/vm1')).toMatchObject({ state: 'UNHEALTHY', reason: NO_PROBE_REASON });
    expect(health.get('web/vm2')).toMatchObject({ state: 'UNHEALTHY', reason: NO_PROBE_REASON });
    expect(seen).toEqual([['web/vm1', 'web/vm2']]);
    await health.close();
  });

  it('reports a lane that could not be made, and keeps it out of the checks', async () => {
    const checks = new FakeHealth();
    const p = fakePath({ failing: ['web/vm2'] });
    const health = createPathHealthSource({ direct: new FakeHealth(), dsr: { path: p.path, checks } });
    health.update([dsr('vm1', '10.0.1.11'), dsr('vm2', '10.0.1.12')]);
    await settle();
    expect(checks.targets.map((t) => t.key)).toEqual(['web/vm1']);
    expect(health.get('web/vm2')).toMatchObject({ state: 'UNHEALTHY' });
    expect(health.get('web/vm2')?.reason).toMatch(
      /^no VIP path: the probe route could not be made: RTNETLINK/,
    );
    await health.close();
  });

  it('reports every dsr target DOWN when the probe namespace cannot be made, and tries again', async () => {
    const p = fakePath({ openError: 'ip netns add failed' });
    const health = createPathHealthSource({
      direct: new FakeHealth(),
      dsr: { path: p.path, checks: new FakeHealth() },
    });
    health.update([dsr('vm1', '10.0.1.11')]);
    await settle();
    expect(health.get('web/vm1')?.reason).toMatch(
      /^no VIP path: cannot make the probe namespace probe-test: ip netns add failed/,
    );
    health.update([dsr('vm1', '10.0.1.11')]);
    await settle();
    expect(p.calls).toEqual(['open', 'open']);
    await health.close();
    expect(p.calls).not.toContain('close'); // nothing was made
  });

  it('reports a target at its initial state until its lane is checked (a seeded verdict)', async () => {
    const checks = new FakeHealth();
    const health = createPathHealthSource({
      direct: new FakeHealth(),
      dsr: { path: fakePath().path, checks },
    });
    health.update([{ ...dsr('vm1', '10.0.1.11'), initial: 'UNHEALTHY' }, dsr('vm2', '10.0.1.12')]);
    // Before the lanes exist (the first sync renders now): the seed, or nothing known.
    expect(health.get('web/vm1')?.state).toBe('UNHEALTHY');
    expect(health.get('web/vm2')).toBeUndefined();
    await settle();
    checks.set('web/vm1', 'HEALTHY');
    expect(health.get('web/vm1')?.state).toBe('HEALTHY');
    await health.close();
  });

  it('keeps a seed through an update that comes before the checks took it', async () => {
    const checks = new FakeHealth();
    const health = createPathHealthSource({
      direct: new FakeHealth(),
      dsr: { path: fakePath().path, checks },
    });
    health.update([{ ...dsr('vm1', '10.0.1.11'), initial: 'UNHEALTHY' }]);
    // The agent's next reconcile passes no seed, before the first lane is made.
    health.update([dsr('vm1', '10.0.1.11')]);
    expect(health.get('web/vm1')?.state).toBe('UNHEALTHY');
    await settle();
    expect(checks.targets.map((t) => [t.key, t.initial])).toEqual([['web/vm1', 'UNHEALTHY']]);
    await health.close();
  });

  it('makes no namespace while no target needs one', async () => {
    const p = fakePath();
    const health = createPathHealthSource({
      direct: new FakeHealth(),
      dsr: { path: p.path, checks: new FakeHealth() },
    });
    health.update([nat]);
    await settle();
    expect(p.calls).toEqual([]);
    await health.close();
  });

  it('reports targets beyond the source-port range DOWN', async () => {
    const health = createPathHealthSource({
      direct: new FakeHealth(),
      dsr: { path: fakePath().path, checks: new FakeHealth(), ports: { first: 61000, last: 61000 } },
    });
    health.update([dsr('vm1', '10.0.1.11'), dsr('vm2', '10.0.1.12')]);
    await settle();
    expect(health.get('web/vm2')).toMatchObject({
      state: 'UNHEALTHY',
      reason: 'no VIP path: every probe source port is taken',
    });
    await health.close();
  });
});
