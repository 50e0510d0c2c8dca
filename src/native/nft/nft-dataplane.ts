/**
 * The nftables {@link Dataplane}: lays out the desired state (nft-layout.ts), plans a full or
 * incremental transaction (nft-plan.ts), applies it with ONE `nft -f -`, and reads back for verify().
 */
import type { Executor } from '../executor/types.js';
import type { Dataplane, NodeDataplaneState, SyncResult } from '../model.js';
import { isNotFound, resultError, startError } from './nft-errors.js';
import { buildLayout, defaultMaglev, type Layout, type LayoutOptions, type MaglevFn } from './nft-layout.js';
import { planFull, planIncremental } from './nft-plan.js';
import { diffKernel, parseKernelTable } from './nft-readback.js';
import { ident, renderError } from './nft-values.js';

/** Default packet-mark bit that tells postrouting to masquerade a flow (SNAT services). */
export const DEFAULT_SNAT_MARK = 0x20000000;

/** Options of {@link createNftDataplane}. */
export interface NftDataplaneOptions {
  /** Where `nft` runs: {@link localExecutor}, {@link netnsExecutor}, {@link sshExecutor} or a fake. */
  executor: Executor;
  /** The table nlbkit owns, in family inet (default `nlbkit`). Nothing outside it is touched. */
  tableName?: string;
  /** Packet-mark bit for SNAT services (default 0x20000000); pick one your routing rules do not use. */
  snatMark?: number;
  /**
   * Round-robin counters: 'shared' (default) — one per group of same-shaped services, scales to any
   * number of LBs; 'per-service' — one chain per round-robin service, strict alternation per LB. See
   * docs/native-dataplane.md.
   */
  roundRobin?: 'shared' | 'per-service';
  /** Maglev table builder (default: src/native/maglev). */
  maglev?: MaglevFn;
  /** The nft binary (default `nft`, found on PATH). */
  nftCommand?: string;
  /** Milliseconds one nft run may take (default 60 000). */
  timeoutMs?: number;
}

/** What the kernel holds after the last successful sync; absent after a failure or destroy. */
interface KernelView {
  layout: Layout;
  groups: Set<string>;
}

/**
 * Creates the nftables data plane for one LB node.
 *
 * @example
 * const dp = createNftDataplane({ executor: netnsExecutor('nlbk-lb1') });
 * await dp.sync({ services: [...], hashSeed: 42, maglevTableSize: 251 });
 * console.log(await dp.verify(state)); // []
 */
export function createNftDataplane(options: NftDataplaneOptions): Dataplane {
  const ex = options.executor;
  const opts: LayoutOptions = {
    tableName: ident(options.tableName ?? 'nlbkit'),
    snatMark: options.snatMark ?? DEFAULT_SNAT_MARK,
    maglev: options.maglev ?? defaultMaglev,
    roundRobin: options.roundRobin ?? 'shared',
  };
  if (opts.roundRobin !== 'shared' && opts.roundRobin !== 'per-service') {
    throw renderError(`roundRobin must be 'shared' or 'per-service'`);
  }
  const nft = options.nftCommand ?? 'nft';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const table = ['inet', opts.tableName];
  let kernel: KernelView | undefined;
  // The last layout built, applied or not: its per-service results are reused when a service is unchanged.
  let lastLayout: Layout | undefined;
  // One operation at a time: a sync planned against a view another sync is changing would be wrong.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };

  const run = async (operation: string, argv: string[], stdin?: string) => {
    try {
      return await ex.run([nft, ...argv], { stdin, timeoutMs });
    } catch (e) {
      throw startError(ex.where, operation, e);
    }
  };

  return {
    sync: (state: NodeDataplaneState) =>
      serial(async (): Promise<SyncResult> => {
        // Validation and rendering both happen here, before anything is spawned.
        const next = buildLayout(state, opts, kernel?.layout ?? lastLayout);
        lastLayout = next;
        const full = !kernel || kernel.layout.signature !== next.signature;
        const plan =
          full || !kernel ? planFull(next, opts) : planIncremental(kernel.layout, kernel.groups, next, opts);
        if (plan.mode === 'none') {
          kernel = { layout: next, groups: plan.groups };
          return { mode: 'none', statements: 0 };
        }
        kernel = undefined; // until nft says yes: a failure means the next sync rebuilds everything
        const r = await run('sync', ['-f', '-'], plan.text);
        if (r.code !== 0) throw resultError(ex.where, 'sync', r);
        kernel = { layout: next, groups: plan.groups };
        return { mode: plan.mode, statements: plan.statements };
      }),

    verify: (state: NodeDataplaneState) =>
      serial(async () => {
        const layout = buildLayout(state, opts, lastLayout);
        const r = await run('verify', ['-j', 'list', 'table', ...table]);
        if (isNotFound(r)) return [`table ${table.join(' ')} is missing`];
        if (r.code !== 0) throw resultError(ex.where, 'verify', r);
        return diffKernel(parseKernelTable(r.stdout), layout, opts);
      }),

    destroy: () =>
      serial(async () => {
        kernel = undefined;
        const r = await run('destroy', ['delete', 'table', ...table]);
        if (r.code !== 0 && !isNotFound(r)) throw resultError(ex.where, 'destroy', r);
      }),
  };
}
