/**
 * Proves the harness itself, without nlbkit: plain routed traffic from the client reaches each backend
 * through the LB node, backends see the real client address, and destroy() leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTopology,
  countByBackend,
  listNamespaces,
  requireRootNetns,
  type Topology,
} from './harness/index.js';

const enabled = requireRootNetns();

describe.skipIf(!enabled)('netns harness (no load balancer)', () => {
  let topo: Topology;
  beforeAll(async () => {
    topo = await buildTopology({ backends: 3, lbNodes: 2, ipv6: true });
  });
  afterAll(async () => {
    await topo?.destroy();
  });

  it('routes TCP, UDP and HTTP from the client to every backend, v4 and v6, keeping the client address', async () => {
    for (const be of topo.backends) {
      for (const family of ['v4', 'v6'] as const) {
        const host = be.address[family];
        const tcp = await topo.client.agent.batch({ proto: 'tcp', host, port: 8080, count: 3 });
        const udp = await topo.client.agent.batch({ proto: 'udp', host, port: 5300, count: 2 });
        const web = await topo.client.agent.batch({ proto: 'http', host, port: 8081, count: 2 });
        for (const r of [...tcp, ...udp, ...web]) {
          expect(r).toMatchObject({ ok: true, backend: be.name, client: topo.client.address[family] });
        }
      }
    }
  });

  it('goes through the LB node: with forwarding off there, traffic fails', async () => {
    const lb = topo.lbNodes[0]!;
    await lb.exec.run(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    const blocked = await topo.client.agent.batch({
      proto: 'tcp',
      host: topo.backends[0]!.address.v4,
      port: 8080,
      count: 1,
      timeoutMs: 500,
    });
    await lb.exec.run(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    expect(blocked[0]?.ok).toBe(false);
  });

  it('reaches the backends through the second LB node too', async () => {
    await topo.useLbNode(1);
    try {
      const route = await topo.client.exec.run(['ip', 'route', 'get', topo.backends[1]!.address.v4]);
      expect(route.stdout).toContain(`via ${topo.lbNodes[1]!.uplink.v4}`);
      const results = await topo.client.agent.batch({
        proto: 'tcp',
        host: topo.backends[1]!.address.v6,
        port: 8080,
        count: 2,
      });
      expect(results.every((r) => r.ok && r.backend === 'vm-1' && r.client === topo.client.address.v6)).toBe(
        true,
      );
    } finally {
      await topo.useLbNode(0);
    }
  });

  it('uses fixed source ports and extra client addresses when asked', async () => {
    const source = topo.client.extra[0]!.v4;
    const results = await topo.client.agent.batch({
      proto: 'tcp',
      host: topo.backends[2]!.address.v4,
      port: 8080,
      count: 4,
      sourceAddress: source,
      sourcePorts: [40001, 40002],
    });
    expect(results.map((r) => [r.ok, r.client, r.clientPort])).toEqual([
      [true, source, 40001],
      [true, source, 40002],
      [true, source, 40001],
      [true, source, 40002],
    ]);
  });

  it('runs many connections in one batch', async () => {
    const results = await topo.client.agent.batch({
      proto: 'tcp',
      host: topo.backends[0]!.address.v4,
      port: 8080,
      count: 500,
      concurrency: 20,
    });
    expect(countByBackend(results)).toEqual({ 'vm-0': 500 });
  });

  it('controls backend health, listening and life', async () => {
    const be = topo.backends[0]!;
    const health = async () => {
      const [r] = await topo.client.agent.batch({
        proto: 'http',
        host: be.address.v4,
        port: 8081,
        path: '/health',
        count: 1,
        timeoutMs: 1000,
      });
      return r?.ok ? r.status : 'down';
    };
    expect(await health()).toBe(200);
    await be.server.setHealth(500);
    expect(await health()).toBe(500);
    await be.server.setHealth(200);
    await be.server.down();
    expect(await health()).toBe('down');
    await be.server.up();
    expect(await health()).toBe(200);
    await be.server.stop();
    expect(await health()).toBe('down');
    await be.server.start();
    expect(await health()).toBe(200);
  });

  it('keeps a long-lived connection pinging', async () => {
    const held = await topo.client.agent.hold({
      host: topo.backends[1]!.address.v4,
      port: 8080,
      intervalMs: 10,
    });
    expect(held.backend).toBe('vm-1');
    await new Promise((r) => setTimeout(r, 200));
    const final = await held.release();
    expect(final.errors).toEqual([]);
    expect(final.echoed).toBeGreaterThan(5);
    expect(final.sent - final.echoed).toBeLessThanOrEqual(1);
  });

  it('destroy() removes every namespace', async () => {
    const other = await buildTopology({ backends: 1, ipv6: false, extraClients: 0 });
    expect(listNamespaces()).toEqual(expect.arrayContaining(other.namespaces));
    await other.destroy();
    const left = listNamespaces();
    for (const ns of other.namespaces) expect(left).not.toContain(ns);
  });
});
