/**
 * The agent's probe namespace: a network namespace of its own with one macvlan on an LB node's device
 * (the dsr egress: the backends' segment; or the device towards tunnel backends) and an address there,
 * in which the dsr and tunnel health checks run. Its routing (dsr-probe-plan.ts) sends each check to
 * the VIP through one backend's MAC (dsr) or IPIP-encapsulated to the backend (tunnel), which is what
 * the LB node does with a client's packet: a backend without the VIP on `lo` (or without its decap
 * device) drops the probe.
 *
 * Why a namespace: the LB node holds the VIP itself, so its `local` table would deliver a probe to the
 * VIP to the node's own stack before any rule could route it, and Node has no SO_MARK or raw sockets.
 * The agent owns the namespace (removed with everything in it by close(), and removed and made again
 * by open() after a crash). Every value is validated; commands are argument vectors.
 */
import { NLBError } from '../../interfaces/errors.js';
import { localExecutor } from '../executor/local-executor.js';
import { assertNetnsName, netnsExecutor } from '../executor/netns-executor.js';
import type { Executor } from '../executor/types.js';
import {
  assertDevice,
  assertIpv4,
  type DsrLane,
  laneAddCommands,
  laneRemoveCommands,
  laneRouting,
  outerRemoveCommands,
  outerRouteCommands,
  type ProbeInterface,
  probeTunnelName,
  tunnelDeviceCommands,
} from './dsr-probe-plan.js';

/** The probe namespace's name unless told: one agent per host. */
export const DEFAULT_PROBE_NETNS = 'nlbkit-probe';
/** The macvlan's name, in the node's namespace while it is made and in the probe namespace after. */
export const PROBE_DEVICE = 'nlbkitp0';

/** Options of {@link createDsrProbePath}. */
export interface DsrProbePathOptions {
  /** Runs commands in the LB node's network namespace (the agent's executor). */
  executor: Executor;
  /**
   * The node's device the probe's macvlan sits on: the dsr egress (the backends' segment), or the
   * device tunnel backends are reached by (the agent's `--probe-device`, default `--dsr-egress`).
   */
  egress: string;
  /**
   * The probe's own IPv4 address on that device's network: backends answer it directly (from the
   * VIP), so it must be free and routed to that link (dsr: inside the backends' subnet). Required.
   */
  address: string;
  /**
   * Next hop of the encapsulated tunnel probes on `egress`. Default: none, the tunnel backends are on
   * that link. dsr lanes never use it.
   */
  gateway?: string;
  /** The probe namespace. Default `nlbkit-probe`. */
  netns?: string;
  /** Runs `ip netns` and the probe namespace's commands on this host. Default: the local host. */
  host?: Executor;
}

/** The probe namespace and its lanes. */
export interface DsrProbePath {
  /** The probe namespace's name (the health worker runs there). */
  readonly netns: string;
  /** Makes the namespace (afresh). Rejects, having removed what it made, when a step fails. */
  open(): Promise<void>;
  /**
   * Puts exactly `lanes` in place (a diff against the last sync). Resolves with the lanes that could
   * not be put in place and why; each of those is left without a rule (its probes fail closed).
   */
  sync(lanes: readonly DsrLane[]): Promise<Map<string, string>>;
  /** Removes the namespace and everything in it. */
  close(): Promise<void>;
}

const fail = (message: string, cause?: unknown) =>
  new NLBError({ code: 'PROVIDER_ERROR', driver: 'native', operation: 'dsrProbe', message, cause });

async function must(ex: Executor, argv: string[]): Promise<void> {
  const r = await ex.run(argv, { timeoutMs: 10_000 });
  if (r.code !== 0) throw fail(`${argv.join(' ')} (${ex.where}) failed: ${r.stderr.trim().slice(0, 300)}`);
}

const quietly = (ex: Executor, argv: string[]) => ex.run(argv, { timeoutMs: 10_000 }).catch(() => undefined);

/**
 * Creates the probe path (nothing runs until open()).
 *
 * @throws NLBError INVALID_ARGUMENT for a bad address, device or namespace name, before anything runs.
 * @example
 * const path = createDsrProbePath({ executor: localExecutor(), egress: 'eth1', address: '10.0.1.250' });
 * await path.open();
 * await path.sync([{ key: 'web/vm1', vip: '198.51.100.10', backend: '10.0.1.11', ipproto: 'tcp', localPort: 61000 }]);
 */
export function createDsrProbePath(o: DsrProbePathOptions): DsrProbePath {
  assertDevice(o.egress, 'the probe device');
  assertIpv4(o.address, 'the probe address');
  if (o.gateway !== undefined) assertIpv4(o.gateway, 'the tunnel probe gateway');
  const name = o.netns ?? DEFAULT_PROBE_NETNS;
  try {
    assertNetnsName(name, 'probe');
  } catch (e) {
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'native',
      operation: 'dsrProbe',
      message: (e as Error).message,
    });
  }
  const host = o.host ?? localExecutor();
  const probe = netnsExecutor(name, { base: host });
  // `ip netns add/del` run on the host itself, never inside the node's namespace.
  const ipNetns = (verb: 'add' | 'del') => host.run(['ip', 'netns', verb, name], { timeoutMs: 10_000 });
  const applied = new Map<string, DsrLane>();
  /** The ipip devices made (by backend), and whether the outer packets' routing is in place. */
  const tunnels = new Set<string>();
  let outerReady = false;
  const me: ProbeInterface = { device: PROBE_DEVICE, address: o.address };

  const removeNode = () => quietly(o.executor, ['ip', 'link', 'del', PROBE_DEVICE]);

  return {
    netns: name,
    async open() {
      applied.clear();
      tunnels.clear();
      outerReady = false;
      await ipNetns('del').catch(() => undefined); // a namespace left by a crashed agent: ours
      await removeNode(); // a macvlan left between its creation and its move
      try {
        const made = await ipNetns('add');
        if (made.code !== 0) throw fail(`ip netns add ${name} failed: ${made.stderr.trim().slice(0, 300)}`);
        await must(o.executor, [
          'ip',
          'link',
          'add',
          PROBE_DEVICE,
          'link',
          o.egress,
          'type',
          'macvlan',
          'mode',
          'bridge',
        ]);
        await must(o.executor, ['ip', 'link', 'set', PROBE_DEVICE, 'netns', name]);
        await must(probe, ['ip', 'link', 'set', 'lo', 'up']);
        // Replies come from the VIP, which only the lanes' tables route: no reverse-path filter here.
        await must(probe, [
          'sysctl',
          '-qw',
          'net.ipv4.conf.all.rp_filter=0',
          `net.ipv4.conf.${PROBE_DEVICE}.rp_filter=0`,
        ]);
        // A /32 adds no route: the main table stays empty, so nothing leaves but by a lane.
        await must(probe, ['ip', 'addr', 'add', `${o.address}/32`, 'dev', PROBE_DEVICE]);
        await must(probe, ['ip', 'link', 'set', PROBE_DEVICE, 'up']);
      } catch (e) {
        await removeNode();
        await ipNetns('del').catch(() => undefined);
        throw e;
      }
    },
    async sync(lanes) {
      const failed = new Map<string, string>();
      const wanted = new Map(lanes.map((l) => [l.key, l]));
      for (const [key, old] of [...applied]) {
        const now = wanted.get(key);
        if (now && laneRouting(now) === laneRouting(old)) continue;
        for (const argv of laneRemoveCommands(old)) await quietly(probe, argv);
        applied.delete(key);
      }
      // Tunnel lanes need the outer routing once, and their backend's ipip device, before their routes.
      const broken = new Map<string, string>(); // backend -> why its device (or the outer route) is missing
      const tunnelBackends = new Set(lanes.filter((l) => l.mode === 'tunnel').map((l) => l.backend));
      if (tunnelBackends.size > 0 && !outerReady) {
        try {
          for (const argv of outerRouteCommands(me, o.gateway)) await must(probe, argv);
          outerReady = true;
        } catch (e) {
          for (const argv of outerRemoveCommands()) await quietly(probe, argv);
          for (const b of tunnelBackends) broken.set(b, (e as Error).message);
        }
      }
      for (const backend of tunnelBackends) {
        if (tunnels.has(backend) || broken.has(backend)) continue;
        try {
          for (const argv of tunnelDeviceCommands(backend, me)) await must(probe, argv);
          tunnels.add(backend);
        } catch (e) {
          await quietly(probe, ['ip', 'link', 'del', 'dev', probeTunnelName(backend)]);
          broken.set(backend, (e as Error).message);
        }
      }
      for (const lane of lanes) {
        if (applied.has(lane.key)) continue;
        const why = lane.mode === 'tunnel' ? broken.get(lane.backend) : undefined;
        if (why !== undefined) {
          failed.set(lane.key, why);
          continue;
        }
        try {
          for (const argv of laneAddCommands(lane, me)) await must(probe, argv);
          applied.set(lane.key, lane);
        } catch (e) {
          // Undo the lane's part: its probes then meet no rule and fail closed.
          for (const argv of laneRemoveCommands(lane)) await quietly(probe, argv);
          failed.set(lane.key, (e as Error).message);
        }
      }
      // Devices no lane uses any more: only now, when no route names them.
      const used = new Set([...applied.values()].filter((l) => l.mode === 'tunnel').map((l) => l.backend));
      for (const backend of [...tunnels])
        if (!used.has(backend)) {
          await quietly(probe, ['ip', 'link', 'del', 'dev', probeTunnelName(backend)]);
          tunnels.delete(backend);
        }
      return failed;
    },
    async close() {
      applied.clear();
      tunnels.clear();
      outerReady = false;
      await ipNetns('del').catch(() => undefined);
      await removeNode();
    },
  };
}
