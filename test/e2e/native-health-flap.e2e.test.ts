/**
 * A flapping backend does not make the agent rewrite the ruleset on every flap: a state changes only
 * after a full threshold of consecutive results (debounce), and only a state change leads to an nft
 * transaction. Counted through the lab's recording executor (`nft -f -` calls), the health source's
 * change notifications and the monitor's check counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthChange } from '../../src/native/health/index.js';
import { phaseOf } from '../../src/native/health/jitter.js';
import {
  APPLY_SLACK_MS,
  FIRST_HEALTHY_DEADLINE_MS,
  INTERVAL,
  request,
  TCP_CHECK,
  VMS,
} from './harness/health-settings.js';
import {
  type NativeLab,
  nftTransactions,
  renderedBackends,
  requireRootNetns,
  startNativeLab,
  vmHealth,
  waitAllState,
  waitFor,
} from './harness/index.js';

const enabled = requireRootNetns();
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
const SEED = 'lb0';
/** The first of `key`'s check slots at or after `t`: checks run at t with t mod interval = phase. */
function nextSlot(key: string, intervalMs: number, t: number): number {
  const phase = phaseOf(key, intervalMs, SEED);
  return phase + Math.ceil((t - phase) / intervalMs) * intervalMs;
}

describe.skipIf(!enabled)('native health checks: flapping', () => {
  let lab: NativeLab;
  beforeAll(async () => {
    lab = await startNativeLab({ backends: 3, ipv6: false, health: { seed: SEED } });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  /** Changes of `key` the health source notifies from now on; call the result to stop and read them. */
  function recordChanges(key: string): () => HealthChange[] {
    const seen: HealthChange[] = [];
    const off = lab.health!.onChange((_keys, changes) => seen.push(...changes.filter((c) => c.key === key)));
    return () => {
      off();
      return seen;
    };
  }
  /** The monitor's `name{protocol="TCP"}` counter, as of the worker's last snapshot. */
  function tcpCounter(name: string): number {
    const m = new RegExp(`^${name}\\{protocol="TCP"\\} (\\d+)$`, 'm').exec(lab.health!.metricsText());
    return m ? Number(m[1]) : 0;
  }

  it('a backend flapping every half interval causes far fewer ruleset changes than flaps', async () => {
    const nlb = await lab.driver.createNLB(request('flap-half'));
    const flapper = lab.topo.backends[0]!;
    const key = `flap-half/${flapper.name}`;
    try {
      await waitAllState(lab, nlb, 'HEALTHY', FIRST_HEALTHY_DEADLINE_MS);
      const stopChanges = recordChanges(key);
      const txBefore = nftTransactions(lab);
      const failuresBefore = tcpCounter('nlbkit_health_check_failures_total');
      // Down a quarter interval before each of the flapper's check slots, up a quarter after: it flaps
      // every half interval and (a fixed check grid sees a half-interval flap in phase) every check
      // finds it down. Without debounce or with a change per result, each flap would be a change.
      const intervalMs = INTERVAL * 1000;
      const firstSlot = nextSlot(key, intervalMs, Date.now() + intervalMs / 2);
      const FLAPS = 12;
      for (let i = 0; i < FLAPS; i++) {
        // The flap's own pace (what is being tested), not a wait for a condition.
        await sleepUntil(
          firstSlot + Math.floor(i / 2) * intervalMs + (i % 2 === 0 ? -1 : 1) * (intervalMs / 4),
        );
        if (i % 2 === 0) await flapper.server.down();
        else await flapper.server.up();
      }
      const flapMs = Date.now() - firstSlot;
      const failures = tcpCounter('nlbkit_health_check_failures_total') - failuresBefore;
      // Flapping is over and the server is up: once every VM is HEALTHY again, whatever the flapping
      // caused has been applied and reported, and the flapper is back in the ruleset.
      const settled = await waitAllState(lab, nlb, 'HEALTHY', FIRST_HEALTHY_DEADLINE_MS);
      const transactions = nftTransactions(lab) - txBefore;
      const changes = stopChanges();
      console.info(
        `flap-half: ${FLAPS} flaps in ${flapMs} ms, ${failures}+ failed checks, HEALTHY again after ${settled.ms} ms; ${changes.length} state changes (${changes.map((c) => c.to).join(', ')}), ${transactions} nft transactions`,
      );
      // The checks did see it down (the metrics snapshot may lag by a second)...
      expect(failures).toBeGreaterThanOrEqual(FLAPS / 4);
      // ...yet it changed state once (out) and once more after the flapping (back): far fewer than flaps.
      expect(changes.map((c) => c.to)).toEqual(['UNHEALTHY', 'HEALTHY']);
      expect(transactions).toBeLessThanOrEqual(changes.length);
      expect(transactions).toBeGreaterThanOrEqual(1);
      expect(await renderedBackends(lab)).toEqual(VMS);
    } finally {
      await flapper.server.up();
      await lab.driver.deleteNLB(nlb.iid);
    }
  });

  it('a backend that fails every other check (the worst case) never changes state or the ruleset', async () => {
    // Thresholds 3: a state change would need 3 equal results in a row; the flapper alternates.
    const nlb = await lab.driver.createNLB(
      request('flap-alt', { healthChecker: { ...TCP_CHECK, healthyThreshold: 3, unhealthyThreshold: 3 } }),
    );
    const flapper = lab.topo.backends[1]!;
    const key = `flap-alt/${flapper.name}`;
    try {
      await waitAllState(lab, nlb, 'HEALTHY', INTERVAL * 4 * 1000 + APPLY_SLACK_MS);
      const stopChanges = recordChanges(key);
      const txBefore = nftTransactions(lab);
      const failuresBefore = tcpCounter('nlbkit_health_check_failures_total');
      // The flapper's checks run at t with t mod interval = its phase (deterministic jitter). Turning it
      // over half an interval after each slot makes every check see the opposite of the one before.
      const intervalMs = INTERVAL * 1000;
      const firstSlot = nextSlot(key, intervalMs, Date.now());
      const FLAPS = 6;
      for (let i = 0; i < FLAPS; i++) {
        await sleepUntil(firstSlot + i * intervalMs + intervalMs / 2);
        if (i % 2 === 0) await flapper.server.down();
        else await flapper.server.up();
      }
      // The slot after the last flap (up) is judged healthy; then read the worker's next snapshot.
      await sleepUntil(firstSlot + FLAPS * intervalMs + intervalMs / 2);
      const failures = await waitFor(
        'a metrics snapshot with the failed checks of the flapper',
        3000,
        async () => {
          const n = tcpCounter('nlbkit_health_check_failures_total') - failuresBefore;
          return n >= FLAPS / 2 ? n : undefined;
        },
        { describe: () => tcpCounter('nlbkit_health_check_failures_total') - failuresBefore },
      );
      const transactions = nftTransactions(lab) - txBefore;
      const changes = stopChanges();
      console.info(
        `flap-alt: ${FLAPS} flaps, one before each check; ${failures.value} failed checks, ${changes.length} state changes, ${transactions} nft transactions`,
      );
      // The checks did see the flapping (one failure per "down" slot, none elsewhere)...
      expect(failures.value).toBe(FLAPS / 2);
      // ...and none of it reached the state or the kernel.
      expect(changes).toEqual([]);
      expect(transactions).toBe(0);
      expect((await vmHealth(lab, nlb, flapper.name)).state).toBe('HEALTHY');
      expect(await renderedBackends(lab)).toEqual(VMS);
    } finally {
      await flapper.server.up();
      await lab.driver.deleteNLB(nlb.iid);
    }
  });
});
