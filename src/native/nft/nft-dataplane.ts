/**
 * The nftables {@link Dataplane}: lays out the desired state (nft-layout.ts), plans a full or
 * incremental transaction (nft-plan.ts), applies it with ONE `nft -f -`, and reads back for verify().
 * A new instance adopts a table that already holds exactly the desired state (an agent restart).
 */

import { flowtableError, isNotFound, resultError, startError } from '../dataplane/dataplane-errors.js';
import { device, ident, renderError } from '../dataplane/dataplane-values.js';
import type { Executor } from '../executor/types.js';
import type { Dataplane, NodeDataplaneState, SyncResult } from '../model.js';
import {
  type DsrDevices,
  type DsrElements,
  dsrDevices,
  dsrSignature,
  renderDsrDelta,
  renderDsrElements,
  renderDsrSkeleton,
  sameDsrElements,
} from './nft-dsr.js';
import {
  DSR_SLOT_MAPS,
  DSR_SMALL_MAPS,
  type DsrListings,
  type DsrMap,
  diffDsrListings,
  listedComment,
  slotReadbackDue,
} from './nft-dsr-readback.js';
import { buildLayout, defaultMaglev, type Layout, type LayoutOptions, type MaglevFn } from './nft-layout.js';
import { planFull, planIncremental } from './nft-plan.js';
import { diffKernel, parseKernelTable } from './nft-readback.js';
import { readTableComment, tableComment } from './nft-table.js';
import {
  planTunnelDevices,
  rebornTunnels,
  TUNNEL_CHAIN,
  type TunnelDevices,
  tunnelDevices,
} from './nft-tunnel.js';
import { planTunnels, readTunnelDevices, removeTunnelDevices, runTunnelSteps } from './nft-tunnel-devices.js';

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
  /**
   * Direct server return (issue 21): services with `forwarding: 'dsr'` are forwarded unchanged to their
   * backends from the ingress of `ingress` (the devices client traffic arrives on) out of `egress` (the
   * segment the backends share with this node), in `table netdev <tableName>`. Without it the data
   * plane offers `nat` only and a dsr service fails the sync. See docs/native-forwarding.md.
   */
  dsr?: { ingress: string[]; egress: string };
  /**
   * Tunnel forwarding (issue 21): services with `forwarding: 'tunnel'` are chosen as dsr ones (same
   * table, Maglev slots and pins) from the ingress of `ingress`, then sent IPIP-encapsulated to the
   * backend through an ipip device per backend (`nlt` + the backend's address in hex; nlbkit owns
   * every device so named, so one tunnel data plane per network namespace). Needs the kernel's ipip
   * module. Without it the data plane does not offer `tunnel` and a tunnel service fails the sync
   * before anything changes. See docs/native-forwarding.md.
   */
  tunnel?: { ingress: string[] };
  /**
   * Seconds between read-backs of the dsr/tunnel table's slot maps by verify() (default 300). The slot
   * maps hold one element per Maglev slot per service, and reading them is most of verify's time
   * (~20 s for eight 65,537-slot services, and nft 1.0.6 loads them for any listing of the table or
   * of a chain). Every verify reads the stamp (as dsr4's comment), the small maps (dispatch, backend
   * hops, live marks) and the ipip devices; when due it also counts the slot maps' elements and reads
   * the table's own stamp and the chain tun's targets. Due: on this instance's first verify, on the
   * first verify after a sync that was `full` or failed, and when the last clean read-back of the slot
   * maps is this many seconds old. 0: on every verify. Ignored without `dsr` and `tunnel`. See
   * docs/native-forwarding.md.
   */
  slotReadbackSeconds?: number;
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

/** The services of each table: nat in the inet table, dsr and tunnel in the netdev one. */
function byForwarding(state: NodeDataplaneState) {
  const nat: NodeDataplaneState['services'] = [];
  const dsr: NodeDataplaneState['services'] = [];
  for (const s of state.services) (s.forwarding === 'dsr' || s.forwarding === 'tunnel' ? dsr : nat).push(s);
  return { nat: nat.length === state.services.length ? state : { ...state, services: nat }, dsr };
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
  const dsr: DsrDevices | undefined = options.dsr ? dsrDevices(options.dsr) : undefined;
  const tunnel: TunnelDevices | undefined = options.tunnel ? tunnelDevices(options.tunnel) : undefined;
  const slotReadbackS = options.slotReadbackSeconds ?? 300;
  if (typeof slotReadbackS !== 'number' || !Number.isFinite(slotReadbackS) || slotReadbackS < 0)
    throw renderError('slotReadbackSeconds must be a number of seconds, 0 or more');
  // When (performance.now()) the slot maps last read back clean; undefined: due at the next verify.
  let slotsReadAt: number | undefined;
  // The ipip devices' indexes when the chain tun was last loaded (its rules hold indexes, not names).
  let tunnelBound: Map<string, number> | undefined;
  const dsrTable = ['netdev', opts.tableName];
  // The dsr table's stamp known to be in the kernel, and the elements it holds (undefined: unknown).
  let dsrKernel: { stamp: string; elements: DsrElements } | undefined;
  // The last dsr rendering, applied or not: unchanged services' Maglev slots are reused from it.
  let lastDsr: DsrElements | undefined;
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

  /** The dsr elements and stamp for `services` (rendered, so bad input throws before anything runs). */
  const planDsr = (services: NodeDataplaneState['services'], state: NodeDataplaneState) => {
    for (const s of services) {
      if (s.forwarding === 'dsr' && !dsr)
        throw renderError(
          `service ${s.id} asks for dsr forwarding, but this data plane has no dsr devices (agent --dsr-ingress/--dsr-egress)`,
        );
      if (s.forwarding === 'tunnel' && !tunnel)
        throw renderError(
          `service ${s.id} asks for tunnel forwarding, but this data plane has no tunnel devices (agent --tunnel-ingress)`,
        );
    }
    if (!dsr && !tunnel) return undefined;
    const stamp = tableComment({ signature: dsrSignature(opts.tableName, dsr, state, tunnel) });
    const elements = renderDsrElements(
      opts.tableName,
      services,
      state,
      opts.maglev,
      tunnel !== undefined,
      lastDsr,
    );
    lastDsr = elements;
    return { stamp, state, elements };
  };

  /**
   * What the dsr table needs: nothing when the kernel holds these elements under this stamp; the
   * difference from what this instance applied last (the pins kept); all the elements when the table
   * has this stamp but its elements are not known (a new instance, or one after a failure); else the
   * whole table again.
   */
  const dsrScript = async (p: NonNullable<ReturnType<typeof planDsr>>, devicesChanged: boolean) => {
    // A (re-)created tunnel device has a new ifindex: the rules naming it must be loaded again (the
    // delta reloads the chain tun whole).
    if (dsrKernel?.stamp === p.stamp) {
      if (sameDsrElements(dsrKernel.elements, p.elements) && !devicesChanged) return undefined;
      return { ...renderDsrDelta(dsrKernel.elements, p.elements), full: false };
    }
    // A restarted agent (or one after a failure) keeps the table, and its pins, when the stamp matches.
    // dsr4's comment is the stamp: listing the table would load every slot (18 s at 524,296).
    const head = await run('sync', ['-j', 'list', 'map', ...dsrTable, 'dsr4']);
    if (head.code === 0 && listedComment(head.stdout, 'dsr4') === p.stamp)
      return { ...p.elements, full: false };
    const skeleton = renderDsrSkeleton(opts.tableName, dsr, p.state, p.stamp, tunnel);
    return { text: skeleton + p.elements.text, statements: p.elements.statements + 3, full: true };
  };

  /** One listing of the dsr table for verify: undefined when nft finds no such object. */
  const listDsr = async (kind: DsrMap['kind'] | 'chain', name: string): Promise<string | undefined> => {
    const r = await run('verify', ['-j', 'list', kind, ...dsrTable, ident(name)]);
    if (isNotFound(r)) return undefined;
    if (r.code !== 0) throw resultError(ex.where, 'verify', r);
    return r.stdout;
  };

  /**
   * The dsr table's differences from `p`: missing, another stamp, other element counts than nlbkit
   * wrote (nft-dsr-readback.ts), and for tunnel services the ipip devices' differences. Each map is
   * listed alone (the pins are never read), and the stamp is read from dsr4's comment: nft 1.0.6
   * loads every element of the table for any listing of the table or of a chain, even a terse one
   * (18 s for 524,296 slots). So those, the table's own stamp and the chain tun's targets, are read
   * with the slot maps, when due.
   */
  const verifyDsr = async (p: NonNullable<ReturnType<typeof planDsr>>): Promise<string[]> => {
    const t = dsrTable.join(' ');
    const now = performance.now();
    const due = slotReadbackDue(slotsReadAt, now, slotReadbackS);
    const dispatch = await listDsr('map', 'dsr4');
    if (dispatch === undefined || due) {
      const head = await run('verify', ['-t', 'list', 'table', ...dsrTable]);
      if (isNotFound(head)) return [`table ${t} is missing`];
      if (head.code !== 0) throw resultError(ex.where, 'verify', head);
      if (readTableComment(head.stdout) !== p.stamp) return [`table ${t} carries another stamp`];
    }
    if (dispatch !== undefined && listedComment(dispatch, 'dsr4') !== p.stamp)
      return [`table ${t} carries another stamp`];
    const rest = [...DSR_SMALL_MAPS, ...(due ? DSR_SLOT_MAPS : [])].filter((m) => m.name !== 'dsr4');
    const listings: DsrListings = {
      maps: new Map([
        ['dsr4', dispatch],
        ...(await Promise.all(rest.map(async (m) => [m.name, await listDsr(m.kind, m.name)] as const))),
      ]),
      ...(tunnel && due ? { tun: await listDsr('chain', TUNNEL_CHAIN) } : {}),
    };
    const out = diffDsrListings(t, listings, p.elements, tunnel !== undefined && due);
    if (tunnel) {
      const have = await readTunnelDevices(ex, 'verify');
      out.push(...planTunnelDevices(p.elements.tunnels, have).diff);
      // A device made again by hand (same name, another index): every time, not only when due.
      if (tunnelBound) out.push(...rebornTunnels(tunnelBound, have));
    }
    if (due && out.length === 0) slotsReadAt = now;
    return out;
  };

  /** Remembers the ipip devices' indexes; unknown (so verify reads the chain tun) if they cannot be read. */
  const bindTunnels = async () => {
    tunnelBound = undefined;
    try {
      const have = await readTunnelDevices(ex, 'sync');
      tunnelBound = new Map(
        have.flatMap((k) => (k.ifindex === undefined ? [] : [[k.name, k.ifindex] as const])),
      );
    } catch {
      slotsReadAt = undefined;
    }
  };

  /** One sync (sync() runs it in the queue). */
  const syncOnce = async (state: NodeDataplaneState): Promise<SyncResult> => {
    // Validation and rendering both happen here, before anything is spawned.
    const split = byForwarding(state);
    const next = buildLayout(split.nat, opts, kernel?.layout ?? lastLayout);
    lastLayout = next;
    const dsrPlan = planDsr(split.dsr, state);
    const full = !kernel || kernel.layout.signature !== next.signature;
    let plan =
      full || !kernel ? planFull(next, opts) : planIncremental(kernel.layout, kernel.groups, next, opts);
    // Only now (everything rendered, so bad input has already thrown): a fresh instance, whose plan
    // is the full rebuild, first looks for a table it can adopt as it is.
    if (fresh) {
      fresh = false;
      const adopted = await adoption(next);
      if (adopted) {
        kernel = adopted;
        plan = { mode: 'none', text: '', statements: 0, groups: adopted.groups };
      }
    }
    // The ipip devices the tunnel rules name must exist before nft loads them (ifindex lookup).
    const devices = tunnel && dsrPlan ? await planTunnels(ex, 'sync', dsrPlan.elements.tunnels) : undefined;
    if (devices) await runTunnelSteps(ex, 'sync', devices.create, devices.created);
    const dsrText = dsrPlan ? await dsrScript(dsrPlan, (devices?.create.length ?? 0) > 0) : undefined;
    if (plan.mode === 'none' && !dsrText) {
      kernel = { layout: next, groups: plan.groups };
      if (devices) await runTunnelSteps(ex, 'sync', devices.remove);
      return { mode: 'none', statements: 0 };
    }
    kernel = undefined; // until nft says yes: a failure means the next sync rebuilds everything
    dsrKernel = undefined;
    const r = await run('sync', ['-f', '-'], plan.text + (dsrText?.text ?? ''));
    if (r.code !== 0) {
      // The devices made for this transaction go again; the kernel keeps what it had.
      if (devices) await removeTunnelDevices(ex, devices.created);
      throw flowtableError(ex.where, opts.flowtable, r) ?? resultError(ex.where, 'sync', r);
    }
    kernel = { layout: next, groups: plan.groups };
    if (dsrPlan) dsrKernel = { stamp: dsrPlan.stamp, elements: dsrPlan.elements };
    // Devices no backend needs any more: only now, when no rule names them.
    if (devices) await runTunnelSteps(ex, 'sync', devices.remove);
    // Any dsr text reloads the chain tun whole: its rules now hold the devices' current indexes.
    if (tunnel && dsrText) await bindTunnels();
    const statements = plan.statements + (dsrText?.statements ?? 0);
    return { mode: plan.mode === 'full' || dsrText?.full ? 'full' : 'incremental', statements };
  };

  return {
    forwardingModes: ['nat', ...(dsr ? (['dsr'] as const) : []), ...(tunnel ? (['tunnel'] as const) : [])],
    sync: (state: NodeDataplaneState) =>
      serial(async () => {
        // The slot maps are read back at the next verify after a rebuild or a failure, whatever the schedule.
        try {
          const result = await syncOnce(state);
          if (result.mode === 'full') slotsReadAt = undefined;
          return result;
        } catch (e) {
          slotsReadAt = undefined;
          throw e;
        }
      }),

    verify: (state: NodeDataplaneState) =>
      serial(async () => {
        const split = byForwarding(state);
        const layout = buildLayout(split.nat, opts, lastLayout);
        const dsrDiff = dsr || tunnel ? await verifyDsr(planDsr(split.dsr, state)!) : [];
        if (dsrDiff.length > 0) return dsrDiff;
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
        slotsReadAt = undefined;
        tunnelBound = undefined;
        fresh = false; // nothing left to adopt
        const r = await run('destroy', ['delete', 'table', ...table]);
        if (r.code !== 0 && !isNotFound(r)) throw resultError(ex.where, 'destroy', r);
        if (dsr || tunnel) {
          dsrKernel = undefined;
          const d = await run('destroy', ['delete', 'table', ...dsrTable]);
          if (d.code !== 0 && !isNotFound(d)) throw resultError(ex.where, 'destroy', d);
        }
        if (tunnel) {
          const owned = await readTunnelDevices(ex, 'destroy');
          await runTunnelSteps(
            ex,
            'destroy',
            owned.map((k) => ['ip', 'link', 'del', 'dev', k.name]),
          );
        }
      }),
  };
}
