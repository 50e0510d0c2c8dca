/**
 * How long programming N load balancers takes, nlbkit's layout against two baselines, in throwaway
 * network namespaces. Run as root: `npm run bench:program` (or `npx tsx bench/native-program.ts`).
 *
 * Columns: full load of N LBs (10 backends each, round robin, IPv4 TCP), then the change of one backend
 * of one LB among N. "chains" = one chain + one map per LB, one transaction; "naive" = one chain and
 * one rule (anonymous map) per LB, one `nft` call per object; its change = look up the rule handle,
 * `nft replace rule`. Wall-clock times; the machine may be shared, so the nlbkit full load is
 * also split into CPU time (our JS vs. the nft process, user+sys) below the table.
 * Env: BENCH_SIZES=10,1000,10000  BENCH_NAIVE_SAMPLE=10 (LBs timed at each end for extrapolation).
 */
import { readFileSync } from 'node:fs';
import { BENCH_PREFIX, makeNamespace, nextLabId } from '../src/lab/lab-names.js';
import { missingLabRequirements } from '../src/lab/lab-preflight.js';
import { netnsExecutor } from '../src/native/executor/netns-executor.js';
import type { Executor } from '../src/native/executor/types.js';
import type { NodeDataplaneState, ServiceSpec } from '../src/native/model.js';
import { createNftDataplane } from '../src/native/nft/nft-dataplane.js';
import { changeChains, changeNaive, fillNaive, loadChains, loadNaive } from './native-program-baselines.js';

const SIZES = (process.env.BENCH_SIZES ?? '10,1000,10000').split(',').map(Number);
const SAMPLE = Number(process.env.BENCH_NAIVE_SAMPLE ?? 10);
const CHANGES = 7;
const FULL_REPEATS = 3;
const VERIFIES = 5;

/** N LBs of 10 backends. */
function lbs(n: number): ServiceSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `lb${i}`,
    vip: `10.${(i >> 8) & 255}.${i & 255}.1`,
    family: 4,
    protocol: 'tcp',
    port: 80,
    algorithm: 'ROUND_ROBIN',
    hashFields: 'SOURCE_IP',
    snat: false,
    backends: Array.from({ length: 10 }, (_, j) => ({
      id: `vm${j}`,
      address: `172.16.${j}.${(i % 250) + 1}`,
      port: 8080,
      weight: 1,
    })),
  }));
}

const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** CPU seconds of waited-for children (nft), from /proc/self/stat cutime + cstime. */
function childCpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) * 10; // fields 16 and 17, in 1/100 s
}
const jsCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function inNamespace<T>(fn: (ex: Executor) => Promise<T>): Promise<T> {
  const ns = makeNamespace(nextLabId(BENCH_PREFIX), 'dp');
  try {
    return await fn(netnsExecutor(ns.name));
  } finally {
    ns.remove();
  }
}

interface Row {
  n: number;
  full: number;
  change: number;
  jsCpu: number;
  nftCpu: number;
  /** verify() of the loaded table (an agent's every reconcile): median wall time and our JS CPU. */
  verify: number;
  verifyJs: number;
  chainsFull: number;
  chainsChange: number;
  naiveFull: number;
  naiveExtrapolated: boolean;
  naiveChange: number;
}

async function measureNlbkit(
  n: number,
): Promise<Pick<Row, 'full' | 'change' | 'jsCpu' | 'nftCpu' | 'verify' | 'verifyJs'>> {
  return inNamespace(async (ex) => {
    const services = lbs(n);
    const state: NodeDataplaneState = { services, hashSeed: 1, maglevTableSize: 251 };
    let full = Number.POSITIVE_INFINITY;
    let jsCpu = 0;
    let nftCpu = 0;
    for (let r = 0; r < FULL_REPEATS; r++) {
      // A fresh data plane on an empty kernel: its first sync is the full load (a node's first start;
      // a restart over an unchanged table adopts it instead). Timed with the adoption probe included.
      const dp = createNftDataplane({ executor: ex });
      const [c0, j0, t0] = [childCpuMs(), jsCpuMs(), now()];
      if ((await dp.sync(state)).mode !== 'full') throw new Error('expected a full sync');
      const t = now() - t0;
      if (t < full) [full, jsCpu, nftCpu] = [t, jsCpuMs() - j0, childCpuMs() - c0];
      await dp.destroy();
    }
    const dp = createNftDataplane({ executor: ex });
    await dp.sync(state);
    const times: number[] = [];
    for (let k = 0; k < CHANGES; k++) {
      services[n >> 1]!.backends[3]!.address = `172.17.${k}.1`;
      const t0 = now();
      const r = await dp.sync(state);
      times.push(now() - t0);
      if (r.mode !== 'incremental' || r.statements !== 2) throw new Error(`unexpected ${JSON.stringify(r)}`);
    }
    const verifies: number[] = [];
    const verifyJs: number[] = [];
    for (let k = 0; k < VERIFIES; k++) {
      const [j0, t0] = [jsCpuMs(), now()];
      const drift = await dp.verify(state);
      verifies.push(now() - t0);
      verifyJs.push(jsCpuMs() - j0);
      if (drift.length) throw new Error(`verify after the bench: ${drift.join('; ')}`);
    }
    return {
      full,
      change: median(times),
      jsCpu,
      nftCpu,
      verify: median(verifies),
      verifyJs: median(verifyJs),
    };
  });
}

async function measureChains(n: number): Promise<Pick<Row, 'chainsFull' | 'chainsChange'>> {
  return inNamespace(async (ex) => {
    const services = lbs(n);
    const t0 = now();
    await loadChains(ex, services, 0, n);
    const chainsFull = now() - t0;
    const times: number[] = [];
    for (let k = 0; k < CHANGES; k++) {
      const t = now();
      await changeChains(ex, n >> 1, 3, `172.17.${k}.1`, 8080);
      times.push(now() - t);
    }
    return { chainsFull, chainsChange: median(times) };
  });
}

/**
 * Naive full load: exact when n <= 2 * SAMPLE. Otherwise SAMPLE LBs are timed on an empty table and
 * SAMPLE more once n - SAMPLE are loaded (in one transaction, untimed); since each call's cost grows
 * with the table, the estimate is n x the mean of the two per-LB costs (trapezoid).
 */
async function measureNaive(
  n: number,
): Promise<Pick<Row, 'naiveFull' | 'naiveExtrapolated' | 'naiveChange'>> {
  return inNamespace(async (ex) => {
    const services = lbs(n);
    let naiveFull: number;
    const extrapolated = n > 2 * SAMPLE;
    if (!extrapolated) {
      const t0 = now();
      await loadNaive(ex, services, 0, n);
      naiveFull = now() - t0;
    } else {
      let t0 = now();
      await loadNaive(ex, services, 0, SAMPLE);
      const early = (now() - t0) / SAMPLE;
      await fillNaive(ex, services, SAMPLE, n - SAMPLE);
      t0 = now();
      await loadNaive(ex, services, n - SAMPLE, n);
      const late = (now() - t0) / SAMPLE;
      naiveFull = (n * (early + late)) / 2;
    }
    const times: number[] = [];
    const target = services[n >> 1]!;
    for (let k = 0; k < CHANGES; k++) {
      target.backends[3]!.address = `172.17.${k}.1`;
      // Finding the rule's handle is part of the naive change: a script must look it up too.
      const t = now();
      await changeNaive(ex, n >> 1, target);
      times.push(now() - t);
    }
    return { naiveFull, naiveExtrapolated: extrapolated, naiveChange: median(times) };
  });
}

const s = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const pad = (x: string, w: number) => x.padStart(w);

async function main(): Promise<void> {
  const why = missingLabRequirements();
  if (why) {
    console.error(`bench:program needs: ${why}`);
    process.exit(2);
  }
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`nft data-plane programming benchmark (load average at start: ${loadavg})`);
  const rows: Row[] = [];
  for (const n of SIZES) {
    const row = { n, ...(await measureNlbkit(n)), ...(await measureChains(n)), ...(await measureNaive(n)) };
    rows.push(row);
    console.error(`  measured ${n} LBs: ${JSON.stringify(row)}`);
  }
  const base = rows[0]!;
  const head = [
    'LBs',
    'nlbkit full',
    'nlbkit change',
    'chg/chg@min',
    'chains full',
    'chains change',
    'naive full',
    'naive change',
    'naive/nlbkit full',
    'naive/nlbkit chg',
  ];
  const w = head.map((h) => Math.max(h.length, 10));
  console.log(head.map((h, i) => pad(h, w[i]!)).join('  '));
  for (const r of rows) {
    const cells = [
      String(r.n),
      s(r.full),
      s(r.change),
      `${(r.change / base.change).toFixed(2)}x`,
      s(r.chainsFull),
      s(r.chainsChange),
      `${r.naiveExtrapolated ? '~' : ''}${s(r.naiveFull)}`,
      s(r.naiveChange),
      `${(r.naiveFull / r.full).toFixed(1)}x`,
      `${(r.naiveChange / r.change).toFixed(1)}x`,
    ];
    console.log(cells.map((c, i) => pad(c, w[i]!)).join('  '));
  }
  console.log(
    '\nnlbkit full load, CPU time of the fastest run (the rest of the wall time is waiting for a core):',
  );
  for (const r of rows)
    console.log(
      `  ${pad(String(r.n), 6)} LBs: our JS ${s(r.jsCpu)}, nft ${s(r.nftCpu)} (user+sys, 10 ms ticks)`,
    );
  console.log(`\nnlbkit verify() of the loaded table (every reconcile), median of ${VERIFIES}:`);
  for (const r of rows)
    console.log(`  ${pad(String(r.n), 6)} LBs: ${s(r.verify)} wall, our JS ${s(r.verifyJs)} CPU`);
  console.log(
    `\n~ = extrapolated from ${SAMPLE} LBs timed on an empty table and ${SAMPLE} on a nearly full one.`,
  );
}

await main();
