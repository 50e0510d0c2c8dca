/**
 * Native health checking end to end, through the public API: the native driver's embedded agent, with
 * `health: 'auto'`, runs nlbkit's health monitor in a worker in the LB node's namespace (the checks
 * take the data plane's path) and renders only usable backends. A backend that dies stops getting flows within `interval * fall + timeout` (plus one
 * apply) and comes back within `interval * rise`; an HTTP check sees a 500 that TCP cannot; a checker
 * change applies without a restart; established flows are left alone; nothing is reported HEALTHY
 * before it was measured. Flapping: native-health-flap.e2e.test.ts; every backend down:
 * native-health-all-down.e2e.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NLBInfo } from '../../src/interfaces/types.js';
import {
  APPLY_SLACK_MS,
  DOWN_DEADLINE_MS,
  FIRST_HEALTHY_DEADLINE_MS,
  INTERVAL,
  request,
  TCP_CHECK,
  UP_DEADLINE_MS,
  VMS,
} from './harness/health-settings.js';
import {
  type ConnResult,
  countByBackend,
  type NativeLab,
  renderedBackends,
  requireRootNetns,
  startNativeLab,
  waitAllState,
  waitVMState,
} from './harness/index.js';

const enabled = requireRootNetns();
/** Starting the driver's health worker on a loaded machine. */
const WORKER_START_MS = 3000;
const names = (iids: { nameId: string }[]) => iids.map((i) => i.nameId).sort();

describe.skipIf(!enabled)('native health checks', () => {
  let lab: NativeLab;
  const made: NLBInfo[] = [];
  const create = async (...args: Parameters<typeof request>) => {
    const nlb = await lab.driver.createNLB(request(...args));
    made.push(nlb);
    return nlb;
  };
  const backend = (name: string) => lab.topo.backends.find((b) => b.name === name)!;
  const send = (vip: string, count: number): Promise<ConnResult[]> =>
    lab.topo.client.agent.batch({ proto: 'tcp', host: vip, port: 80, count, timeoutMs: 1000 });

  beforeAll(async () => {
    // The public API's own choice: the driver runs the monitor in a worker in the agent's namespace.
    lab = await startNativeLab({ backends: 3, ipv6: false, agent: { health: 'auto' } });
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

  it('right after create every VM is UNKNOWN, not HEALTHY, until its checks have passed', async () => {
    // rise 3: no VM can pass before 2 intervals after the agent started checking it.
    const nlb = await create('unknown-first', { healthChecker: { ...TCP_CHECK, healthyThreshold: 3 } });
    const first = await lab.driver.getVMGroupHealthInfo(nlb.iid);
    expect(names(first.unknownVMs)).toEqual(VMS);
    expect(first.healthyVMs).toEqual([]);
    expect(first.unhealthyVMs).toEqual([]);
    for (const d of first.details) {
      expect(d.state).toBe('UNKNOWN');
      expect(d.reason).toBeTruthy();
      expect(d.lastChange).toBeUndefined();
    }
    // UNKNOWN is usable: traffic already reaches every backend.
    expect(await renderedBackends(lab)).toEqual(VMS);
    expect(countByBackend(await send(nlb.listener.ip!, 30))).toEqual({ 'vm-0': 10, 'vm-1': 10, 'vm-2': 10 });
    // ...and the verdict does come, once measured.
    // The first NLB also starts the driver's health worker (a node process in the namespace).
    const healthy = await waitAllState(
      lab,
      nlb,
      'HEALTHY',
      INTERVAL * 4 * 1000 + APPLY_SLACK_MS + WORKER_START_MS,
    );
    for (const d of healthy.value.details) {
      expect(d.lastCheck).toBeInstanceOf(Date);
      expect(d.lastChange).toBeInstanceOf(Date);
    }
    console.info(`unknown-first: all HEALTHY ${healthy.ms} ms after create returned`);
  });

  it('a stopped backend is out within interval*fall+timeout, clients see no failure, and it comes back within interval*rise; a held connection to another backend survives both', async () => {
    const nlb = await create('failover');
    const vip = nlb.listener.ip!;
    await waitAllState(lab, nlb, 'HEALTHY', FIRST_HEALTHY_DEADLINE_MS);
    const held = await lab.topo.client.agent.hold({ host: vip, port: 80, intervalMs: 50 });
    const victim = VMS.find((n) => n !== held.backend)!;
    const survivors = VMS.filter((n) => n !== victim);

    const beforeStop = Date.now();
    await backend(victim).server.stop();
    const down = await waitVMState(lab, nlb, victim, 'UNHEALTHY', DOWN_DEADLINE_MS);
    const detectedAt = Date.now();
    expect(down.value.reason).toMatch(/ECONNREFUSED/);
    expect(down.value.lastChange).toBeInstanceOf(Date);
    expect(down.value.lastChange!.getTime()).toBeGreaterThanOrEqual(beforeStop);
    expect(down.value.lastChange!.getTime()).toBeLessThanOrEqual(detectedAt);
    const info = await lab.driver.getVMGroupHealthInfo(nlb.iid);
    expect(names(info.unhealthyVMs)).toEqual([victim]);
    expect(names(info.healthyVMs)).toEqual(survivors);
    // Reported unhealthy means already out of the ruleset: from the detection on, no new connection
    // fails and none goes to the dead backend.
    expect(await renderedBackends(lab)).toEqual(survivors);
    const after = await send(vip, 30);
    expect(countByBackend(after)).toEqual(Object.fromEntries(survivors.map((n) => [n, 15])));
    const midway = await held.status();
    expect(midway.errors).toEqual([]);
    expect(midway.closed).toBe(false);

    await backend(victim).server.start();
    const up = await waitVMState(lab, nlb, victim, 'HEALTHY', UP_DEADLINE_MS);
    expect(up.value.lastChange!.getTime()).toBeGreaterThan(down.value.lastChange!.getTime());
    expect(await renderedBackends(lab)).toEqual(VMS);
    expect(countByBackend(await send(vip, 30))).toEqual({ 'vm-0': 10, 'vm-1': 10, 'vm-2': 10 });

    const final = await held.release();
    expect(final.backend).toBe(held.backend);
    expect(final.errors).toEqual([]);
    expect(final.echoed).toBeGreaterThan(midway.echoed);
    expect(final.sent - final.echoed).toBeLessThanOrEqual(1);
    console.info(
      `failover: UNHEALTHY after ${down.ms} ms (deadline ${DOWN_DEADLINE_MS}), HEALTHY again after ${up.ms} ms (deadline ${UP_DEADLINE_MS}); held connection: ${final.echoed} echoes, 0 errors`,
    );
  });

  it('an HTTP check whose path answers 500 marks the backend unhealthy while TCP still connects', async () => {
    const nlb = await create('http-500', {
      healthChecker: { ...TCP_CHECK, protocol: 'HTTP', port: 8081, httpPath: '/health' },
    });
    await waitAllState(lab, nlb, 'HEALTHY', FIRST_HEALTHY_DEADLINE_MS);
    await backend('vm-1').server.setHealth(500);
    const down = await waitVMState(lab, nlb, 'vm-1', 'UNHEALTHY', DOWN_DEADLINE_MS);
    expect(down.value.reason).toMatch(/500/);
    expect(names((await lab.driver.getVMGroupHealthInfo(nlb.iid)).healthyVMs)).toEqual(['vm-0', 'vm-2']);
    // The backend's TCP service is fine (a TCP check would pass): only the HTTP check sees the 500.
    const direct = await lab.topo.client.agent.batch({
      proto: 'tcp',
      host: backend('vm-1').address.v4,
      port: 8080,
      count: 3,
      timeoutMs: 1000,
    });
    expect(countByBackend(direct)).toEqual({ 'vm-1': 3 });
    expect(await renderedBackends(lab)).toEqual(['vm-0', 'vm-2']);
    expect(countByBackend(await send(nlb.listener.ip!, 20))).toEqual({ 'vm-0': 10, 'vm-2': 10 });

    await backend('vm-1').server.setHealth(200);
    const up = await waitVMState(lab, nlb, 'vm-1', 'HEALTHY', UP_DEADLINE_MS);
    console.info(`http-500: UNHEALTHY after ${down.ms} ms, HEALTHY ${up.ms} ms after it answered 200 again`);
  });

  it('changeHealthCheckerInfo takes effect without a restart: TCP -> HTTP finds the backend answering 500', async () => {
    await backend('vm-2').server.setHealth(500);
    const nlb = await create('switch-check');
    // The TCP check cannot see the 500: every VM passes it.
    await waitAllState(lab, nlb, 'HEALTHY', FIRST_HEALTHY_DEADLINE_MS);
    const driver = lab.driver;
    const changed = await lab.driver.changeHealthCheckerInfo(nlb.iid, {
      ...TCP_CHECK,
      protocol: 'HTTP',
      port: 8081,
      httpPath: '/health',
    });
    expect(changed.healthChecker).toMatchObject({ protocol: 'HTTP', port: 8081, httpPath: '/health' });
    // A changed check is a new check: its state starts again, so allow for the first check's jitter.
    const down = await waitVMState(lab, nlb, 'vm-2', 'UNHEALTHY', DOWN_DEADLINE_MS + INTERVAL * 1000);
    expect(down.value.reason).toMatch(/500/);
    expect(await renderedBackends(lab)).toEqual(['vm-0', 'vm-1']);
    expect(countByBackend(await send(nlb.listener.ip!, 20))).toEqual({ 'vm-0': 10, 'vm-1': 10 });
    await waitVMState(lab, nlb, 'vm-0', 'HEALTHY', FIRST_HEALTHY_DEADLINE_MS);
    await waitVMState(lab, nlb, 'vm-1', 'HEALTHY', FIRST_HEALTHY_DEADLINE_MS);
    expect(lab.driver).toBe(driver);
    console.info(`switch-check: vm-2 UNHEALTHY ${down.ms} ms after changeHealthCheckerInfo returned`);
  });
});
