/**
 * Every backend down: the agent does what `allDown` says. `fail-open` (the default) keeps sending to
 * all of them (connections then fail only if the servers really are down, and succeed if only the
 * checks fail); `reject` empties the backend map so new flows are refused by the LB node.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NLBInfo } from '../../src/interfaces/types.js';
import { DOWN_DEADLINE_MS, request, TCP_CHECK, UP_DEADLINE_MS } from './harness/health-settings.js';
import {
  countByBackend,
  type NativeLab,
  type NativeLabOptions,
  renderedBackends,
  requireRootNetns,
  startNativeLab,
  waitAllState,
  waitVMState,
} from './harness/index.js';

const enabled = requireRootNetns();
const VMS = ['vm-0', 'vm-1'];
const HTTP_CHECK = { ...TCP_CHECK, protocol: 'HTTP' as const, port: 8081, httpPath: '/health' };
/** Both backends judged: the first verdict may take up to an extra interval (jitter). */
const ALL_DOWN_DEADLINE_MS = DOWN_DEADLINE_MS + 1000;

function allDownSuite(mode: 'fail-open (default)' | 'reject', agent: NativeLabOptions['agent']) {
  describe.skipIf(!enabled)(`native health checks: every backend down, ${mode}`, () => {
    let lab: NativeLab;
    const made: NLBInfo[] = [];
    const create = async (...args: Parameters<typeof request>) => {
      const nlb = await lab.driver.createNLB(request(...args));
      made.push(nlb);
      return nlb;
    };
    const send = (vip: string, count: number) =>
      lab.topo.client.agent.batch({ proto: 'tcp', host: vip, port: 80, count, timeoutMs: 1000 });

    beforeAll(async () => {
      lab = await startNativeLab({ backends: 2, ipv6: false, health: {}, agent });
    });
    afterEach(async () => {
      for (const nlb of made.splice(0)) await lab.driver.deleteNLB(nlb.iid);
      for (const be of lab.topo.backends) {
        await be.server.start();
        await be.server.setHealth(200);
      }
    });
    afterAll(async () => {
      await lab?.destroy();
    });

    it('every server stopped', async () => {
      const nlb = await create('stopped', {}, VMS);
      expect(await renderedBackends(lab)).toEqual(VMS);
      for (const be of lab.topo.backends) await be.server.stop();
      const down = await waitAllState(lab, nlb, 'UNHEALTHY', ALL_DOWN_DEADLINE_MS);
      expect(down.value.unhealthyVMs.map((v) => v.nameId).sort()).toEqual(VMS);
      for (const d of down.value.details) expect(d.reason).toMatch(/ECONNREFUSED/);
      const results = await send(nlb.listener.ip!, 6);
      expect(countByBackend(results)).toEqual({ error: 6 });
      if (mode === 'reject') {
        // Nothing to send to: the map is empty and the LB node refuses new flows itself.
        expect(await renderedBackends(lab)).toEqual([]);
      } else {
        // Fail-open: the map still holds every backend; connections fail only because the servers are down.
        expect(await renderedBackends(lab)).toEqual(VMS);
      }
      console.info(`${mode}, stopped: all UNHEALTHY after ${down.ms} ms; errors: ${results[0]?.error}`);
    });

    it('every check failing while the servers still serve (an HTTP health path answering 500)', async () => {
      const nlb = await create('checks-fail', { healthChecker: HTTP_CHECK }, VMS);
      for (const be of lab.topo.backends) await be.server.setHealth(500);
      const down = await waitAllState(lab, nlb, 'UNHEALTHY', ALL_DOWN_DEADLINE_MS);
      const results = await send(nlb.listener.ip!, 10);
      if (mode === 'reject') {
        expect(await renderedBackends(lab)).toEqual([]);
        // The servers do accept connections; it is the LB node that refuses them.
        const direct = await lab.topo.client.agent.batch({
          proto: 'tcp',
          host: lab.topo.backends[0]!.address.v4,
          port: 8080,
          count: 2,
          timeoutMs: 1000,
        });
        expect(countByBackend(direct)).toEqual({ 'vm-0': 2 });
        expect(countByBackend(results)).toEqual({ error: 10 });
      } else {
        expect(await renderedBackends(lab)).toEqual(VMS);
        // "Maybe served beats surely dropped": every connection is served, by both backends.
        expect(countByBackend(results)).toEqual({ 'vm-0': 5, 'vm-1': 5 });
      }
      // One backend recovers: it alone gets the traffic, in either mode.
      await lab.topo.backends[1]!.server.setHealth(200);
      const up = await waitVMState(lab, nlb, 'vm-1', 'HEALTHY', UP_DEADLINE_MS);
      expect(await renderedBackends(lab)).toEqual(['vm-1']);
      expect(countByBackend(await send(nlb.listener.ip!, 4))).toEqual({ 'vm-1': 4 });
      console.info(`${mode}, checks failing: all UNHEALTHY after ${down.ms} ms; vm-1 back after ${up.ms} ms`);
    });
  });
}

allDownSuite('fail-open (default)', undefined);
allDownSuite('reject', { allDown: 'reject' });
