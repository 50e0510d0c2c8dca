/**
 * Runs INSIDE the test VM (Debian's kernel has IPVS and ipip), started by ipvs-forwarding.vm.test.ts:
 * the IPVS data plane's direct routing (`dsr`, on the dsr lab: backends on the LB nodes' segment,
 * prepared by `setupBackend(..., mode 'dsr')`) and IPIP tunnelling (`tunnel`, on the dsr lab's
 * tunnel shape: backends on another subnet behind a router, prepared by `setupBackend(..., mode
 * 'tunnel')`) with two LB nodes behind a multipath route, under long-lived connections. One boot
 * runs both. Prints one line `NLBKIT-RESULT <json>`.
 */
import { execFileSync } from 'node:child_process';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import { createIpvsDataplane } from '../../src/native/ipvs/ipvs-dataplane.js';
import { parseIpvsList } from '../../src/native/ipvs/ipvs-readback.js';
import type { NodeDataplaneState } from '../../src/native/model.js';
import { bothNodes, buildDsrLab, DSR_LAB, type DsrLab, type Greeting, labState } from '../native/dsr-lab.js';
import { LOAD_CLIENT, type LoadStats } from '../native/dsr-load.js';

/** Long-lived connections, each exchanging a line every ~20 ms (the echo first). */
export const CONNECTIONS = Number(process.env.NLBKIT_IPVS_CONNECTIONS ?? 200);

const log = (line: string) => console.log(`guest: ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const inNs = (ns: string, ...argv: string[]) =>
  execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', stdio: 'pipe' }).trim();
/** Seconds per phase: under CPU emulation one echo round over every connection took up to ~7 s. */
const PHASE_MS = 10_000;
const counter = (ns: string, name: string) =>
  Number(inNs(ns, 'cat', `/sys/class/net/up0/statistics/${name}`));

/** The lab's service forwarded by `mode`, over backends `b<n>`. */
const forwarded = (mode: 'dsr' | 'tunnel', backends: number[]): NodeDataplaneState => {
  const state = labState('dsr', backends);
  // The tunnel lab's backends live on their own subnet.
  const address = (n: number) => (mode === 'dsr' ? DSR_LAB.backend(n) : DSR_LAB.farBackend(n));
  return {
    ...state,
    services: state.services.map((s) => ({
      ...s,
      forwarding: mode,
      backends: s.backends.map((b, i) => ({ ...b, address: address(backends[i]!) })),
    })),
  };
};

async function scenario(mode: 'dsr' | 'tunnel', lab: DsrLab): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const n of [0, 1, 2]) await lab.startServer(n);
  const nodes = [lab.lb, lab.lb2!];
  for (const ns of nodes) {
    // IPVS serves the VIP from the node's local input: the node must hold it.
    ip('-n', ns, 'addr', 'add', `${DSR_LAB.vip}/32`, 'dev', 'lo');
    inNs(ns, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.up0.rp_filter=0');
  }
  const dps = nodes.map((ns) =>
    createIpvsDataplane({ executor: netnsExecutor(ns), ownedRanges: [`${DSR_LAB.vip}/32`] }),
  );
  const syncAll = async (backends: number[]) => {
    for (const dp of dps) await dp.sync(forwarded(mode, backends));
  };
  const service = (ns: string) =>
    parseIpvsList(inNs(ns, 'ipvsadm', '-L', '-n', '--exact', '--nosort')).get(
      `tcp ${DSR_LAB.vip}:${DSR_LAB.port}`,
    );
  const lists = () =>
    nodes.map((ns) =>
      [...(service(ns)?.dests.values() ?? [])].map((d) => `${d.endpoint} ${d.forward} ${d.weight}`),
    );

  log(`${mode}: sync`);
  await syncAll([0, 1]);
  out.sloppy = nodes.map((ns) => inNs(ns, 'sysctl', '-n', 'net.ipv4.vs.sloppy_tcp'));
  out.scheduler = nodes.map((ns) => `${service(ns)?.scheduler} ${service(ns)?.flags.join(',')}`);
  out.initial = lists();

  log(`${mode}: greetings`);
  const probe = await lab.startClient();
  const greetings = await probe.ask<(Greeting | null)[]>('open 8');
  probe.stop();
  const ok = greetings.filter((g): g is Greeting => g !== null);
  out.greetings = {
    failed: greetings.length - ok.length,
    backends: [...new Set(ok.map((g) => g.backend))].sort(),
    // Backends see the client's own address; the client sees the VIP answer.
    clientKept: ok.every((g) => g.client === DSR_LAB.client || g.client === DSR_LAB.client2),
    fromVip: ok.every((g) => g.peer === DSR_LAB.vip && g.local === DSR_LAB.vip),
  };

  log(`${mode}: ${CONNECTIONS} connections`);
  const client = await lab.startClient(LOAD_CLIENT);
  // In batches of 50: one ask must answer within 30 s, and a slow connect may take 15 s under emulation.
  let opened = 0;
  for (let i = 0; i < CONNECTIONS; i += 50)
    opened += (await client.ask<{ ok: number }>(`open ${Math.min(50, CONNECTIONS - i)}`)).ok;
  out.opened = opened;
  await client.ask<LoadStats>('stats');
  const rx = nodes.map((ns) => counter(ns, 'rx_packets'));
  const tx = nodes.map((ns) => counter(ns, 'tx_packets'));
  await sleep(PHASE_MS);
  const phases: Record<string, LoadStats> = {};
  phases.steady = await client.ask<LoadStats>('stats');
  // Both nodes carried client traffic; replies never crossed them (their client-side links send ~nothing).
  out.nodeRx = nodes.map((ns, i) => counter(ns, 'rx_packets') - rx[i]!);
  out.nodeTx = nodes.map((ns, i) => counter(ns, 'tx_packets') - tx[i]!);

  log(`${mode}: node dies`);
  ip('-n', lab.client, 'route', 'replace', `${DSR_LAB.vip}/32`, 'via', DSR_LAB.lb2Up, 'dev', 'up1');
  ip('-n', lab.lb, 'link', 'set', 'up0', 'down');
  ip('-n', lab.lb, 'link', 'set', 'dn0', 'down');
  await sleep(PHASE_MS);
  phases.death = await client.ask<LoadStats>('stats');

  log(`${mode}: node returns`);
  ip('-n', lab.lb, 'link', 'set', 'up0', 'up');
  ip('-n', lab.lb, 'link', 'set', 'dn0', 'up');
  // The cut link took the node's route to the backends' subnet with it.
  if (mode === 'tunnel')
    ip('-n', lab.lb, 'route', 'replace', DSR_LAB.farSubnet, 'via', DSR_LAB.routerOnSegment);
  ip('-n', lab.client, 'route', 'replace', `${DSR_LAB.vip}/32`, ...bothNodes);
  await sleep(PHASE_MS);
  phases.back = await client.ask<LoadStats>('stats');

  log(`${mode}: backend added`);
  await syncAll([0, 1, 2]);
  await sleep(PHASE_MS);
  phases.added = await client.ask<LoadStats>('stats');
  out.afterAdd = lists();
  out.verify = await Promise.all(dps.map((dp) => dp.verify(forwarded(mode, [0, 1, 2]))));

  log(`${mode}: backend drained`);
  // New connections, some on b2; b2 then leaves: drained at weight 0, its connections go on.
  const held = await lab.startClient();
  const heldGreetings = await held.ask<(Greeting | null)[]>('open 10');
  out.heldOnB2 = heldGreetings.filter((g) => g?.backend === 'b2').length;
  await syncAll([0, 1]);
  await sleep(PHASE_MS);
  out.heldEchoed = (await held.ask<boolean[]>('ping')).filter(Boolean).length;
  out.afterDrain = lists();
  phases.drained = await client.ask<LoadStats>('stats');
  held.stop();
  client.stop();
  out.phases = phases;
  for (const [phase, s] of Object.entries(phases))
    log(
      `${mode} ${phase}: broken ${s.broken}/${CONNECTIONS}, alive ${s.alive}, p99 stall ${s.p99} ms, max ${s.max} ms`,
    );
  return out;
}

const result: Record<string, unknown> = { connections: CONNECTIONS };
try {
  execFileSync('modprobe', ['-a', 'ip_vs', 'ip_vs_mh', 'ipip'], { stdio: 'pipe' });
  for (const mode of ['dsr', 'tunnel'] as const) {
    // The tunnel lab's namespaces must be made after ipip is loaded: each then gets a tunl0.
    const lab = await buildDsrLab(3, 2, mode);
    try {
      result[mode] = await scenario(mode, lab);
    } finally {
      lab.remove();
    }
  }
} catch (e) {
  result.error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
} finally {
  console.log(`NLBKIT-RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}
