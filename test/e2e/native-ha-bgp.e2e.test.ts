/**
 * Native high availability with BGP + ECMP: a router namespace running BIRD spreads flows to one VIP
 * (IPv4 and IPv6) over two LB nodes, each running BIRD with BFD and an `nlbkit agent --announce bgp`
 * process. Every failure of one node (graceful stop, kill -9, a silent death, all its backends
 * unhealthy) moves the router's route to the other node and new connections succeed there; when the
 * node comes back, both nodes carry traffic again. Deadlines are generous (a loaded 2-core machine):
 * the failover times themselves are measured by `npm run bench:failover`, not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HaLab, type HaNode, haRequest, startHaLab } from '../../src/lab/lab-ha.js';
import { canRunBird } from '../native/bird.js';
import { routedVia as routedViaNodes } from './forwarding-load.js';
import { requireRootNetns, waitFor } from './harness/index.js';

const enabled = requireRootNetns() && canRunBird();

describe.skipIf(!enabled)('native HA: BGP + ECMP over two LB nodes', () => {
  let lab: HaLab;
  let vips: string[];
  let lb0: HaNode;
  let lb1: HaNode;

  /** Waits until the router's kernel routes every VIP through exactly `nodes`. */
  const routedVia = async (nodes: HaNode[], deadlineMs: number) => {
    for (const vip of vips) await routedViaNodes(lab, vip, nodes, deadlineMs);
  };
  /** New connections from the client host to both VIPs; returns the failures. */
  const connect = async (count: number, paceMs = 0) => {
    const runs = await Promise.all(
      vips.map((host) =>
        lab.client.agent.batch({
          proto: 'tcp',
          host,
          port: 80,
          count,
          concurrency: 4,
          timeoutMs: 2000,
          paceMs,
        }),
      ),
    );
    return runs.flat().filter((r) => !r.ok);
  };
  /** Both nodes carry new flows: each node's VIP packet counter grows during a batch. */
  const expectBothCarry = async () => {
    const before = await Promise.all(lab.nodes.map((n) => lab.packets(n)));
    expect(await connect(100)).toEqual([]);
    const after = await Promise.all(lab.nodes.map((n) => lab.packets(n)));
    for (const [i, n] of lab.nodes.entries()) expect(after[i]! - before[i]!, n.name).toBeGreaterThan(20);
  };
  const nodeReport = async (node: HaNode) =>
    (await lab.store.listNodeReports()).find((r) => r.node === node.name);

  beforeAll(async () => {
    lab = await startHaLab({ backends: 3 });
    [lb0, lb1] = lab.nodes as [HaNode, HaNode];
    vips = [];
    for (const [name, ip] of [
      ['web4', lab.topo.vipPool.v4.replace('.0/24', '.10')],
      ['web6', lab.topo.vipPool.v6.replace('::/64', '::10')],
    ] as const) {
      const nlb = await lab.driver.createNLB(haRequest(lab, name, ip));
      vips.push(nlb.listener.ip!);
    }
    await routedVia([lb0, lb1], 60_000);
  }, 180_000);

  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);

  it('announces each VIP from both nodes; the router spreads flows over both; reports show it', async () => {
    await expectBothCarry();
    await waitFor('both nodes report their BGP sessions established', 20_000, async () => {
      const reports = await Promise.all(lab.nodes.map(nodeReport));
      return reports.every(
        (r) =>
          r?.announce?.announced.join() === [...vips].sort().join() &&
          r.announce.sessions
            ?.filter((s) => s.name.startsWith('router'))
            .every((s) => s.state === 'Established'),
      )
        ? true
        : undefined;
    });
  });

  it('graceful stop: the node withdraws before its agent exits; no new connection fails', async () => {
    const traffic = connect(150, 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(await lb1.agent.stop()).toBe(0);
    // Withdrawn by its own BIRD before the agent exited; the router follows within its update time.
    expect(await lb1.bird.birdc('show', 'route', 'export', 'router4')).not.toContain(vips[0]);
    await routedVia([lb0], 5_000);
    expect(await traffic).toEqual([]);
    expect(await connect(50)).toEqual([]);
    await lb1.agent.start();
    await routedVia([lb0, lb1], 30_000);
    await expectBothCarry();
  });

  it('kill -9 of the agent and BIRD: the route moves; new connections succeed; it comes back', async () => {
    // The same flows (fixed source ports) before, over both nodes, and after, all through lb0:
    // MAGLEV with one seed picks the same backend on either node, so a moved flow keeps its backend.
    const sourcePorts = Array.from({ length: 40 }, (_, i) => 43000 + i);
    const flows = async () =>
      (await lab.client.agent.batch({ proto: 'tcp', host: vips[0]!, port: 80, count: 40, sourcePorts })).map(
        (r) => r.backend,
      );
    const lb1Packets = await lab.packets(lb1);
    const before = await flows();
    expect(await lab.packets(lb1)).toBeGreaterThan(lb1Packets);
    const traffic = connect(150, 10);
    await lb1.agent.kill();
    lb1.bird.signal('SIGKILL');
    await routedVia([lb0], 10_000);
    await traffic;
    expect(await connect(50)).toEqual([]);
    expect(await flows()).toEqual(before);
    expect(new Set(before).size).toBeGreaterThan(1);
    await lb1.bird.start();
    await lb1.agent.start();
    await routedVia([lb0, lb1], 30_000);
    await expectBothCarry();
  });

  it('silent death (every packet dropped, processes stopped): BFD moves the route; it comes back', async () => {
    await lab.isolate(lb1, true);
    lb1.agent.signal('SIGSTOP');
    lb1.bird.signal('SIGSTOP');
    try {
      await routedVia([lb0], 10_000);
      expect(await connect(50)).toEqual([]);
    } finally {
      lb1.bird.signal('SIGCONT');
      lb1.agent.signal('SIGCONT');
      await lab.isolate(lb1, false);
    }
    await routedVia([lb0, lb1], 60_000);
    await expectBothCarry();
  });

  it('every backend unhealthy on one node: it withdraws (and says so); it comes back when they heal', async () => {
    await lab.cutBackends(lb1, true);
    try {
      await routedVia([lb0], 20_000);
      expect(await connect(50)).toEqual([]);
      const report = await nodeReport(lb1);
      expect(report?.announce?.announced).toEqual([]);
      expect(Object.values(report?.health.web4 ?? {}).map((h) => h.state)).toEqual(
        lab.topo.backends.map(() => 'UNHEALTHY'),
      );
    } finally {
      await lab.cutBackends(lb1, false);
    }
    await routedVia([lb0, lb1], 30_000);
    await expectBothCarry();
  });
});
