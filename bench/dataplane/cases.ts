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
/** What the client aims at. `nlbkit+ft` is nlbkit with the flowtable experiment on. */
export type Target = 'direct' | 'nlbkit' | 'nlbkit+ft' | 'haproxy';

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
  for (const mode of opts.modes) {
    for (const backends of [1, 3] as const) {
      const targets: Target[] = ['direct', 'nlbkit'];
      if (opts.flowtable) targets.push('nlbkit+ft');
      if (mode !== 'udp') targets.push('haproxy');
      for (const target of targets) out.push({ mode, target, backends });
    }
  }
  return out;
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
  if (c.target === 'direct') return lab.tcp.direct[c.backends];
  if (c.target === 'haproxy') return [lab.tcp.haproxy[c.backends]];
  return [lab.tcp.nlbkit[c.backends]];
}

/** One case's load result and the machine's CPU per request during the load (switching excluded). */
export interface CaseResult {
  result: LoadResult;
  cpuUsPerRequest: number;
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
    const result = await runLoad(lab, c, opts, targets, seconds);
    return { result, cpuUsPerRequest: usPerRequest(before, busySeconds(), result.requests) };
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
  if (c.mode === 'tcp-newconn' && lab.spreadLoad) {
    return runSpread(lab.topo.client.ns, lab.spreadLoad, {
      targets,
      clients: opts.clients,
      connections: opts.connections,
      seconds,
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
