/**
 * Issue 21 in the real HA lab (src/lab/lab-ha-dsr.ts: BIRD on a router and on both LB nodes, BFD
 * 100 ms x 3, `nlbkit agent` processes with dsr devices), 500 long-lived connections each exchanging a
 * line every ~20 ms (test/native/dsr-load.ts). An LB node dies, `withdrawn+cut` (links down, BIRD
 * and agent kill -9) and `silent` (every packet dropped, BIRD and agent stopped: only BFD notices),
 * each time returning. dsr: 0 broken in every phase, then a backend added (0 broken) and one removed
 * (exactly its own connections end); the client hears every reply from the VIP and the backends see
 * its address. nat: broken connections are printed, and asserted only to stay within what the dead
 * node carried (conntrack on the surviving node keeps its own flows). Stalls are printed, never
 * asserted (`npm run bench:failover -- --modes conn` prints them beside the goals).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaLab, HaNode } from '../../src/lab/lab-ha.js';
import {
  FORWARDING_VIPS,
  forwardingRequest,
  type NodeFailure,
  startForwardingHaLab,
} from '../../src/lab/lab-ha-dsr.js';
import { canRunBird } from '../native/bird.js';
import type { LoadStats } from '../native/dsr-load.js';
import {
  conntrackFlows,
  failUnderLoad,
  type Load,
  routedVia,
  startLoad,
  uplinkPackets,
} from './forwarding-load.js';
import { mustRun, requireRootNetns, waitFor } from './harness/index.js';

const enabled = requireRootNetns() && canRunBird();
const CONNECTIONS = 500;
const KINDS: NodeFailure[] = ['withdrawn+cut', 'silent'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const print = (mode: string, phase: string, s: LoadStats) =>
  console.log(
    `[dsr-failover-e2e] ${mode} ${phase}: broken ${s.broken}/${CONNECTIONS}, alive ${s.alive}, p99 stall ${s.p99} ms, max ${s.max} ms${s.broken > 0 ? `, broken per backend ${JSON.stringify(s.brokenBy)}` : ''}`,
  );

/** Counts, in the client host, replies from port 8080 that come from the VIP and from anywhere else. */
async function replySources(lab: HaLab, vip: string, on: boolean): Promise<{ vip: number; other: number }> {
  const nft = (script: string) =>
    mustRun(['ip', 'netns', 'exec', lab.client.ns, 'nft', '-f', '-'], { stdin: script });
  if (on) {
    await nft(
      `table ip nlbkreply {\n chain in { type filter hook input priority 0; tcp sport 8080 ip saddr ${vip} counter; tcp sport 8080 ip saddr != ${vip} counter; }\n}\n`,
    );
    return { vip: 0, other: 0 };
  }
  const out = await mustRun([
    'ip',
    'netns',
    'exec',
    lab.client.ns,
    'nft',
    'list',
    'table',
    'ip',
    'nlbkreply',
  ]);
  await nft('delete table ip nlbkreply\n');
  const [fromVip, other] = [...out.matchAll(/packets (\d+)/g)].map((m) => Number(m[1]));
  return { vip: fromVip ?? -1, other: other ?? -1 };
}

describe.skipIf(!enabled)('an LB node dies under load in the BIRD/BFD lab (dsr and nat)', () => {
  let lab: HaLab;
  let lb0: HaNode;
  let lb1: HaNode;

  beforeAll(async () => {
    lab = await startForwardingHaLab({ backends: 3 });
    [lb0, lb1] = lab.nodes as [HaNode, HaNode];
    await lab.driver.createNLB(forwardingRequest('dsr', 'dsr', ['vm-0', 'vm-1'], FORWARDING_VIPS.dsr));
    await lab.driver.createNLB(
      forwardingRequest('nat', 'nat', ['vm-0', 'vm-1', 'vm-2'], FORWARDING_VIPS.nat),
    );
    for (const vip of Object.values(FORWARDING_VIPS)) await routedVia(lab, vip, lab.nodes, 60_000);
  }, 120_000);

  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);

  it(`dsr: ${CONNECTIONS} connections, 0 broken through both deaths, a backend added and one removed`, async () => {
    const vip = FORWARDING_VIPS.dsr;
    await replySources(lab, vip, true);
    const before = await Promise.all(lab.nodes.map(uplinkPackets));
    const load: Load = await startLoad(lab, vip, CONNECTIONS);
    try {
      await sleep(1000);
      const steady = await load.stats();
      print('dsr', 'steady', steady);
      expect(steady.broken).toBe(0);
      // Both nodes carry the flows; every backend saw the client's own address.
      const after = await Promise.all(lab.nodes.map(uplinkPackets));
      for (const [i, n] of lab.nodes.entries()) expect(after[i]! - before[i]!, n.name).toBeGreaterThan(1000);
      expect(steady.clients).toEqual([lab.client.address.v4]);

      for (const [i, kind] of KINDS.entries()) {
        const { death, back } = await failUnderLoad(lab, load, i === 0 ? lb1 : lb0, kind);
        print('dsr', `${kind} death`, death);
        print('dsr', `${kind} return`, back);
        expect([death.broken, back.broken], kind).toEqual([0, 0]);
        expect(back.alive, kind).toBe(CONNECTIONS);
      }

      // A backend added under load: established flows keep theirs (pins); new ones reach it.
      await lab.driver.addVMs({ nameId: 'dsr' }, [{ nameId: 'vm-2' }]);
      await sleep(2000);
      const added = await load.stats();
      print('dsr', 'backend added', added);
      expect(added.broken).toBe(0);
      expect(added.alive).toBe(CONNECTIONS);
      const heldBy = added.aliveBy;
      expect(Object.keys(heldBy).sort()).toEqual(['vm-0', 'vm-1']);

      // A backend removed under load: exactly its own connections end.
      await lab.driver.removeVMs({ nameId: 'dsr' }, [{ nameId: 'vm-0' }]);
      const ended: Record<string, number> = {};
      let removed: LoadStats | undefined;
      await waitFor(
        "vm-0's connections ended",
        20_000,
        async () => {
          removed = await load.stats();
          for (const [b, n] of Object.entries(removed.brokenBy)) ended[b] = (ended[b] ?? 0) + n;
          return removed.aliveBy['vm-0'] === undefined ? true : undefined;
        },
        { everyMs: 500, describe: () => ended },
      );
      print('dsr', 'backend removed', { ...removed!, broken: ended['vm-0'] ?? 0 });
      expect(ended).toEqual({ 'vm-0': heldBy['vm-0'] });
      expect(removed!.aliveBy).toEqual({ 'vm-1': heldBy['vm-1'] });
    } finally {
      load.stop();
    }
    // Every reply the client host received on port 8080 came from the VIP.
    const replies = await replySources(lab, vip, false);
    expect(replies.other).toBe(0);
    expect(replies.vip).toBeGreaterThan(CONNECTIONS * 10);
  }, 180_000);

  it(`nat: ${CONNECTIONS} fresh connections per death; broken printed, at most the dead node's flows`, async () => {
    const vip = FORWARDING_VIPS.nat;
    for (const [i, kind] of KINDS.entries()) {
      const victim = i === 0 ? lb1 : lb0;
      const load = await startLoad(lab, vip, CONNECTIONS);
      try {
        await sleep(1000);
        const steady = await load.stats();
        expect(steady.broken, kind).toBe(0);
        const carried = await conntrackFlows(victim, vip);
        const { death, back } = await failUnderLoad(lab, load, victim, kind);
        print('nat', `${kind} death (the node carried ${carried})`, death);
        print('nat', `${kind} return`, back);
        // The survivor's conntrack keeps its own flows: only the dead node's can break (+2 in flight).
        expect(death.broken, kind).toBeLessThanOrEqual(carried + 2);
      } finally {
        load.stop();
      }
    }
  }, 180_000);
});
