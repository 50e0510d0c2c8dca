/**
 * Issue 21's failover case on two LB nodes behind ECMP (the client's namespace is the router: one
 * multipath route hashed on ports), 500 long-lived connections each exchanging a line every ~20 ms.
 * One node dies (its route withdrawn and its links cut), then returns; with dsr a backend is then
 * added under the same load. dsr: 0 broken connections in every phase (the p99 stall is printed); nat
 * (conntrack on each node, masquerade): the broken count is measured and printed, not asserted to 0.
 * The route is withdrawn by hand here, not by BIRD (test/e2e covers BIRD and BFD). Needs root, ip and
 * nft: a failure in CI, a skip locally.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { bothNodes, buildDsrLab, DSR_LAB, labState } from './dsr-lab.js';
import { LOAD_CLIENT, type LoadStats } from './dsr-load.js';
import { requireRootNetns } from './netns.js';

const enabled = requireRootNetns();

const CONNECTIONS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const state = labState;

describe.skipIf(!enabled)('an LB node dies and returns under load (two nodes, ECMP)', () => {
  for (const mode of ['dsr', 'nat'] as const) {
    it(`${mode}: ${CONNECTIONS} long-lived connections`, async () => {
      const lab = await buildDsrLab(3, 2);
      try {
        const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
        const rx = (ns: string) =>
          Number(
            execFileSync('ip', ['netns', 'exec', ns, 'cat', '/sys/class/net/up0/statistics/rx_packets']),
          );
        for (const n of [0, 1, 2]) await lab.startServer(n);
        const dsr = mode === 'dsr' ? { dsr: { ingress: ['up0'], egress: 'dn0' } } : {};
        const nodes = [lab.lb, lab.lb2!];
        const dps = nodes.map((ns) => createNftDataplane({ executor: netnsExecutor(ns), ...dsr }));
        for (const dp of dps) await dp.sync(state(mode, [0, 1]));
        const client = await lab.startClient(LOAD_CLIENT);
        expect(await client.ask<{ ok: number }>(`open ${CONNECTIONS}`)).toEqual({ ok: CONNECTIONS });
        await client.ask<LoadStats>('stats'); // measure from here: opening 500 took a while
        const before = nodes.map(rx);
        await sleep(2000);
        const steady = await client.ask<LoadStats>('stats');
        // Both nodes carried traffic before the failure.
        for (const [i, ns] of nodes.entries()) expect(rx(ns) - before[i]!).toBeGreaterThan(1000);

        // lb dies: the router withdraws its route, and its links are cut.
        ip('-n', lab.client, 'route', 'replace', `${DSR_LAB.vip}/32`, 'via', DSR_LAB.lb2Up, 'dev', 'up1');
        ip('-n', lab.lb, 'link', 'set', 'up0', 'down');
        ip('-n', lab.lb, 'link', 'set', 'dn0', 'down');
        await sleep(3000);
        const death = await client.ask<LoadStats>('stats');

        // lb returns: links up, the multipath route back.
        ip('-n', lab.lb, 'link', 'set', 'up0', 'up');
        ip('-n', lab.lb, 'link', 'set', 'dn0', 'up');
        ip('-n', lab.client, 'route', 'replace', `${DSR_LAB.vip}/32`, ...bothNodes);
        await sleep(3000);
        const back = await client.ask<LoadStats>('stats');

        const phases: Record<string, LoadStats> = { steady, death, back };
        if (mode === 'dsr') {
          for (const dp of dps) await dp.sync(state(mode, [0, 1, 2]));
          await sleep(2000);
          phases['backend added'] = await client.ask<LoadStats>('stats');
        }
        for (const [phase, s] of Object.entries(phases))
          console.log(
            `[dsr-failover] ${mode} ${phase}: broken ${s.broken}/${CONNECTIONS}, alive ${s.alive}, p99 stall ${s.p99} ms, max ${s.max} ms`,
          );
        expect(steady.broken).toBe(0);
        if (mode === 'dsr') {
          // Stalls are printed, not asserted: on a shared machine they measure its load as much as us.
          for (const s of Object.values(phases)) expect(s.broken).toBe(0);
          expect(phases['backend added']!.alive).toBe(CONNECTIONS);
        }
        client.stop();
      } finally {
        lab.remove();
      }
    }, 120_000);
  }
});
