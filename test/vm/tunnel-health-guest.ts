/**
 * Runs INSIDE the test VM (a kernel with the ipip module), called by tunnel-guest.ts: health checks
 * that follow the tunnel path (issue 21). The LB node's probe namespace (a macvlan on its segment
 * device, the router on that segment as the gateway) checks each backend at VIP:port,
 * IPIP-encapsulated to the backend, as the data plane forwards a client's packet. A backend whose
 * VIP is removed from `lo`, or whose decap device is down, goes DOWN with a reason naming the
 * tunnel, while it still answers on its own address; `setupBackend` brings it back UP. Counters in
 * the backend show the probes arrived by the decap device and none at its own address.
 */
import { execFileSync } from 'node:child_process';
import { forget, LAB_PREFIXES, nextLabId, remember } from '../../src/lab/lab-names.js';
import { setupBackend } from '../../src/native/backend/backend-host.js';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import { createDsrProbeHealth, createPathHealthSource } from '../../src/native/health/path-health-source.js';
import type { HealthTarget } from '../../src/native/health/types.js';
import { buildDsrLab, DSR_LAB } from '../native/dsr-lab.js';
import { FakeHealth } from '../native/fake-health.js';
import { answersAt, countPackets, inNetns, packets } from '../native/probe-counters.js';

const PROBE_ADDRESS = '10.77.1.250';
const check = { port: DSR_LAB.port, protocol: 'TCP' as const, interval: 1, timeout: 0.8, rise: 2, fall: 2 };
const target = (n: number): HealthTarget => ({
  ...check,
  key: `web/b${n}`,
  address: DSR_LAB.farBackend(n),
  path: { mode: 'tunnel', vip: DSR_LAB.vip },
});

const sh = inNetns;
const probes = `ip saddr ${PROBE_ADDRESS} ip daddr ${DSR_LAB.vip} tcp dport ${DSR_LAB.port}`;
/** Counters in a backend: TCP to its own address, and probes that came out of the decap device. */
const count = (ns: string, own: string) =>
  countPackets(ns, { own: `ip daddr ${own} tcp dport ${DSR_LAB.port}`, vip: `iifname "tunl0" ${probes}` });

async function until(what: string, ok: () => boolean, ms = 120_000): Promise<number> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`tunnel health: ${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - t0;
}

/** The checks above, as a result object (its `error` set when one step failed). */
export async function tunnelHealthChecks(log: (line: string) => void): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const lab = await buildDsrLab(2, 1, 'tunnel');
  const probeNetns = `${nextLabId(LAB_PREFIXES.test)}-probe`;
  remember(probeNetns);
  const logs: string[] = [];
  const health = createPathHealthSource({
    direct: new FakeHealth(),
    log: (l) => logs.push(l),
    dsr: createDsrProbeHealth({
      executor: netnsExecutor(lab.lb),
      egress: 'dn0',
      address: PROBE_ADDRESS,
      gateway: DSR_LAB.routerOnSegment,
      netns: probeNetns,
      log: (l) => logs.push(l),
    }),
  });
  const state = (n: number) => health.get(`web/b${n}`)?.state;
  try {
    for (const n of [0, 1]) {
      await lab.startServer(n);
      count(lab.backends[n]!, DSR_LAB.farBackend(n));
    }
    log('tunnel health: both backends up through the tunnel path');
    health.update([target(0), target(1)]);
    await until('both UP', () => state(0) === 'HEALTHY' && state(1) === 'HEALTHY');
    out.probeDevices = sh(probeNetns, ['ip', '-o', 'link', 'show', 'type', 'ipip'])
      .split('\n')
      .map((l) => /^\d+: (nlt[0-9a-f]{8})@/.exec(l)?.[1])
      .filter(Boolean);
    const b0Since = health.get('web/b0')?.lastChange?.getTime();

    log('tunnel health: the VIP removed from b1');
    const b1 = lab.backends[1]!;
    sh(b1, ['ip', 'addr', 'del', `${DSR_LAB.vip}/32`, 'dev', 'lo']);
    out.vipGoneMs = await until('b1 DOWN without the VIP', () => state(1) === 'UNHEALTHY');
    out.vipGoneReason = health.get('web/b1')?.reason;
    out.ownBefore = packets(b1, 'own');
    out.answersOwn = answersAt(lab.lb, DSR_LAB.farBackend(1), DSR_LAB.port, 5000);
    out.ownAfter = packets(b1, 'own');
    await setupBackend(netnsExecutor(b1), { vip: DSR_LAB.vip, mode: 'tunnel', interface: 'eth0' });
    await until('b1 UP after setup', () => state(1) === 'HEALTHY');

    log('tunnel health: the decap device down on b1');
    sh(b1, ['ip', 'link', 'set', 'tunl0', 'down']);
    await until('b1 DOWN without tunl0', () => state(1) === 'UNHEALTHY');
    out.tunl0Reason = health.get('web/b1')?.reason;
    await setupBackend(netnsExecutor(b1), { vip: DSR_LAB.vip, mode: 'tunnel', interface: 'eth0' });
    await until('b1 UP after setup again', () => state(1) === 'HEALTHY');

    out.b0Steady = state(0) === 'HEALTHY' && health.get('web/b0')?.lastChange?.getTime() === b0Since;
    out.vipProbes = [0, 1].map((n) => packets(lab.backends[n]!, 'vip'));
    out.ownProbes = [packets(lab.backends[0]!, 'own'), packets(b1, 'own') - (out.ownAfter as number)];

    log('tunnel health: closing');
    await health.close();
    out.netnsLeft = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(probeNetns);
    out.logs = logs.filter((l) => l.startsWith('probe '));
  } catch (e) {
    out.error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
    out.states = [state(0), state(1), health.get('web/b1')?.reason];
    out.logs = logs.slice(-10);
    await health.close().catch(() => undefined);
  } finally {
    forget(probeNetns);
    lab.remove();
  }
  return out;
}
