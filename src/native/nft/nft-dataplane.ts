/**
 * The nftables {@link Dataplane}: lays out the desired state (nft-layout.ts), plans a full or
 * incremental transaction (nft-plan.ts), applies it with ONE `nft -f -`, and reads back for verify().
 * A new instance adopts a table that already holds exactly the desired state (an agent restart).
 */
import type { Executor } from '../executor/types.js';
import type { Dataplane, NodeDataplaneState, SyncResult } from '../model.js';
import { flowtableError, isNotFound, resultError, startError } from './nft-errors.js';
import { buildLayout, defaultMaglev, type Layout, type LayoutOptions, type MaglevFn } from './nft-layout.js';
import { planFull, planIncremental } from './nft-plan.js';
import { diffKernel, parseKernelTable } from './nft-readback.js';
import { readTableComment, tableComment } from './nft-table.js';
import { device, ident, renderError } from './nft-values.js';

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
  /**
   * An nftables flowtable on these devices (opt-in): packets of established load-balanced flows
   * (conntrack status DNAT) are forwarded from the devices' ingress, skipping routing and the
   * forward/postrouting hooks. Name every device that load-balanced traffic enters or leaves by; each
   * must exist when the agent syncs. Needs a kernel with CONFIG_NF_FLOW_TABLE_INET. Offloaded packets
   * bypass forward-hook firewall rules and counters after the flow's first packets. See
   * docs/native-dataplane.md#flowtable-opt-in-fast-path.
   */
  flowtable?: { devices: string[] };
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

/** The flowtable's devices, checked (each a safe device name, 1-16 of them) and sorted without repeats. */
export function flowtableDevices(devices: unknown): string[] {
  if (!Array.isArray(devices) || devices.length === 0 || devices.length > 16) {
    throw renderError('flowtable.devices must list 1-16 device names');
  }
  for (const d of devices) device(d as string);
  return [...new Set(devices as string[])].sort();
}

/**
 * Creates the nftables data plane for one LB node.
 *
 * @example
 * const dp = createNftDataplane({ executor: netnsExecutor('nlbk-lb1') });
 * const state: Parameters<typeof dp.sync>[0] = { hashSeed: 42, maglevTableSize: 251, services: [
 *   { id: 'web', vip: '10.99.0.1', family: 4, protocol: 'tcp', port: 80, algorithm: 'MAGLEV',
 *     hashFields: 'FIVE_TUPLE', snat: true,
 *     backends: [{ id: 'web1', address: '10.0.0.11', port: 8080, weight: 1 }] },
 * ] };
 * await dp.sync(state);
 * console.log(await dp.verify(state)); // []
 */
export function createNftDataplane(options: NftDataplaneOptions): Dataplane {
  const ex = options.executor;
  const opts: LayoutOptions = {
    tableName: ident(options.tableName ?? 'nlbkit'),
    snatMark: options.snatMark ?? DEFAULT_SNAT_MARK,
    maglev: options.maglev ?? defaultMaglev,
    roundRobin: options.roundRobin ?? 'shared',
    ...(options.flowtable ? { flowtable: flowtableDevices(options.flowtable.devices) } : {}),
  };
  if (opts.roundRobin !== 'shared' && opts.roundRobin !== 'per-service') {
    throw renderError(`roundRobin must be 'shared' or 'per-service'`);
  }
  const nft = options.nftCommand ?? 'nft';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const table = ['inet', opts.tableName];
  let kernel: KernelView | undefined;
  // Until the first sync: the kernel may already hold our table (the agent was restarted).
  let fresh = true;
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

  /**
   * The kernel view to adopt instead of rebuilding, or undefined. Adopted only when the table's comment
   * carries this layout's fingerprint and the read-back has no difference from `next` (the comparison
   * verify() makes: elements, chains with their hooks and rule counts, and nothing else in the table).
   * That is enough to know the rules themselves: a rule's text follows from its group's shape (family,
   * protocol, algorithm, hash fields, slot count, SNAT), which the chain name encodes, and from the
   * fingerprinted parameters (layout version, table name, hash seed, Maglev table size, SNAT mark,
   * round-robin mode); the fixed chains depend on these parameters only. Any doubt or error means a
   * full rebuild, as before.
   */
  const adoption = async (next: Layout): Promise<KernelView | undefined> => {
    try {
      // Terse text listing (no elements): the only listing of nft 1.0.6 that shows the table comment.
      const head = await run('sync', ['-t', 'list', 'table', ...table]);
      if (head.code !== 0 || readTableComment(head.stdout) !== tableComment(next)) return undefined;
      const r = await run('sync', ['-j', 'list', 'table', ...table]);
      if (r.code !== 0) return undefined;
      if (diffKernel(parseKernelTable(r.stdout), next, opts, 1).length > 0) return undefined;
      // No chain beyond the layout's: the kernel holds exactly the groups `next` declares.
      return { layout: next, groups: new Set(next.groups.keys()) };
    } catch {
      return undefined;
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
        // Only now (everything rendered, so bad input has already thrown): a fresh instance, whose plan
        // is the full rebuild, first looks for a table it can adopt as it is.
        if (fresh) {
          fresh = false;
          const adopted = await adoption(next);
          if (adopted) {
            kernel = adopted;
            return { mode: 'none', statements: 0 };
          }
        }
        if (plan.mode === 'none') {
          kernel = { layout: next, groups: plan.groups };
          return { mode: 'none', statements: 0 };
        }
        kernel = undefined; // until nft says yes: a failure means the next sync rebuilds everything
        const r = await run('sync', ['-f', '-'], plan.text);
        if (r.code !== 0)
          throw flowtableError(ex.where, opts.flowtable, r) ?? resultError(ex.where, 'sync', r);
        kernel = { layout: next, groups: plan.groups };
        return { mode: plan.mode, statements: plan.statements };
      }),

    verify: (state: NodeDataplaneState) =>
      serial(async () => {
        const layout = buildLayout(state, opts, lastLayout);
        const r = await run('verify', ['-j', 'list', 'table', ...table]);
        if (isNotFound(r)) return [`table ${table.join(' ')} is missing`];
        if (r.code !== 0) throw resultError(ex.where, 'verify', r);
        let kernelTable: ReturnType<typeof parseKernelTable>;
        try {
          kernelTable = parseKernelTable(r.stdout);
        } catch {
          // Our own table, yet unreadable: not known to be right, so rebuilt. nft 1.0.6 prints
          // truncated JSON (exit 0) for a table made dormant by hand.
          return [`table ${table.join(' ')}: its listing cannot be read (dormant?)`];
        }
        return diffKernel(kernelTable, layout, opts);
      }),

    destroy: () =>
      serial(async () => {
        kernel = undefined;
        fresh = false; // nothing left to adopt
        const r = await run('destroy', ['delete', 'table', ...table]);
        if (r.code !== 0 && !isNotFound(r)) throw resultError(ex.where, 'destroy', r);
      }),
  };
}
