/**
 * bench:failover for `bgp` (and the single-node `none` row): the HA lab of the e2e tests
 * (src/lab/lab-ha.ts), one IPv4 VIP over two LB nodes, and `runs` failures of each kind dealt to
 * the nodes in turn, with new connections probed throughout. Also counts the established
 * connections a NAT node's death (and return) breaks.
 */

import { mustRun } from '../src/lab/lab-exec.js';
import { type HaLab, type HaNode, haRequest, startHaLab } from '../src/lab/lab-ha.js';
import { BENCH_PREFIX } from '../src/lab/lab-names.js';
import { outcome, startProbes, timeUntil } from './failover-probe.js';
import { type FailoverRow, spread } from './failover-row.js';

/** Options of {@link runBgpFailover}. */
export interface FailoverOptions {
  /** Failures of each kind. */
  runs: number;
  log: (line: string) => void;
  /**
   * Which parts to run (default all): failure kinds by name (`graceful stop`, `kill -9`,
   * `silent death`, `backends unhealthy`), `established`, `none`.
   */
  only?: Set<string>;
}

/** What a NAT node's death does to established connections (docs/native-ha.md). */
export interface EstablishedResult {
  held: number;
  brokenWhenDied: number[];
  brokenWhenBack: number[];
}

type Kind = 'graceful stop' | 'kill -9' | 'silent death' | 'backends unhealthy';
const KINDS: Kind[] = ['graceful stop', 'kill -9', 'silent death', 'backends unhealthy'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inject(lab: HaLab, node: HaNode, kind: Kind): Promise<void> {
  if (kind === 'graceful stop') void node.agent.stop();
  if (kind === 'kill -9') {
    node.bird.signal('SIGKILL');
    await node.agent.kill();
  }
  if (kind === 'silent death') {
    await lab.isolate(node, true);
    node.bird.signal('SIGSTOP');
    node.agent.signal('SIGSTOP');
  }
  if (kind === 'backends unhealthy') await lab.cutBackends(node, true);
}

async function restore(lab: HaLab, node: HaNode, kind: Kind): Promise<void> {
  if (kind === 'graceful stop') {
    await node.agent.exited();
    await node.agent.start();
  }
  if (kind === 'kill -9') {
    await node.bird.start();
    await node.agent.start();
  }
  if (kind === 'silent death') {
    node.bird.signal('SIGCONT');
    node.agent.signal('SIGCONT');
    await lab.isolate(node, false);
  }
  if (kind === 'backends unhealthy') await lab.cutBackends(node, false);
}

/** Runs every bgp failure kind, the established-connection count, then the `none` row. */
export async function runBgpFailover(
  opts: FailoverOptions,
): Promise<{ rows: FailoverRow[]; established: EstablishedResult | undefined }> {
  const lab = await startHaLab({ backends: 3, prefix: BENCH_PREFIX });
  try {
    const nlb = await lab.driver.createNLB(haRequest(lab, 'bench'));
    const vip = nlb.listener.ip as string;
    const via = async (nodes: HaNode[]) =>
      (await lab.nexthops(vip)).join() ===
      nodes
        .map((n) => n.uplink.v4)
        .sort()
        .join();
    const both = async () => {
      const t = performance.now();
      await timeUntil(() => via(lab.nodes), t, 120_000);
    };
    await both();
    // A fresh agent compiles its health worker first: let both settle before the first failure.
    await sleep(5000);

    const rows: FailoverRow[] = [];
    const wanted = (part: string) => !opts.only || opts.only.has(part);
    for (const kind of KINDS.filter(wanted)) {
      const moved: number[] = [];
      const recovered: number[] = [];
      const failed: number[] = [];
      for (let i = 0; i < opts.runs; i++) {
        const victim = lab.nodes[i % 2] as HaNode;
        const survivor = lab.nodes[(i + 1) % 2] as HaNode;
        await both();
        await sleep(500);
        const probes = startProbes(lab.client.agent, vip, 80);
        await sleep(300);
        const t0 = performance.now();
        await inject(lab, victim, kind);
        moved.push(await timeUntil(() => via([survivor]), t0, 60_000));
        await sleep(1500);
        await probes.stop();
        const o = outcome(probes.probes, t0);
        recovered.push(o.recoveredMs);
        failed.push(o.failed);
        await restore(lab, victim, kind);
        opts.log(`bgp ${kind} #${i + 1}: moved ${Math.round(moved.at(-1) as number)} ms, failed ${o.failed}`);
      }
      const row: FailoverRow = {
        mode: 'bgp',
        failure: kind,
        runs: opts.runs,
        movedMs: spread(moved),
        recoveredMs: spread(recovered),
        failed: spread(failed),
      };
      if (kind === 'silent death') {
        row.goal = 'view moved p99 < 500 ms (BFD)';
        row.met = (row.movedMs?.p99 ?? Number.POSITIVE_INFINITY) < 500;
      }
      if (kind === 'graceful stop') {
        row.goal = '0 failed new connections';
        row.met = row.failed.max === 0;
      }
      rows.push(row);
    }

    const established = wanted('established')
      ? await measureEstablished(lab, vip, via, both, opts)
      : undefined;
    if (wanted('none')) rows.push(await runNone(lab, vip, opts));
    return { rows, established };
  } finally {
    await lab.destroy();
  }
}

/** Long-lived connections across a node's kill -9 and its return: how many break each time. */
async function measureEstablished(
  lab: HaLab,
  vip: string,
  via: (nodes: HaNode[]) => Promise<boolean>,
  both: () => Promise<void>,
  opts: FailoverOptions,
): Promise<EstablishedResult> {
  const held = 100;
  const result: EstablishedResult = { held, brokenWhenDied: [], brokenWhenBack: [] };
  for (let round = 0; round < 3; round++) {
    const [victim, survivor] = (round % 2 ? [lab.nodes[0], lab.nodes[1]] : [lab.nodes[1], lab.nodes[0]]) as [
      HaNode,
      HaNode,
    ];
    await both();
    const conns = await Promise.all(
      Array.from({ length: held }, () => lab.client.agent.hold({ host: vip, port: 80, intervalMs: 100 })),
    );
    const broken = async () => {
      const states = await Promise.all(conns.map((c) => c.status()));
      return states.filter((s) => s.closed || s.errors.length > 0).length;
    };
    await sleep(1000);
    const before = await broken();
    const t0 = performance.now();
    victim.bird.signal('SIGKILL');
    await victim.agent.kill();
    await timeUntil(() => via([survivor]), t0, 60_000);
    await sleep(2000);
    const died = (await broken()) - before;
    await victim.bird.start();
    await victim.agent.start();
    await both();
    await sleep(2000);
    const back = (await broken()) - before - died;
    result.brokenWhenDied.push(died);
    result.brokenWhenBack.push(back);
    opts.log(
      `established: ${died} of ${held} broke when ${victim.name} died, ${back} more when it came back`,
    );
    await Promise.all(conns.map((c) => c.release().catch(() => undefined)));
  }
  return result;
}

/**
 * `announce: none`: one node, the VIP routed to it by hand. Its silent death (2 s, then back) takes
 * every new connection down until it returns: nothing moves the route.
 */
async function runNone(lab: HaLab, vip: string, opts: FailoverOptions): Promise<FailoverRow> {
  const [node, other] = lab.nodes as [HaNode, HaNode];
  await other.agent.stop();
  await Promise.all([other.bird.stop(), lab.router.bird.stop()]);
  await mustRun(['ip', '-n', lab.router.ns, 'route', 'replace', `${vip}/32`, 'via', node.uplink.v4]);
  const recovered: number[] = [];
  const failed: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    await sleep(500);
    const probes = startProbes(lab.client.agent, vip, 80);
    await sleep(300);
    const t0 = performance.now();
    await inject(lab, node, 'silent death');
    await sleep(2000);
    await restore(lab, node, 'silent death');
    await sleep(1500);
    await probes.stop();
    const o = outcome(probes.probes, t0);
    recovered.push(o.recoveredMs);
    failed.push(o.failed);
    opts.log(
      `none silent death #${i + 1}: failed ${o.failed}, OK again after ${Math.round(o.recoveredMs)} ms`,
    );
  }
  return {
    mode: 'none',
    failure: 'silent death, back after 2 s',
    runs: opts.runs,
    recoveredMs: spread(recovered),
    failed: spread(failed),
  };
}
