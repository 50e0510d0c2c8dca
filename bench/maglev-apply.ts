/**
 * How long a Maglev backend change takes to reach the kernel: one MAGLEV service with N backends and an
 * M-slot map, programmed by the nft data plane in a throwaway network namespace (deleted afterwards).
 * Run as root: `npm run bench:maglev-apply` (or `npx tsx bench/maglev-apply.ts`).
 *
 * - full: a fresh data plane's first sync, i.e. the whole table rewritten (all M map elements) in one
 *   `nft -f` transaction — what an agent does at start, after a failure, or if it had no diff.
 * - change: the incremental sync after removing one backend (then after adding it back): only the
 *   slots `diffMaglevTables` names are deleted and re-added, in one transaction.
 * - verify: the read-back the agent makes after every sync (`verify()`), timed after each sync above.
 *   `verify due` follows the full syncs: a data plane's first verify, and the first after a full
 *   sync, reads everything back, with dsr the slot maps too. `verify` follows the changes: with dsr
 *   the small maps only, the slot maps being due again only after `slotReadbackSeconds` (300 s).
 *   With nat both are the whole inet table.
 * Wall times are medians; CPU is split into our process (table build, layout, diff, rendering) and
 * the nft child (parsing and the kernel commit), so a loaded machine can be read too.
 * Env: BENCH_SIZES=65537,4093 (M)  BENCH_COUNTS=10,100,1000 (N)  BENCH_REPEATS=5.
 *      BENCH_FORWARDING=nat|dsr (default nat): dsr programs the dsr table's slot maps instead (issue
 *      21; a veth pair in the namespace stands for the client and backend sides).
 *      BENCH_SERVICES=K (default 1): K such services, of which the change touches one; the others'
 *      slots stay, and a change that rewrote every slot would show here as K times the work.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { BENCH_PREFIX, makeNamespace, nextLabId } from '../src/lab/lab-names.js';
import { missingLabRequirements } from '../src/lab/lab-preflight.js';
import { netnsExecutor } from '../src/native/executor/netns-executor.js';
import type { Executor } from '../src/native/executor/types.js';
import { buildMaglevTable, diffMaglevTables } from '../src/native/maglev/index.js';
import type { BackendSpec, Dataplane, NodeDataplaneState } from '../src/native/model.js';
import { createNftDataplane } from '../src/native/nft/nft-dataplane.js';

const SIZES = (process.env.BENCH_SIZES ?? '65537,4093').split(',').map(Number);
const COUNTS = (process.env.BENCH_COUNTS ?? '10,100,1000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const SEED = 0x6e6c626b;
const FORWARDING = process.env.BENCH_FORWARDING ?? 'nat';
const SERVICES = Number(process.env.BENCH_SERVICES ?? 1);
if (FORWARDING !== 'nat' && FORWARDING !== 'dsr') throw new Error('BENCH_FORWARDING must be nat or dsr');
if (!Number.isInteger(SERVICES) || SERVICES < 1 || SERVICES > 250) throw new Error('BENCH_SERVICES: 1-250');
const DSR = FORWARDING === 'dsr' ? { dsr: { ingress: ['up0'], egress: 'dn0' } } : {};

function backends(n: number): BackendSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `vm-${String(i).padStart(5, '0')}`,
    address: `172.${16 + (i >> 8)}.${i & 255}.1`,
    port: 8080,
    weight: 1,
  }));
}

/** SERVICES services on `all`, the first on `list` (the one a change touches). */
function state(list: BackendSpec[], all: BackendSpec[], size: number): NodeDataplaneState {
  return {
    hashSeed: SEED,
    maglevTableSize: size,
    services: Array.from({ length: SERVICES }, (_, k) => ({
      id: `lb${k}`,
      vip: `10.0.${k >> 8}.${(k & 255) + 1}`,
      family: 4 as const,
      protocol: 'tcp' as const,
      // dsr does not rewrite the packet: the service port is the backends' port.
      port: FORWARDING === 'dsr' ? 8080 : 80,
      algorithm: 'MAGLEV' as const,
      hashFields: 'FIVE_TUPLE' as const,
      snat: false,
      ...(FORWARDING === 'dsr' ? { forwarding: 'dsr' as const } : {}),
      backends: k === 0 ? list : all,
    })),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** CPU ms of waited-for children (nft), from /proc/self/stat cutime + cstime. */
function childCpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}
const jsCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Sample {
  wall: number;
  js: number;
  nft: number;
}
/** Times one operation: wall, our CPU, nft's CPU. */
async function timed(fn: () => Promise<unknown>): Promise<Sample> {
  const c0 = childCpuMs();
  const j0 = jsCpuMs();
  const t0 = performance.now();
  await fn();
  return { wall: performance.now() - t0, js: jsCpuMs() - j0, nft: childCpuMs() - c0 };
}
const summary = (xs: Sample[]) => ({
  wall: median(xs.map((x) => x.wall)),
  min: Math.min(...xs.map((x) => x.wall)),
  js: median(xs.map((x) => x.js)),
  nft: median(xs.map((x) => x.nft)),
});

/** verify(), which must find no difference. */
async function verified(dp: Dataplane, s: NodeDataplaneState): Promise<void> {
  const drift = await dp.verify(s);
  if (drift.length > 0) throw new Error(`kernel differs: ${drift.slice(0, 3).join('; ')}`);
}

async function measure(ex: Executor, n: number, size: number) {
  const all = backends(n);
  const full: Sample[] = [];
  const due: Sample[] = [];
  let dp = createNftDataplane({ executor: ex, ...DSR });
  for (let r = 0; r < REPEATS; r++) {
    // Clear the kernel first: a fresh instance adopts an unchanged table instead of rewriting it.
    await dp.destroy();
    dp = createNftDataplane({ executor: ex, ...DSR }); // a fresh instance on an empty table: a full write
    full.push(
      await timed(async () => {
        const res = await dp.sync(state(all, all, size));
        if (res.mode !== 'full') throw new Error(`expected a full sync, got ${res.mode}`);
      }),
    );
    due.push(await timed(() => verified(dp, state(all, all, size))));
  }
  const change: Sample[] = [];
  const verify: Sample[] = [];
  let slots = 0;
  let statements = 0;
  const base = buildMaglevTable(all, size, { seed: SEED });
  for (let r = 0; r < REPEATS; r++) {
    const victim = all[Math.floor((r * n) / REPEATS)]!;
    const without = all.filter((b) => b !== victim);
    slots += diffMaglevTables(base, buildMaglevTable(without, size, { seed: SEED })).length;
    for (const list of [without, all]) {
      change.push(
        await timed(async () => {
          const res = await dp.sync(state(list, all, size));
          if (res.mode !== 'incremental') throw new Error(`expected an incremental sync, got ${res.mode}`);
          statements += res.statements;
        }),
      );
      // The agent reads the kernel back after every sync: what that costs beside the change.
      verify.push(await timed(() => verified(dp, state(list, all, size))));
    }
  }
  await dp.destroy();
  return {
    full: summary(full),
    change: summary(change),
    verify: summary(verify),
    due: summary(due),
    slots: slots / REPEATS,
    statements: statements / change.length,
  };
}

async function main(): Promise<void> {
  const why = missingLabRequirements();
  if (why) {
    console.error(`bench:maglev-apply needs: ${why}`);
    process.exit(2);
  }
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `Maglev apply benchmark: ${SERVICES} MAGLEV service(s), ${FORWARDING}, medians of ${REPEATS} full syncs and ${2 * REPEATS} single-backend changes (load average at start: ${loadavg})`,
  );
  const header = [
    'N',
    'M',
    'slots changed',
    'elements deleted+added',
    'full ms (min)',
    'full CPU js+nft',
    'change ms (min)',
    'change CPU js+nft',
    'full/change',
    'verify ms (min)',
    'verify due ms (min)',
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---:').join('|')}|`);
  // Removed on Ctrl-C too (the lab remembers it), where the finally below would not run.
  const ns = makeNamespace(nextLabId(BENCH_PREFIX), 'mg');
  try {
    const ex = netnsExecutor(ns.name);
    if (FORWARDING === 'dsr') {
      const veth = await ex.run(['ip', 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'dn0']);
      if (veth.code !== 0) throw new Error(`ip link add: ${veth.stderr}`);
    }
    for (const size of SIZES) {
      for (const n of COUNTS) {
        if (n > size) continue;
        const m = await measure(ex, n, size);
        const f = m.full;
        const c = m.change;
        console.log(
          `| ${[
            n,
            size,
            `${Math.round(m.slots)} (${((100 * m.slots) / size).toFixed(2)}%)`,
            Math.round(m.statements),
            `${f.wall.toFixed(1)} (${f.min.toFixed(1)})`,
            `${f.js.toFixed(0)}+${f.nft.toFixed(0)}`,
            `${c.wall.toFixed(1)} (${c.min.toFixed(1)})`,
            `${c.js.toFixed(0)}+${c.nft.toFixed(0)}`,
            `${(f.wall / c.wall).toFixed(1)}x`,
            `${m.verify.wall.toFixed(1)} (${m.verify.min.toFixed(1)})`,
            `${m.due.wall.toFixed(1)} (${m.due.min.toFixed(1)})`,
          ].join(' | ')} |`,
        );
      }
    }
  } finally {
    ns.remove();
  }
  console.log(`node ${process.version}, ${os.cpus().length} CPUs`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
