/**
 * Maglev in the live data plane, through the public API, with 10 backends and 1,000 distinct flows
 * (fixed source ports, so the same flows can be replayed):
 * - across two LB nodes: MAGLEV and SOURCE_HASH (same seed) pick the same backend for every flow on
 *   both nodes, whatever order the flows arrive in; ROUND_ROBIN does not (it follows a per-node counter);
 * - removing one backend: MAGLEV moves about 1/N of the flows; SOURCE_HASH moves 25-50% (nft's
 *   `jhash mod N` splits the hash range, so every boundary shifts), not the ~90% of a remainder mod N;
 * - established connections survive the change (conntrack), and the change is one nft transaction that
 *   rewrites exactly the slots `diffMaglevTables` names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeDriver } from '../../src/drivers/native/index.js';
import type { Algorithm, NLBCreateRequest, NLBInfo } from '../../src/interfaces/types.js';
import type { ConnResult } from '../../src/lab/lab-client-batch.js';
import { buildMaglevTable, buildTurnSchedule, diffMaglevTables } from '../../src/native/maglev/index.js';
import { type NativeLab, requireRootNetns, startNativeLab } from './harness/index.js';

const enabled = requireRootNetns();

const N = 10;
const FLOWS = 1000;
const SEED = 0x5eed0006;
const M = 4093;
const VMS = Array.from({ length: N }, (_, i) => `vm-${i}`);

function request(name: string, algorithm: Algorithm, port: number): NLBCreateRequest {
  return {
    iid: { nameId: name },
    vpcIID: { nameId: 'vpc' },
    listener: { protocol: 'TCP', port },
    vmGroup: {
      protocol: 'TCP',
      port: 8080,
      vms: VMS.map((nameId) => ({ nameId })),
      algorithm,
      ...(algorithm === 'ROUND_ROBIN' ? {} : { hashFields: 'FIVE_TUPLE' as const }),
    },
    healthChecker: { protocol: 'TCP' },
  };
}

/** Source port -> backend that answered; fails on any error (every flow must be served). */
function byPort(results: ConnResult[]): Map<number, string> {
  const failed = results.filter((r) => !r.ok);
  expect(failed.slice(0, 3), `${failed.length} failed connections`).toEqual([]);
  return new Map(results.map((r) => [r.clientPort!, r.backend!]));
}

/** How many flows answered by the same backend in both runs. */
function agreeing(a: Map<number, string>, b: Map<number, string>): number {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  let same = 0;
  for (const [port, backend] of a) if (b.get(port) === backend) same++;
  return same;
}

/** Polls `probe` every 50 ms until it returns true; fails after `deadlineMs`. */
async function until(what: string, deadlineMs: number, probe: () => Promise<boolean>): Promise<void> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > deadlineMs) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The share of flows SOURCE_HASH moves when the backend at sorted index `victim` of N equal-weight ones
 * is removed, for a uniform 32-bit hash h. The kernel's `jhash ... mod N` is `(h * N) >> 32` (nft_hash.c,
 * reciprocal_scale): flows map to N equal ranges. `remainder` is what a true `h % N` would move.
 * Slots are the backends in id order (buildTurnSchedule of equal weights), so over the N(N-1) equal
 * pieces of [0, 1) slot floor(t / (N-1)) before and floor(t / N) after.
 */
function sourceHashMoves(victim: number): { range: number; remainder: number } {
  for (const n of [N, N - 1])
    expect([...buildTurnSchedule(new Array<number>(n).fill(1))]).toEqual([...Array(n).keys()]);
  const p = N * (N - 1);
  const survivor = (k: number) => (k >= victim ? k + 1 : k);
  let range = 0;
  let remainder = 0;
  for (let t = 0; t < p; t++) {
    if (Math.floor(t / (N - 1)) !== survivor(Math.floor(t / N))) range++;
    if (t % N !== survivor(t % (N - 1))) remainder++;
  }
  return { range: range / p, remainder: remainder / p };
}

describe.skipIf(!enabled)('native load balancer: Maglev with 10 backends', () => {
  let lab: NativeLab;
  let nodeB: NativeDriver;
  beforeAll(async () => {
    lab = await startNativeLab({
      backends: N,
      lbNodes: 2,
      ipv6: false,
      driver: { nodes: ['lb0', 'lb1'], hashSeed: SEED, maglevTableSize: M },
    });
    nodeB = lab.driverFor(1);
    await Promise.all([lab.driver.waitForConvergence(), nodeB.waitForConvergence()]);
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  /** 1,000 flows from one client address, one fixed source port each (a range per NLB). */
  const flows = (nlb: NLBInfo, firstPort: number, reverse = false) => {
    const ports = Array.from({ length: FLOWS }, (_, i) => firstPort + i);
    if (reverse) ports.reverse();
    return lab.topo.client.agent.batch({
      proto: 'tcp',
      host: nlb.listener.ip!,
      port: nlb.listener.port,
      count: FLOWS,
      concurrency: 32,
      sourceAddress: lab.topo.client.extra[0]!.v4,
      sourcePorts: ports,
      timeoutMs: 3000,
    });
  };

  it('two nodes: MAGLEV and SOURCE_HASH agree on every one of 1,000 flows, ROUND_ROBIN does not', async () => {
    const cases = [
      { algorithm: 'MAGLEV' as const, firstPort: 40000 },
      { algorithm: 'SOURCE_HASH' as const, firstPort: 41000 },
      { algorithm: 'ROUND_ROBIN' as const, firstPort: 42000 },
    ];
    const nlbs = await Promise.all(
      cases.map((c, i) =>
        lab.driver.createNLB(
          request(`two-${c.algorithm.toLowerCase().replace('_', '-')}`, c.algorithm, 80 + i),
        ),
      ),
    );
    const viaA: Map<number, string>[] = [];
    for (const [i, c] of cases.entries()) viaA.push(byPort(await flows(nlbs[i]!, c.firstPort)));
    const viaB: Map<number, string>[] = [];
    await lab.topo.useLbNode(1);
    try {
      // The same flows in the opposite order: a decision that is a function of the flow cannot notice.
      for (const [i, c] of cases.entries()) viaB.push(byPort(await flows(nlbs[i]!, c.firstPort, true)));
    } finally {
      await lab.topo.useLbNode(0);
    }
    const same = cases.map((_, i) => agreeing(viaA[i]!, viaB[i]!));
    console.log(
      `maglev e2e: same backend through node A and node B for ${FLOWS} flows, ${N} backends: ` +
        cases.map((c, i) => `${c.algorithm} ${same[i]}`).join(', '),
    );
    const spread = (m: Map<number, string>) => new Set(m.values()).size;
    expect(viaA.map(spread)).toEqual([N, N, N]);
    expect(same[0]).toBe(FLOWS);
    // Same seed, same backend set: plain source hash is as deterministic across nodes as Maglev.
    expect(same[1]).toBe(FLOWS);
    // Round robin follows each node's own counter and the arrival order, not the flow.
    expect(same[2]).toBeLessThan(FLOWS * 0.3);
    for (const nlb of nlbs) await lab.driver.deleteNLB(nlb.iid);
  });

  it('removing one of 10 backends moves <= 12% of 1,000 flows with MAGLEV, 25-50% with SOURCE_HASH', async () => {
    const victim = 'vm-3';
    const maglev = await lab.driver.createNLB(request('move-maglev', 'MAGLEV', 90));
    const hash = await lab.driver.createNLB(request('move-hash', 'SOURCE_HASH', 91));
    const beforeM = byPort(await flows(maglev, 43000));
    const beforeH = byPort(await flows(hash, 44000));
    for (const nlb of [maglev, hash]) await lab.driver.removeVMs(nlb.iid, [{ nameId: victim }]);
    const afterM = byPort(await flows(maglev, 43000));
    const afterH = byPort(await flows(hash, 44000));

    const onVictim = [...beforeM.values()].filter((b) => b === victim).length;
    const movedM = FLOWS - agreeing(beforeM, afterM);
    const movedH = FLOWS - agreeing(beforeH, afterH);
    const model = sourceHashMoves(Number(victim.slice(3)));
    const pct = (n: number) => `${((100 * n) / FLOWS).toFixed(1)}%`;
    console.log(
      `maglev e2e: removing ${victim} of ${N} backends (M=${M}): MAGLEV moved ${movedM}/${FLOWS} flows ` +
        `(${pct(movedM)}; ${onVictim} were on ${victim}, ${movedM - onVictim} others); SOURCE_HASH moved ` +
        `${movedH}/${FLOWS} (${pct(movedH)}; model of nft's jhash mod N: ${(100 * model.range).toFixed(1)}%, ` +
        `a remainder mod N would move ${(100 * model.remainder).toFixed(1)}%)`,
    );
    expect([...afterM.values(), ...afterH.values()]).not.toContain(victim);
    // Every flow of the removed backend had to move; Maglev moves few others.
    expect(movedM).toBeGreaterThanOrEqual(onVictim);
    expect(movedM).toBeLessThanOrEqual(FLOWS * 0.12);
    // nft's `jhash ... mod N` splits the hash range into N intervals (the kernel scales, it does not take
    // a remainder): removing one backend shifts every boundary, moving 25-50% of flows (30% for vm-3).
    expect(Math.abs(movedH / FLOWS - model.range)).toBeLessThan(0.05);
    expect(movedH).toBeGreaterThan(2.5 * movedM);
    for (const nlb of [maglev, hash]) await lab.driver.deleteNLB(nlb.iid);
  });

  it('a backend change is one nft transaction rewriting only the changed slots; held connections survive', async () => {
    const nlb = await lab.driver.createNLB(request('held', 'MAGLEV', 92));
    const vip = nlb.listener.ip!;
    const held = await Promise.all(
      Array.from({ length: 20 }, () => lab.topo.client.agent.hold({ host: vip, port: 92, intervalMs: 20 })),
    );
    // Remove the backend of the first held connection: even its connection keeps its conntrack entry.
    const victim = held[0]!.backend;
    const stays = held.filter((h) => h.backend !== victim);
    expect(stays.length).toBeGreaterThan(0);

    const mark = lab.lbExec.calls.length;
    const atChange = await Promise.all(held.map((h) => h.status()));
    await lab.driver.removeVMs(nlb.iid, [{ nameId: victim }]);
    const scripts = lab.lbExec.calls
      .slice(mark)
      .filter((c) => c.argv[0] === 'nft' && c.stdin?.includes(' element '))
      .map((c) => c.stdin!);

    // Pings keep being echoed after the change on every held connection, then none has an error.
    await until('every held connection echoes after the change', 5000, async () => {
      const now = await Promise.all(held.map((h) => h.status()));
      return now.every((s, i) => s.echoed > atChange[i]!.echoed + 5);
    });
    const finals = await Promise.all(held.map((h) => h.release()));
    for (const f of finals) {
      expect(f.errors).toEqual([]);
      expect(f.sent - f.echoed).toBeLessThanOrEqual(1);
    }

    const ids = (list: string[]) => list.map((id) => ({ id }));
    const diff = diffMaglevTables(
      buildMaglevTable(ids(VMS), M, { seed: SEED }),
      buildMaglevTable(ids(VMS.filter((v) => v !== victim)), M, { seed: SEED }),
    );
    expect(scripts).toHaveLength(1);
    const lines = scripts[0]!.trim().split('\n');
    const items = (verb: string) =>
      lines
        .filter((l) => l.startsWith(`${verb} element `))
        .flatMap((l) => l.slice(l.indexOf('{') + 1, l.lastIndexOf('}')).split(','))
        .map((s) => s.trim());
    const deleted = items('delete');
    const added = items('add');
    const address = (vm: string) => lab.topo.backends[Number(vm.slice(3))]!.address.v4;
    console.log(
      `maglev e2e: removing ${victim} rewrote ${deleted.length} of ${M} slots in one transaction ` +
        `(diffMaglevTables: ${diff.length}); ${held.length} held connections, ${stays.length} to staying backends, 0 errors`,
    );
    expect(lines.length).toBe(2);
    expect(deleted.sort()).toEqual(diff.map((d) => `${vip} . 92 . ${d.slot}`).sort());
    expect(added.sort()).toEqual(
      diff.map((d) => `${vip} . 92 . ${d.slot} : ${address(d.backendId!)} . 8080`).sort(),
    );
    expect(diff.length).toBeLessThan(M / 5);
    await lab.driver.deleteNLB(nlb.iid);
  });
});
