/**
 * The change check: steady load on the three-backend NLB (new connections and keep-alive connections)
 * while backends are removed and added back through the public API; every failed connection counts.
 */
import type { BenchLab } from './lab.js';
import type { BenchOptions } from './options.js';
import { type Spread, spread } from './stats.js';
import { combine, type LoadResult, parseWrk, startWrk } from './wrk.js';

/** What the change check saw. */
export interface ChurnResult {
  operations: number;
  /** Wall time of each API call (ms): removeVMs / addVMs returns once the agent has applied it. */
  opMs: Spread;
  /** The load during the changes: new connection per request and keep-alive, summed. */
  newConn: LoadResult;
  keepAlive: LoadResult;
  /** Socket errors and non-2xx answers over both loads. */
  errors: number;
}

/** Removes and re-adds backends `ops` times (alternately, rotating over the VMs) under load. */
export async function runChurn(lab: BenchLab, opts: BenchOptions): Promise<ChurnResult> {
  const vip = lab.tcp.nlbkit[3];
  const url = `http://${vip.host}:${vip.port}/`;
  // Bounded: wrk stops by itself after this long even if the operations hang.
  const seconds = 120;
  const ns = lab.topo.client.ns;
  const newConn = Array.from({ length: Math.max(1, opts.clients - 1) }, () =>
    startWrk(ns, { url, connections: opts.connections, seconds, newConnectionPerRequest: true }),
  );
  const keepAlive = startWrk(ns, {
    url,
    connections: opts.connections,
    seconds,
    newConnectionPerRequest: false,
  });
  const all = [...newConn, keepAlive];
  const times: number[] = [];
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const names = lab.topo.backends.map((b) => b.name);
    for (let i = 0; i < opts.churnOps; i++) {
      const vm = names[Math.floor(i / 2) % names.length]!;
      const t0 = performance.now();
      if (i % 2 === 0) await lab.driver.removeVMs(lab.threeId, [{ nameId: vm }]);
      else await lab.driver.addVMs(lab.threeId, [{ nameId: vm }]);
      times.push(performance.now() - t0);
    }
    // Put back a VM left removed by an odd operation count.
    if (opts.churnOps % 2 === 1) {
      const vm = names[Math.floor((opts.churnOps - 1) / 2) % names.length]!;
      await lab.driver.addVMs(lab.threeId, [{ nameId: vm }]);
    }
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    for (const p of all) p.interrupt('SIGINT');
  }
  const outs = await Promise.all(all.map((p) => p.done));
  const parsed = outs.map((o) => parseWrk(o.stdout));
  const nc = combine(parsed.slice(0, newConn.length));
  const ka = parsed[parsed.length - 1]!;
  return {
    operations: opts.churnOps,
    opMs: spread(times),
    newConn: nc,
    keepAlive: ka,
    errors: nc.errors + ka.errors,
  };
}
