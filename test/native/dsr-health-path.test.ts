/**
 * Health checks that follow the dsr packet's path, on a real kernel (issue 21): the agent's probe
 * namespace (a macvlan on the LB node's segment device) checks each backend at VIP:port, delivered to
 * the backend's MAC. A backend whose VIP is removed from `lo` goes DOWN, with a reason naming the VIP
 * path, while it still answers on its own address; `setupBackend` brings it back UP; the other backend
 * stays UP; UDP checks take their lanes too; no probe reaches a backend's own address (counted by nft
 * in each backend), while the probes to the VIP are counted there too (the control that shows the
 * counters count). A namespace that cannot be made is removed whole; closing removes the namespace
 * and the macvlan. Needs root, ip, nft and macvlan: a failure in CI, a skip locally.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forget, LAB_PREFIXES, nextLabId, remember } from '../../src/lab/lab-names.js';
import { setupBackend } from '../../src/native/backend/backend-host.js';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import { createDsrProbePath } from '../../src/native/health/dsr-probe-path.js';
import {
  createDsrProbeHealth,
  createPathHealthSource,
  type PathHealthSource,
} from '../../src/native/health/path-health-source.js';
import type { HealthTarget } from '../../src/native/health/types.js';
import { buildDsrLab, DSR_LAB, type DsrLab, LineProcess } from './dsr-lab.js';
import { FakeHealth } from './fake-health.js';
import { requireRootNetns } from './netns.js';
import { answersAt, countPackets, inNetns, packets } from './probe-counters.js';

const enabled = requireRootNetns();

const PROBE_ADDRESS = '10.77.1.250';
const check = { port: DSR_LAB.port, protocol: 'TCP' as const, interval: 0.5, timeout: 0.4, rise: 2, fall: 2 };
const target = (n: number): HealthTarget => ({
  ...check,
  key: `web/b${n}`,
  address: DSR_LAB.backend(n),
  path: { mode: 'dsr', vip: DSR_LAB.vip },
});

/** UDP checks: b0 echoes on this port; b1 has nothing there (its kernel answers port-unreachable). */
const UDP_PORT = 7001;
const udpTarget = (n: number): HealthTarget => ({
  ...target(n),
  key: `dns/b${n}`,
  port: UDP_PORT,
  protocol: 'UDP',
});
const UDP_ECHO = `
const d = require('node:dgram').createSocket('udp4');
d.on('message', (m, r) => d.send(m, r.port, r.address));
d.bind(Number(process.argv[1]), () => console.log('ready'));
`;

const sh = inNetns;
const toVip = `ip saddr ${PROBE_ADDRESS} ip daddr ${DSR_LAB.vip}`;
/** Counters in a backend, before routing: probes to its own address, and probes to the VIP. */
const count = (ns: string, own: string) =>
  countPackets(ns, {
    own: `ip daddr ${own} tcp dport ${DSR_LAB.port}`,
    vip: `${toVip} tcp dport ${DSR_LAB.port}`,
    dgram: `${toVip} udp dport ${UDP_PORT}`,
  });

describe.skipIf(!enabled)('dsr health checks follow the VIP path (live)', () => {
  let lab: DsrLab;
  let health: PathHealthSource;
  const probeNetns = `${nextLabId(LAB_PREFIXES.test)}-probe`;
  const logs: string[] = [];
  let ownAfterClient = -1;
  let udpEcho: LineProcess | undefined;

  beforeAll(async () => {
    lab = await buildDsrLab(2);
    for (const n of [0, 1]) {
      await lab.startServer(n);
      count(lab.backends[n]!, DSR_LAB.backend(n));
    }
    udpEcho = new LineProcess(lab.backends[0]!, UDP_ECHO, [String(UDP_PORT)]);
    await udpEcho.next();
    remember(probeNetns); // removed if the test process dies first
    health = createPathHealthSource({
      direct: new FakeHealth(),
      log: (l) => logs.push(l),
      dsr: createDsrProbeHealth({
        executor: netnsExecutor(lab.lb),
        egress: 'dn0',
        address: PROBE_ADDRESS,
        netns: probeNetns,
        log: (l) => logs.push(l),
      }),
    });
    health.update([target(0), target(1), udpTarget(0), udpTarget(1)]);
  }, 60_000);

  afterAll(async () => {
    await health?.close();
    udpEcho?.stop();
    forget(probeNetns);
    lab?.remove();
  });

  it('reports both backends UP through the VIP path', async () => {
    await expect
      .poll(() => [health.get('web/b0')?.state, health.get('web/b1')?.state], { timeout: 45_000 })
      .toEqual(['HEALTHY', 'HEALTHY']);
    expect(packets(lab.backends[0]!, 'vip')).toBeGreaterThan(0);
    expect(packets(lab.backends[1]!, 'vip')).toBeGreaterThan(0);
    // The probe worker's checks are in the agent's metrics, labelled by their path.
    await expect
      .poll(() => health.metricsText(), { timeout: 10_000 })
      .toMatch(/^nlbkit_health_checks_total\{path="vip",protocol="TCP"\} [1-9]/m);
  }, 60_000);

  it('UDP checks take the path too: a reply is UP, a port-unreachable from the VIP is DOWN', async () => {
    await expect.poll(() => health.get('dns/b1')?.state, { timeout: 30_000 }).toBe('UNHEALTHY');
    expect(health.get('dns/b1')?.reason).toMatch(/no answer through the VIP path .*ECONNREFUSED/);
    expect(health.get('dns/b0')?.state).not.toBe('UNHEALTHY');
    // The datagrams reached b0 addressed to the VIP, from the probe.
    expect(packets(lab.backends[0]!, 'dgram')).toBeGreaterThan(0);
  }, 60_000);

  it('a backend that lost the VIP goes DOWN while it answers on its own address; setup brings it back', async () => {
    const b0Since = health.get('web/b0')?.lastChange;
    const b1 = lab.backends[1]!;
    sh(b1, ['ip', 'addr', 'del', `${DSR_LAB.vip}/32`, 'dev', 'lo']);
    const t0 = Date.now();
    await expect.poll(() => health.get('web/b1')?.state, { timeout: 30_000 }).toBe('UNHEALTHY');
    console.log(`dsr health: VIP removed -> DOWN after ${Date.now() - t0} ms (fall 2 x 0.5 s)`);
    expect(health.get('web/b1')?.reason).toMatch(
      /^no answer through the VIP path \(10\.77\.9\.9:7000 delivered to 10\.77\.1\.11's MAC; nlbkit backend check there\): timeout/,
    );
    // No probe went to its own address; yet it is alive there: a check there would have called it healthy.
    expect(packets(b1, 'own')).toBe(0);
    expect(answersAt(lab.client, DSR_LAB.backend(1), DSR_LAB.port)).toBe(true);
    ownAfterClient = packets(b1, 'own');

    await setupBackend(netnsExecutor(b1), { vip: DSR_LAB.vip, mode: 'dsr', interface: 'eth0' });
    await expect.poll(() => health.get('web/b1')?.state, { timeout: 30_000 }).toBe('HEALTHY');
    // The healthy backend never changed state meanwhile.
    expect(health.get('web/b0')).toMatchObject({ state: 'HEALTHY', lastChange: b0Since });
  }, 90_000);

  it("no probe reached a backend's own address", () => {
    expect(packets(lab.backends[0]!, 'own')).toBe(0);
    // Only the test's own connection above reached b1's address (the counter does count it).
    expect(ownAfterClient).toBeGreaterThan(0);
    expect(packets(lab.backends[1]!, 'own')).toBe(ownAfterClient);
    expect(packets(lab.backends[1]!, 'vip')).toBeGreaterThan(10);
  });

  it('a probe namespace that cannot be made is removed whole, and the error says why', async () => {
    const name = `${nextLabId(LAB_PREFIXES.test)}-probe`;
    remember(name);
    const path = createDsrProbePath({
      executor: netnsExecutor(lab.lb),
      egress: 'nosuchdev0',
      address: PROBE_ADDRESS,
      netns: name,
    });
    await expect(path.open()).rejects.toThrow(/ip link add nlbkitp0 link nosuchdev0 .*failed/);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(name);
    expect(() => sh(lab.lb, ['ip', 'link', 'show', 'nlbkitp0'])).toThrow();
    forget(name);
  });

  it('closing removes the probe namespace and its macvlan', async () => {
    await health.close();
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(probeNetns);
    expect(() => sh(lab.lb, ['ip', 'link', 'show', 'nlbkitp0'])).toThrow();
    expect(logs.filter((l) => l.startsWith('probe '))).toEqual([]);
  });
});
