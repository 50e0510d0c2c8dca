/**
 * Tunnel forwarding on the nftables data plane (issue 21) against a kernel with the ipip module: this
 * machine's kernel has none, so the check runs in the VM booted with Debian's kernel (run-guest.ts).
 * The guest side, tunnel-guest.ts, builds two LB nodes behind a multipath route that BIRD installs
 * (BGP and BFD) and backends on another subnet behind a router, holds long-lived connections through
 * a node's death (withdrawn and cut; silent, noticed by BFD alone) and return and a backend added,
 * checks backends along the tunnel path (tunnel-health-guest.ts), and prints one
 * result line that this test asserts on. Without the VM prepared it skips locally and fails under
 * CI=true.
 */
import { describe, expect, it } from 'vitest';
import { runGuest, vmPrepared } from './run-guest.js';

const prepared = vmPrepared();
/** 20 minutes: one TCG boot, a lab of nine namespaces and ~20 s of load. */
const TIMEOUT_MS = 1_200_000;

describe.runIf(prepared)('tunnel forwarding on nftables (VM)', () => {
  it(
    'keeps every connection through node deaths (withdrawn+cut, silent), returns and a backend added; a removed one ends only its own; addresses kept; backend check names each piece',
    async () => {
      const { result, output, code } = await runGuest('test/vm/tunnel-guest.ts');
      expect(result, output.slice(-3000)).toBeDefined();
      const r = result!;
      expect(r.error, String(r.error)).toBeUndefined();
      expect(code).toBe(0);
      // `backend check --mode tunnel` names every missing piece, none after setup, tunl0 when down.
      expect(r.checkBare).toEqual(
        expect.arrayContaining([
          'VIP 10.77.9.9/32 on lo (absent)',
          // absent until the first setup loads the ipip module (it is then in every namespace, down)
          expect.stringMatching(/^decap device tunl0 up \((down|absent)\)$/),
          'net.ipv4.conf.all.arp_ignore = 1 (0)',
          'net.ipv4.conf.all.arp_announce = 2 (0)',
        ]),
      );
      expect(r.checkAfterSetup).toEqual([]);
      expect(r.checkTunl0Down).toEqual(['decap device tunl0 up (down)']);
      // The data plane offers tunnel; both nodes read back as written; one device per backend.
      expect(r.modes).toEqual(['nat', 'tunnel']);
      expect(r.verify).toEqual([
        [expect.any(String), []],
        [expect.any(String), []],
      ]);
      expect(r.devices).toEqual(['nlt0a4e000a', 'nlt0a4e000b']);
      // Replies come from the VIP; backends see the client's address and the VIP as theirs.
      expect(r.greetings).toEqual({
        answered: 20,
        backends: ['b0', 'b1'],
        clientKept: true,
        vipLocal: true,
        vipPeer: true,
      });
      // Load: 500 connections (issue 21), both nodes carry them, then no connection breaks in any
      // phase (stalls printed). With the load client's 15 s greeting timeout every run since opened
      // all (200 three times, 500 once, 5 Dec); under TCG a saturated guest can still miss a few, so
      // the bar is 90%, and every connection that opened must live to the end.
      const n = r.connections as number;
      const opened = r.opened as number;
      console.log(`[tunnel-vm] opened ${opened}/${n}`);
      expect(n).toBe(500);
      expect(opened).toBeGreaterThanOrEqual(n * 0.9);
      for (const rx of r.nodeRx as number[]) expect(rx).toBeGreaterThan(100);
      const phases = r.phases as Record<string, { broken: number; alive: number; p99: number; max: number }>;
      // BIRD routes the VIP over both nodes; the router noticed each death (the silent one by BFD alone).
      expect(Object.keys(phases)).toEqual([
        'steady',
        'withdrawn+cut death',
        'withdrawn+cut return',
        'silent death',
        'silent return',
        'added',
      ]);
      console.log(`[tunnel-vm] router noticed the death after (ms): ${JSON.stringify(r.detectedMs)}`);
      for (const [phase, s] of Object.entries(phases)) {
        console.log(
          `[tunnel-vm] ${phase}: broken ${s.broken}/${n}, alive ${s.alive}, p99 ${s.p99} ms, max ${s.max} ms`,
        );
        expect(s.broken, phase).toBe(0);
        expect(s.alive, phase).toBe(opened);
      }
      // A backend removed under load: exactly its own connections end (they meet another backend,
      // which resets them), no other; the rest stay alive.
      const removed = r.removed as {
        had: number;
        ended: Record<string, number>;
        alive: number;
        stillOnB1: number;
      };
      console.log(`[tunnel-vm] backend b1 removed: ${JSON.stringify(removed)}`);
      expect(removed.had).toBeGreaterThan(0);
      expect(removed.stillOnB1).toBe(0);
      expect(removed.ended).toEqual({ b1: removed.had });
      expect(removed.alive).toBe(opened - removed.had);
      // Under TCG the steady phase already stalls 0.7-1.7 s for the emulator, so even what the worst
      // phase adds varies with it (0-785 ms on 5 Dec): printed, never asserted.
      const added = Math.max(...Object.values(phases).map((s) => s.p99)) - phases.steady!.p99;
      console.log(`[tunnel-vm] worst p99 over the steady phase's: ${added} ms (printed, not asserted)`);
      // A tunnel device deleted by hand is named by verify and put back by a fresh instance.
      expect(r.driftFound).toEqual(expect.arrayContaining([expect.stringMatching(/nlt0a4e000a/)]));
      expect(r.driftAfterRepair).toEqual([]);
      // Made again by hand under its name: the rules hold the old index; seen without waiting for
      // the slot maps' read-back, and repaired by a fresh instance.
      expect(r.remadeFound).toEqual([
        expect.stringMatching(/^tunnel device nlt0a4e000a was made again \(ifindex \d+, now \d+\)/),
      ]);
      expect(r.remadeRepaired).toEqual([]);
      expect(r.afterRepair).toBe(12);
      expect(r.devicesAfterDestroy).toBe(0);

      // Health checks follow the tunnel path: the probe namespace has one ipip device per backend;
      // a backend without the VIP, or with its decap device down, is DOWN (named as the tunnel path)
      // while it answers on its own address; the other backend never changed state; the probes came
      // out of each backend's decap device, none reached its own address; closing leaves nothing.
      const h = r.health as Record<string, unknown>;
      expect(h.error, String(h.error)).toBeUndefined();
      console.log(`[tunnel-vm] health: VIP removed -> DOWN after ${h.vipGoneMs} ms (fall 2 x 1 s)`);
      expect(h.probeDevices).toEqual(['nlt0a4e000a', 'nlt0a4e000b']);
      expect(h.vipGoneReason).toMatch(
        /^no answer through the VIP path \(10\.77\.9\.9:7000 encapsulated to 10\.78\.0\.11; nlbkit backend check there\): /,
      );
      expect(h.answersOwn).toBe(true);
      expect(h.tunl0Reason).toMatch(
        /^no answer through the VIP path \(10\.77\.9\.9:7000 encapsulated to 10\.78\.0\.11;/,
      );
      expect(h.b0Steady).toBe(true);
      // The counter counts (the test's own connection to b1's address), and no probe went there.
      expect(h.ownBefore).toBe(0);
      expect(h.ownAfter as number).toBeGreaterThan(0);
      expect(h.ownProbes).toEqual([0, 0]);
      for (const n of h.vipProbes as number[]) expect(n).toBeGreaterThan(5);
      expect(h.netnsLeft).toBe(false);
      expect(h.logs).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
