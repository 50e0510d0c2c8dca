/**
 * IPVS direct routing (`dsr`, `-g`) and IPIP tunnelling (`tunnel`, `-i`) with `mh`, two LB nodes
 * behind one multipath route, under long-lived connections: in the test VM (this machine's kernel has
 * no IPVS and no ipip), one boot for both modes. The guest side is ipvs-forwarding-guest.ts.
 */
import { describe, expect, it } from 'vitest';
import type { LoadStats } from '../native/dsr-load.js';
import { runGuest, vmPrepared } from './run-guest.js';

const prepared = vmPrepared();
/** 20 minutes: two labs of TCG-emulated Node processes on a shared host. */
const TIMEOUT_MS = 1_200_000;

describe.runIf(prepared)('IPVS direct routing and tunnelling with mh (VM)', () => {
  it(
    'keeps every connection through a node death and return, a backend added and one drained',
    async () => {
      const { result, output, code } = await runGuest('test/vm/ipvs-forwarding-guest.ts');
      expect(result, output.slice(-3000)).toBeDefined();
      const r = result!;
      expect(r.error, String(r.error)).toBeUndefined();
      expect(code).toBe(0);
      const n = r.connections as number;
      expect(n).toBeGreaterThanOrEqual(200);
      for (const [mode, forward] of [
        ['dsr', 'Route'],
        ['tunnel', 'Tunnel'],
      ] as const) {
        const m = r[mode] as Record<string, unknown>;
        // Each node lets a flow in mid-stream and hashes the source address and port with mh.
        expect(m.sloppy, mode).toEqual(['1', '1']);
        expect(m.scheduler, mode).toEqual(['mh mh-fallback,mh-port', 'mh mh-fallback,mh-port']);
        // Both nodes hold the same real servers in the same (canonical, descending) order.
        const backends = (k: number) => (mode === 'dsr' ? `10.77.1.${10 + k}` : `10.78.0.${10 + k}`);
        const line = (k: number, w: number) => `${backends(k)}:7000 ${forward} ${w}`;
        expect(m.initial, mode).toEqual([
          [line(1, 1), line(0, 1)],
          [line(1, 1), line(0, 1)],
        ]);
        // Replies come from the VIP; backends see the client's address; both backends serve.
        expect(m.greetings, mode).toEqual({
          failed: 0,
          backends: ['b0', 'b1'],
          clientKept: true,
          fromVip: true,
        });
        expect(m.opened, mode).toBe(n);
        const rx = m.nodeRx as number[];
        const tx = m.nodeTx as number[];
        for (const [i, got] of rx.entries()) {
          expect(got, `${mode}: node ${i} carried traffic`).toBeGreaterThan(100);
          // Replies bypass the LB nodes: their client-side links send next to nothing.
          expect(tx[i]!, `${mode}: node ${i} sent replies`).toBeLessThan(got / 10);
        }
        // 0 broken in every phase: steady, a node dies, it returns, a backend added, one drained.
        const phases = m.phases as Record<string, LoadStats>;
        expect(Object.keys(phases)).toEqual(['steady', 'death', 'back', 'added', 'drained']);
        for (const [phase, s] of Object.entries(phases)) {
          expect(s.broken, `${mode} ${phase}`).toBe(0);
          expect(s.alive, `${mode} ${phase}`).toBe(n);
        }
        // Adding b2 (it sorts above the others) puts it at the head on both nodes; verify() is clean.
        expect(m.afterAdd, mode).toEqual([
          [line(2, 1), line(1, 1), line(0, 1)],
          [line(2, 1), line(1, 1), line(0, 1)],
        ]);
        expect(m.verify, mode).toEqual([[], []]);
        // Draining b2: weight 0 with its method, in place; its held connections keep echoing.
        expect(m.heldOnB2, mode).toBeGreaterThan(0);
        expect(m.heldEchoed, mode).toBe(10);
        expect((m.afterDrain as string[][])[0]![0], mode).toBe(line(2, 0));
      }
    },
    TIMEOUT_MS,
  );
});
