/**
 * The demo's high-availability step: two LB nodes announce one VIP by BGP (each runs BIRD and an
 * `nlbkit agent --announce bgp` process), a router running BIRD spreads flows over both (ECMP), one
 * node is killed (kill -9 of its agent and BIRD) and new connections carry on through the other.
 * Then the same with direct server return (issue 21): connections held through a node's death (links
 * cut, agent and BIRD kill -9) all live on, as every node picks the same backend for a flow.
 */
import { spawnSync } from 'node:child_process';
import { type HaLab, type HaNode, haRequest } from '../lab/lab-ha.js';
import {
  FORWARDING_PORT,
  FORWARDING_VIPS,
  failNode,
  forwardingRequest,
  restoreNode,
  startForwardingHaLab,
} from '../lab/lab-ha-dsr.js';
import { DEMO_PREFIX } from '../lab/lab-names.js';
import { countByBackend } from '../lab/lab-programs.js';
import { renderShares } from './demo-render.js';

const CONNECTIONS = 300;
/** Connections held through the dsr node's death. */
const HELD = 100;

/** Runs the step; says how to get BIRD and skips when it is not installed. */
export async function runHaStep(step: (text: string) => void): Promise<void> {
  step('7. Two LB nodes, one VIP announced by BGP; one node is killed and traffic carries on');
  if (spawnSync('bird', ['--version']).error || spawnSync('birdc', ['-s', '/nonexistent', 'x']).error) {
    console.log('   skipped: this step runs BIRD 2 (apt-get install bird2, or scripts/setup.sh)');
    return;
  }
  let lab: HaLab | undefined;
  try {
    lab = await startForwardingHaLab({ backends: 3, prefix: DEMO_PREFIX });
    await walk(lab);
    await walkDsr(lab);
  } finally {
    await lab?.destroy();
  }
}

async function walk(lab: HaLab): Promise<void> {
  const [lb0, lb1] = lab.nodes as [HaNode, HaNode];
  console.log(
    `   client host ${lab.client.address.v4} -> router (BIRD, ECMP) -> lb0 ${lb0.uplink.v4}, lb1 ${lb1.uplink.v4}`,
  );
  console.log('   each LB node: BIRD with BFD (100 ms x 3) + nlbkit agent --announce bgp, one shared store');
  const nlb = await lab.driver.createNLB(haRequest(lab, 'demo-ha'));
  const vip = nlb.listener.ip as string;
  const name = (hop: string) => lab.nodes.find((n) => n.uplink.v4 === hop)?.name ?? hop;
  const routeVia = async (count: number) => {
    for (let i = 0; i < 600; i++) {
      const hops = await lab.nexthops(vip);
      if (hops.length === count) return hops.map(name);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the router did not route ${vip} via ${count} node(s)`);
  };
  console.log(
    `   createNLB demo-ha: VIP ${vip}; the router's route: via ${(await routeVia(2)).join(' and ')}`,
  );

  const send = async () => {
    const before = await Promise.all(lab.nodes.map((n) => lab.packets(n)));
    const results = await lab.client.agent.batch({
      proto: 'tcp',
      host: vip,
      port: 80,
      count: CONNECTIONS,
      concurrency: 10,
    });
    const after = await Promise.all(lab.nodes.map((n) => lab.packets(n)));
    const byBackend = countByBackend(results);
    const rows = lab.nodes.map((n, i) => ({
      name: n.name,
      detail: 'packets',
      count: (after[i] ?? 0) - (before[i] ?? 0),
    }));
    console.log(
      renderShares(
        rows,
        rows.reduce((a, r) => a + r.count, 0),
        '   ',
      ),
    );
    console.log(
      `   ${CONNECTIONS - (byBackend.error ?? 0)} of ${CONNECTIONS} new connections succeeded (${lab.topo.backends
        .map((b) => `${b.name} ${byBackend[b.name] ?? 0}`)
        .join(', ')})`,
    );
  };
  console.log(`   ${CONNECTIONS} connections from the client host: both LB nodes carry them`);
  await send();

  const t0 = Date.now();
  lb1.bird.signal('SIGKILL');
  await lb1.agent.kill();
  const left = await routeVia(1);
  console.log(
    `   kill -9 lb1 (agent and BIRD): ${Date.now() - t0} ms later the router routes via ${left.join()} only`,
  );
  await send();

  await lb1.bird.start();
  await lb1.agent.start();
  console.log(`   lb1 restarted: the router routes via ${(await routeVia(2)).join(' and ')} again`);
}

/** dsr: long-lived connections through a node's death, none lost. */
async function walkDsr(lab: HaLab): Promise<void> {
  const [lb0, lb1] = lab.nodes as [HaNode, HaNode];
  const vip = FORWARDING_VIPS.dsr;
  const vms = lab.topo.backends.map((b) => b.name);
  await lab.driver.createNLB(forwardingRequest('demo-dsr', 'dsr', vms, vip));
  const hops = async (count: number) => {
    for (let i = 0; i < 600; i++) {
      if ((await lab.nexthops(vip)).length === count) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the router did not route ${vip} via ${count} node(s)`);
  };
  await hops(2);
  console.log(
    `   createNLB demo-dsr (forwarding: dsr): VIP ${vip}; replies go from the backends straight to the router`,
  );
  const held = await Promise.all(
    Array.from({ length: HELD }, () =>
      lab.client.agent.hold({ host: vip, port: FORWARDING_PORT, intervalMs: 20 }),
    ),
  );
  console.log(
    `   ${HELD} long-lived connections held (a line every 20 ms each), the router spreading them over lb0 and lb1`,
  );
  await failNode(lab, lb1, 'withdrawn+cut');
  await hops(1);
  await new Promise((r) => setTimeout(r, 2000));
  const states = await Promise.all(held.map((c) => c.status()));
  const lost = states.filter((s) => s.closed || s.errors.length > 0).length;
  console.log(
    `   lb1 dies (links cut, agent and BIRD kill -9); the router routes via ${lb0.name} only: ` +
      `${lost} of ${HELD} held connections lost (${lb0.name} picks the backend lb1 picked)`,
  );
  await Promise.all(held.map((c) => c.release().catch(() => undefined)));
  await restoreNode(lab, lb1, 'withdrawn+cut');
  await hops(2);
  console.log('   lb1 returns: the router routes via lb0 and lb1 again');
}
