/**
 * The native driver with the IPVS data plane (`agent.dataplane: 'ipvs'`) against a real kernel with
 * IPVS: this machine's kernel has none, so the check runs in a VM booted with Debian's kernel (see
 * run-guest.ts). The guest side, ipvs-guest.ts, drives the driver through the public API with real
 * traffic in network namespaces and prints one result line that this test asserts on.
 */
import { describe, expect, it } from 'vitest';
import { runGuest, vmPrepared } from './run-guest.js';

const prepared = vmPrepared();
/** 20 minutes: the drain-timeout case adds about a minute, and the file hit 15 on a loaded host. */
const TIMEOUT_MS = 1_200_000;

describe.runIf(prepared)('native driver on the IPVS data plane (VM)', () => {
  it(
    'balances, weighs, drains (with and without a drain timeout), hashes, follows health, repairs drift, adopts, leaves foreign services alone, and runs under the CLI agent',
    async () => {
      const { result, output, code } = await runGuest('test/vm/ipvs-guest.ts');
      expect(result, output.slice(-3000)).toBeDefined();
      const r = result!;
      expect(r.error, String(r.error)).toBeUndefined();
      expect(code).toBe(0);
      // Round robin over three backends: rr takes them strictly in turn; NAT keeps the client address.
      expect(r.rr).toEqual({ 'vm-0': 4, 'vm-1': 4, 'vm-2': 4 });
      expect(r.rrClientKept).toBe(true);
      expect(r.rrScheduler).toBe('rr');
      expect(r.verifyRr).toEqual([]);
      // Weights 1:3 switch the scheduler to wrr; the VM that left the group is drained, not deleted.
      expect(r.weighted).toEqual({ 'vm-0': 10, 'vm-1': 30 });
      expect(r.weightedScheduler).toBe('wrr');
      expect(r.vm2AfterWeights).toBe(0);
      // removeVMs during a held connection: new flows avoid the removed VM, the held one goes on.
      expect(r.drain).toEqual({
        newFlowsToHeld: 0,
        newFlowsOk: 12,
        heldWeight: 0,
        heldActive: 1,
        echoedMore: true,
        heldErrors: [],
      });
      // With drainTimeoutSec (30 s): new flows avoid the removed VM, its held connection keeps
      // exchanging data until four seconds before the drain ends, and is ended after it (it hung before:
      // the kernel drops a deleted real server's packets unless expire_nodest_conn is set).
      expect(r.drainTimeout).toEqual({
        newFlowsToHeld: 0,
        newFlowErrors: 0,
        lateInDrain: true,
        lateErrors: [],
        lateClosed: false,
        echoedDuring: true,
        ended: true,
        endedAfterDrain: true,
      });
      // MAGLEV is the kernel's mh, hashing the source address and port, falling back past drained servers.
      expect(r.maglev).toEqual({ scheduler: 'mh', flags: ['mh-fallback', 'mh-port'] });
      expect(r.maglevBackends).toBe(3);
      expect(r.maglevErrors).toBe(0);
      // A dead backend gets no new flows, and a revived one gets its weight back.
      expect(r.healthDown).toEqual({ toVictim: 0, errors: 0 });
      expect(r.healthUp).toBe(1);
      // UDP over IPv6 with source hashing: one client, one backend, the client's address kept.
      expect(r.dnsVipFamily).toBe(6);
      expect(r.udp).toEqual({ ok: 10, backends: 1, clientKept: true });
      // A service deleted behind the agent's back comes back; a restarted agent changes nothing.
      expect(r.driftRepaired).toBe(true);
      expect(r.restartSync).toBe('none');
      // Deleting and tearing down remove nlbkit's services only.
      expect(r.afterDelete).toEqual(['tcp 203.0.113.9:80']);
      expect(r.afterTeardown).toEqual(['tcp 203.0.113.9:80']);
      // The CLI agent on the IPVS data plane applies what a driver in another process writes, and
      // removes its services (only its own) on exit with --teardown-on-exit.
      expect(r.cli).toEqual({ dests: 3, ok: 6 });
      expect(r.cliExit).toBe(0);
      expect(r.cliAfterExit).toEqual(['tcp 203.0.113.9:80']);
    },
    TIMEOUT_MS,
  );
});
