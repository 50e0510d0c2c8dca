/**
 * The measured cases and their interleaved schedule: every repetition runs every case once, in an order
 * that alternates direction (A B C, C B A, ...) so slow drift of the shared machine hits all targets alike.
 */

import { busySeconds, usPerRequest } from './cpu.js';
import type { BenchLab, Endpoint } from './lab.js';
import type { BenchOptions } from './options.js';
import { runSpread } from './spread.js';
import { runUdp } from './udp.js';
import { type LoadResult, runWrks } from './wrk.js';

/** How the client talks: HTTP keep-alive, a new TCP connection per request, or UDP datagrams. */
export type Mode = 'tcp-keepalive' | 'tcp-newconn' | 'udp';
/**
 * What the client aims at. `nlbkit` forwards by NAT, `dsr` by direct server return (replies bypass the
 * LB node), `nlbkit+ft` is nlbkit with the flowtable experiment on. `direct-pinned` (keep-alive x3
 * with the spread client only) is the old baseline's shape: client process i talks to backend i only.
 */
export type Target = 'direct' | 'direct-pinned' | 'nlbkit' | 'nlbkit+ft' | 'dsr' | 'haproxy';

/** The targets a run can select (`--targets`); `direct` is always measured: every ratio needs it. */
export const SELECTABLE_TARGETS = ['nlbkit', 'nlbkit+ft', 'dsr', 'haproxy'] as const;

/** One case: a mode, a target and a backend count. */
export interface Case {
  mode: Mode;
  target: Target;
  backends: 1 | 3;
}

/** The case's name in tables and JSON, e.g. `tcp-newconn nlbkit x3`. */
export const caseId = (c: Case) => `${c.mode} ${c.target} x${c.backends}`;

/** Every case of one repetition, in schedule order. */
export function allCases(opts: BenchOptions): Case[] {
  const out: Case[] = [];
  const wanted = (t: Target) => (opts.targets as readonly Target[]).includes(t);
  for (const mode of opts.modes) {
    for (const backends of [1, 3] as const) {
      const targets: Target[] = ['direct'];
      // Kept beside the spread baseline so the change of baseline shows in the same run.
      if (mode === 'tcp-keepalive' && backends === 3 && opts.keepaliveClient === 'spread') {
        targets.push('direct-pinned');
      }
      if (wanted('nlbkit')) targets.push('nlbkit');
      if (opts.flowtable && wanted('nlbkit+ft')) targets.push('nlbkit+ft');
      // dsr is offered for TCP here: the lab's UDP echo answers from the backend's own address.
      if (mode !== 'udp' && wanted('dsr')) targets.push('dsr');
      if (mode !== 'udp' && wanted('haproxy')) targets.push('haproxy');
      for (const target of targets) out.push({ mode, target, backends });
    }
  }
  return out;
}

/** The cases of the LB-CPU phase: the LB node's own packet work is compared for these targets. */
export function lbCpuCases(cases: Case[]): Case[] {
  return cases.filter((c) => c.target === 'direct' || c.target === 'nlbkit' || c.target === 'dsr');
}

/** Repetition `rep`'s order: forwards on even repetitions, backwards on odd ones. */
export function scheduleFor(cases: Case[], rep: number): Case[] {
  return rep % 2 === 0 ? cases : [...cases].reverse();
}

/** The client endpoints for one case: one per load process or socket group. */
function endpoints(lab: BenchLab, c: Case): Endpoint[] {
  if (c.mode === 'udp') {
    if (c.target === 'direct') return lab.udp.direct[c.backends];
    if (c.target === 'haproxy') throw new Error('HAProxy is measured for TCP only');
    return [lab.udp.nlbkit[c.backends]];
  }
  if (c.target === 'direct' || c.target === 'direct-pinned') return lab.tcp.direct[c.backends];
  if (c.target === 'haproxy') return [lab.tcp.haproxy[c.backends]];
  if (c.target === 'dsr') {
    if (!lab.tcp.dsr) throw new Error('the dsr NLBs were not built (--targets without dsr)');
    return [lab.tcp.dsr[c.backends]];
  }
  return [lab.tcp.nlbkit[c.backends]];
}

/** One case's load result and CPU per request during the load (switching excluded). */
export interface CaseResult {
  result: LoadResult;
  /** The whole machine's (client, LB node, backends). */
  cpuUsPerRequest: number;
  /**
   * The LB node's packet processing only (its NAPI threads), once `lab.threadNapi()` ran; NaN before
   * and for HAProxy (a process's work).
   */
  lbUsPerRequest: number;
}

/** Runs one case for `seconds`. */
export async function runCase(
  lab: BenchLab,
  c: Case,
  opts: BenchOptions,
  seconds: number,
): Promise<CaseResult> {
  const targets = endpoints(lab, c);
  if (c.target === 'nlbkit+ft') await lab.setFlowtable(true);
  try {
    const before = busySeconds();
    const lbBefore = lab.lbCpuSeconds();
    const result = await runLoad(lab, c, opts, targets, seconds);
    const lbAfter = lab.lbCpuSeconds();
    const lbKnown = lbBefore !== undefined && lbAfter !== undefined && c.target !== 'haproxy';
    return {
      result,
      cpuUsPerRequest: usPerRequest(before, busySeconds(), result.requests),
      lbUsPerRequest: lbKnown ? usPerRequest(lbBefore, lbAfter, result.requests) : Number.NaN,
    };
  } finally {
    if (c.target === 'nlbkit+ft') await lab.setFlowtable(false);
  }
}

async function runLoad(
  lab: BenchLab,
  c: Case,
  opts: BenchOptions,
  targets: Endpoint[],
  seconds: number,
): Promise<LoadResult> {
  if (c.mode === 'udp') {
    return runUdp(lab.topo.client.ns, lab.workdir, { targets, sockets: opts.udpSockets, seconds });
  }
  const spreadClient =
    c.mode === 'tcp-newconn' ? opts.newconnClient === 'spread' : opts.keepaliveClient === 'spread';
  if (spreadClient) {
    if (!lab.spreadLoad) throw new Error('the spread client was not built');
    return runSpread(lab.topo.client.ns, lab.spreadLoad, {
      targets,
      clients: opts.clients,
      connections: opts.connections,
      seconds,
      keepAlive: c.mode === 'tcp-keepalive',
      pinned: c.target === 'direct-pinned',
    });
  }
  // The same client for every target: `clients` wrk processes, spread over the targets in turn.
  const urls = Array.from({ length: opts.clients }, (_, i) => {
    const t = targets[i % targets.length]!;
    return `http://${t.host}:${t.port}/`;
  });
  return runWrks(lab.topo.client.ns, urls, {
    connections: opts.connections,
    seconds,
    newConnectionPerRequest: c.mode === 'tcp-newconn',
  });
}
