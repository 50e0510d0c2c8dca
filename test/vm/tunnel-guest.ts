/**
 * Runs INSIDE the test VM (scripts/vm/run.sh; Debian's kernel has the ipip module), started by
 * tunnel.vm.test.ts. Tunnel forwarding on the nftables data plane (issue 21): two LB nodes behind a
 * multipath route that BIRD installs (BGP with BFD, tunnel-bird.ts), backends on another subnet
 * behind a router, prepared by `setupBackend` with mode 'tunnel'. Long-lived connections through a
 * node's death (withdrawn and cut; silent) and return, a backend added and one removed; the
 * addresses each side sees; `checkBackend` naming each missing piece; drift of a tunnel device
 * found and repaired; destroy removing the devices; then the health checks along the tunnel path
 * (tunnel-health-guest.ts). Prints one line `NLBKIT-RESULT <json>`.
 */
import { execFileSync } from 'node:child_process';
import { LAB_PREFIXES, makeNamespace, nextLabId } from '../../src/lab/lab-names.js';
import { checkBackend, setupBackend } from '../../src/native/backend/backend-host.js';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { buildDsrLab, DSR_LAB, type Greeting, labState } from '../native/dsr-lab.js';
import { LOAD_CLIENT, type LoadStats } from '../native/dsr-load.js';
import { startTunnelBird, type TunnelBird } from './tunnel-bird.js';
import { tunnelHealthChecks } from './tunnel-health-guest.js';

const CONNECTIONS = Number(process.env.NLBKIT_TUNNEL_CONNECTIONS ?? 500);
const log = (line: string) => console.log(`guest: ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' }).toString();
const result: Record<string, unknown> = { connections: CONNECTIONS };

// 1. `backend check` on a host with nothing set up, then after setup, then with tunl0 down.
const bare = makeNamespace(nextLabId(LAB_PREFIXES.test), 'bx');
try {
  const ex = netnsExecutor(bare.name);
  const o = { vip: DSR_LAB.vip, mode: 'tunnel' as const };
  const missing = async () =>
    (await checkBackend(ex, o)).filter((c) => !c.ok).map((c) => `${c.what} (${c.found})`);
  result.checkBare = await missing();
  await setupBackend(ex, o);
  await setupBackend(ex, o); // idempotent
  result.checkAfterSetup = await missing();
  ip('-n', bare.name, 'link', 'set', 'tunl0', 'down');
  result.checkTunl0Down = await missing();
} finally {
  bare.remove();
}

log('building the lab');
const lab = await buildDsrLab(3, 2, 'tunnel');
let bird: TunnelBird | undefined;
try {
  for (const n of [0, 1, 2]) await lab.startServer(n);
  const nodes = [lab.lb, lab.lb2!];
  const dataplane = (ns: string) =>
    createNftDataplane({ executor: netnsExecutor(ns), tunnel: { ingress: ['up0'] } });
  const dps = nodes.map(dataplane);
  result.modes = dps[0]!.forwardingModes;
  for (const dp of dps) await dp.sync(labState('tunnel', [0, 1]));
  result.verify = await Promise.all(
    dps.map((dp, i) => dp.verify(labState('tunnel', [0, 1])).then((d) => [nodes[i], d])),
  );
  result.devices = ip('-n', lab.lb, '-o', 'link', 'show', 'type', 'ipip')
    .split('\n')
    .map((l) => /^\d+: (nlt[0-9a-f]{8})@/.exec(l)?.[1])
    .filter(Boolean);

  log('greetings');
  const probe = await lab.startClient();
  const greetings = await probe.ask<(Greeting | null)[]>('open 20');
  probe.stop();
  result.greetings = {
    answered: greetings.filter(Boolean).length,
    backends: [...new Set(greetings.map((g) => g?.backend))].sort(),
    clientKept: greetings.every(
      (g) => g && ([DSR_LAB.client, DSR_LAB.client2] as string[]).includes(g.client),
    ),
    vipLocal: greetings.every((g) => g?.local === DSR_LAB.vip),
    vipPeer: greetings.every((g) => g?.peer === DSR_LAB.vip),
  };

  log('BIRD: each node announces the VIP, the router installs ECMP (BFD 100 ms x 3)');
  bird = await startTunnelBird(lab);
  result.birdUpMs = await bird.until(2);

  log(`load: ${CONNECTIONS} connections`);
  const rx = (ns: string) =>
    Number(ip('netns', 'exec', ns, 'cat', '/sys/class/net/up0/statistics/rx_packets'));
  const client = await lab.startClient(LOAD_CLIENT);
  result.opened = (await client.ask<{ ok: number }>(`open ${CONNECTIONS}`)).ok;
  await client.ask<LoadStats>('stats');
  const before = nodes.map(rx);
  await sleep(3000);
  const phases: Record<string, LoadStats> = { steady: await client.ask<LoadStats>('stats') };
  result.nodeRx = nodes.map((ns, i) => rx(ns) - before[i]!);

  // Each way a node dies, as in the e2e lab: the router notices (a withdrawal, or BFD alone), the
  // other node takes the node's flows; then the node returns and takes its share back.
  const detected: Record<string, number> = {};
  for (const kind of ['withdrawn+cut', 'silent'] as const) {
    log(`lb dies: ${kind}`);
    await bird.kill(0, kind);
    detected[kind] = await bird.until(1);
    await sleep(3000);
    phases[`${kind} death`] = await client.ask<LoadStats>('stats');
    log(`lb returns: ${kind}`);
    await bird.revive(0, kind);
    await bird.until(2);
    await sleep(3000);
    phases[`${kind} return`] = await client.ask<LoadStats>('stats');
  }
  result.detectedMs = detected;

  log('a backend added under load');
  for (const dp of dps) await dp.sync(labState('tunnel', [0, 1, 2]));
  await sleep(4000);
  phases.added = await client.ask<LoadStats>('stats');
  result.phases = phases;

  log('a backend removed under load: exactly its own connections end');
  const had = phases.added.aliveBy.b1 ?? 0;
  for (const dp of dps) await dp.sync(labState('tunnel', [0, 2]));
  const ended: Record<string, number> = {};
  let last = phases.added;
  for (let i = 0; i < 60 && last.aliveBy.b1 !== undefined; i++) {
    await sleep(500);
    last = await client.ask<LoadStats>('stats');
    for (const [b, n] of Object.entries(last.brokenBy)) ended[b] = (ended[b] ?? 0) + n;
  }
  result.removed = { had, ended, alive: last.alive, stillOnB1: last.aliveBy.b1 ?? 0 };
  client.stop();
  for (const dp of dps) await dp.sync(labState('tunnel', [0, 1, 2]));

  log('drift: a tunnel device deleted by hand');
  const victim = `nlt${(0x0a4e000a).toString(16).padStart(8, '0')}`; // 10.78.0.10
  ip('-n', lab.lb, 'link', 'del', 'dev', victim);
  const state = labState('tunnel', [0, 1, 2]);
  result.driftFound = await dps[0]!.verify(state);
  const fresh = dataplane(lab.lb);
  await fresh.sync(state);
  result.driftAfterRepair = await fresh.verify(state);
  const again = await lab.startClient();
  result.afterRepair = (await again.ask<(Greeting | null)[]>('open 12')).filter(Boolean).length;
  again.stop();

  log('drift: a tunnel device made again by hand (same name and remote, a new index)');
  ip('-n', lab.lb, 'link', 'del', 'dev', victim);
  ip('-n', lab.lb, 'link', 'add', 'name', victim, 'type', 'ipip', 'remote', DSR_LAB.farBackend(0));
  ip('-n', lab.lb, 'link', 'set', 'dev', victim, 'up');
  result.remadeFound = await fresh.verify(state);
  const third = dataplane(lab.lb);
  await third.sync(state);
  result.remadeRepaired = await third.verify(state);

  log('destroy');
  await third.destroy();
  result.devicesAfterDestroy = ip('-n', lab.lb, '-o', 'link', 'show', 'type', 'ipip')
    .split('\n')
    .filter((l) => /nlt[0-9a-f]{8}/.test(l)).length;
} catch (e) {
  result.error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
} finally {
  await bird?.stop();
  lab.remove();
}
result.health = await tunnelHealthChecks(log);
console.log(`NLBKIT-RESULT ${JSON.stringify(result)}`);
