/**
 * The high-availability lab: BGP + ECMP in namespaces. The lab's client namespace becomes a router
 * running BIRD (`merge paths on`, L4 multipath hash); a client host sits behind it; two LB nodes each
 * run BIRD (BFD 100 ms x 3) and an `nlbkit agent --announce bgp` process over one file store; backends
 * sit on the bridge behind both (masquerade, so replies return through the node that took the flow).
 *
 * ```
 *  client host (198.18.3.1) -- router (BIRD, ECMP) --+-- lb0 (BIRD, agent) --+-- br0 -- backends
 *                                                   +-- lb1 (BIRD, agent) --+
 * ```
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore, createNativeDriver, type NativeDriver } from '../drivers/native/index.js';
import type { NLBCreateRequest } from '../interfaces/types.js';
import { renderInclude } from '../native/announce/bgp/bird-render.js';
import type { StateStore } from '../native/store/types.js';
import { BACKEND_NET, uplink } from './lab-addresses.js';
import { LabAgent } from './lab-agent.js';
import { LabBird, type LabPeer, nodeConfig, routerConfig } from './lab-bird.js';
import { mustRun, runArgv } from './lab-exec.js';
import {
  deleteNamespaceSync,
  type LabNamespace,
  type LabPrefix,
  listNamespaces,
  makeNamespace,
} from './lab-names.js';
import { LabClient } from './lab-programs.js';
import { type AddressPair, buildTopology, type Topology } from './lab-topology.js';

/** The client host's segment behind the router. */
const HOST = { v4: '198.18.3.1', v6: 'fd00:6e6c:626b:3::1' };
const HOST_GW = { v4: '198.18.3.2', v6: 'fd00:6e6c:626b:3::2' };
const HOST_NET = { v4: '198.18.3.0/24', v6: 'fd00:6e6c:626b:3::/64' };

/** One LB node of the HA lab. */
export interface HaNode {
  name: string;
  ns: string;
  /** Its address on the router link: the next hop the router uses for it. */
  uplink: AddressPair;
  bird: LabBird;
  agent: LabAgent;
  include: string;
}

/** A running HA lab. */
export interface HaLab {
  topo: Topology;
  router: { ns: string; bird: LabBird };
  client: { ns: string; address: AddressPair; agent: LabClient };
  nodes: HaNode[];
  store: StateStore;
  /** A driver (no embedded agent) that waits for both nodes to apply. */
  driver: NativeDriver;
  /** The next hops (LB node uplink addresses) the router's kernel holds for `vip`, sorted. */
  nexthops(vip: string): Promise<string[]>;
  /** Packets to the VIP pool counted by the node's own nft counter (observer table of the lab). */
  packets(node: HaNode): Promise<number>;
  /** Drops every packet in and out of the node (a silent death, with SIGSTOP of its processes). */
  isolate(node: HaNode, on: boolean): Promise<void>;
  /** Drops the node's traffic to the backends (its health checks fail; others still reach them). */
  cutBackends(node: HaNode, on: boolean): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A TCP NLB on port 80 over every backend of `lab` (MAGLEV, so both nodes pick the same backend for a
 * flow), with fast checks (1 s, rise 2, fall 2), at `ip` if given.
 */
export function haRequest(lab: HaLab, name: string, ip?: string): NLBCreateRequest {
  return {
    iid: { nameId: name },
    listener: { protocol: 'TCP', port: 80, ...(ip ? { ip } : {}) },
    vmGroup: {
      protocol: 'TCP',
      port: 8080,
      vms: lab.topo.backends.map((b) => ({ nameId: b.name })),
      algorithm: 'MAGLEV',
    },
    healthChecker: { protocol: 'TCP', interval: 1, timeout: 1, healthyThreshold: 2, unhealthyThreshold: 2 },
  };
}

/** What to build. */
export interface HaLabOptions {
  backends?: number;
  /** Namespace prefix, one of `LAB_PREFIXES`; default `nlbk-e2e`. */
  prefix?: LabPrefix;
  /** Seconds between the agents' periodic reconciles. Default 2. */
  agentInterval?: number;
  /** Extra `nlbkit agent` options for both nodes (e.g. `--dsr-ingress`); default none. */
  agentArgs?: string[];
  /** The driver's `forwardingModes`; default its own (`['nat']`). */
  forwardingModes?: ('nat' | 'dsr')[];
  /**
   * Agents check dsr backends through the VIP path (needs `--dsr-egress` in `agentArgs`): node `i`
   * gets the probe address `198.18.1.<240 + i>` on the backends' segment and its own probe namespace
   * `<node namespace>p`, which destroy() removes. Default false.
   */
  dsrProbe?: boolean;
}

/** Node `i`'s health-probe address on the backends' segment (see `HaLabOptions.dsrProbe`). */
export const dsrProbeAddress = (i: number) => `198.18.1.${240 + i}`;

const nft = (ns: string, script: string) =>
  mustRun(['ip', 'netns', 'exec', ns, 'nft', '-f', '-'], { stdin: script });

/** Builds the lab, starts BIRD everywhere and both agents; on failure removes what it made. */
export async function startHaLab(options: HaLabOptions = {}): Promise<HaLab> {
  const topo = await buildTopology({
    backends: options.backends ?? 3,
    lbNodes: 2,
    ipv6: true,
    prefix: options.prefix,
  });
  let hostNs: LabNamespace | undefined;
  const host = `${topo.id}-h`;
  const dir = await mkdtemp(join(tmpdir(), 'nlbk-ha-'));
  const birds: LabBird[] = [];
  const agents: LabAgent[] = [];
  let client: LabClient | undefined;
  const store = createFileStore(join(dir, 'store'));
  const probeNamespaces: string[] = [];
  const destroy = async () => {
    await Promise.allSettled([client?.stop(), ...agents.map((a) => a.stop(5000))]);
    // An agent killed -9 leaves its probe namespace behind; a stopped one has removed it already.
    for (const ns of probeNamespaces) if (listNamespaces().includes(ns)) deleteNamespaceSync(ns);
    await Promise.allSettled(birds.map((b) => b.stop()));
    await store.close().catch(() => undefined);
    hostNs?.remove();
    await topo.destroy();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const r = topo.client.ns;
    const ipn = (ns: string, ...args: string[]) => mustRun(['ip', '-n', ns, ...args]);
    // The router routes the VIPs only as BIRD says: no default route towards either node.
    await ipn(r, 'route', 'del', 'default');
    await ipn(r, '-6', 'route', 'del', 'default');
    await mustRun([
      'ip',
      'netns',
      'exec',
      r,
      'sysctl',
      '-q',
      '-w',
      'net.ipv4.ip_forward=1',
      'net.ipv6.conf.all.forwarding=1',
      'net.ipv4.fib_multipath_hash_policy=1',
      'net.ipv6.fib_multipath_hash_policy=1',
    ]);
    hostNs = makeNamespace(topo.id, 'h');
    await ipn(host, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'hst', 'netns', r);
    await mustRun([
      'ip',
      'netns',
      'exec',
      host,
      'sysctl',
      '-q',
      '-w',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
    ]);
    await ipn(host, 'addr', 'add', `${HOST.v4}/24`, 'dev', 'eth0');
    await ipn(host, 'addr', 'add', `${HOST.v6}/64`, 'dev', 'eth0', 'nodad');
    await ipn(r, 'addr', 'add', `${HOST_GW.v4}/24`, 'dev', 'hst');
    await ipn(r, 'addr', 'add', `${HOST_GW.v6}/64`, 'dev', 'hst', 'nodad');
    await Promise.all([ipn(host, 'link', 'set', 'eth0', 'up'), ipn(r, 'link', 'set', 'hst', 'up')]);
    await ipn(host, 'route', 'add', 'default', 'via', HOST_GW.v4);
    await ipn(host, '-6', 'route', 'add', 'default', 'via', HOST_GW.v6);

    // The agents start before the driver's first write: the store must exist (an agent refuses a
    // missing one rather than reading it as empty).
    await store.create();
    const routerPeers: LabPeer[] = [];
    const nodes: HaNode[] = [];
    const probeArgs = (i: number, ns: string) => {
      probeNamespaces.push(`${ns}p`);
      return ['--probe-address', dsrProbeAddress(i), '--probe-netns', `${ns}p`];
    };
    for (const lb of topo.lbNodes) {
      const name = `lb${lb.index}`;
      const link = uplink(lb.index);
      await ipn(lb.ns, 'route', 'add', HOST_NET.v4, 'via', link.client.v4);
      await ipn(lb.ns, '-6', 'route', 'add', HOST_NET.v6, 'via', link.client.v6);
      // The lab's own counter of VIP traffic reaching this node (the agent's ruleset has none).
      await nft(
        lb.ns,
        `table inet nlbkobs {\n chain pre { type filter hook prerouting priority -400; ip daddr ${topo.vipPool.v4} counter; ip6 daddr ${topo.vipPool.v6} counter; }\n}\n`,
      );
      routerPeers.push(
        { name: `${name}v4`, local: link.client.v4, neighbor: link.lb.v4, family: 4, neighborAs: 65001 },
        { name: `${name}v6`, local: link.client.v6, neighbor: link.lb.v6, family: 6, neighborAs: 65001 },
      );
      const include = join(dir, `${name}-nlbkit.conf`);
      // BIRD reads the include at start; the agent rewrites it once it has programmed the kernel.
      await writeFile(include, renderInclude([]));
      const peers: LabPeer[] = [
        { name: 'router4', local: link.lb.v4, neighbor: link.client.v4, family: 4, neighborAs: 65000 },
        { name: 'router6', local: link.lb.v6, neighbor: link.client.v6, family: 6, neighborAs: 65000 },
      ];
      const bird = await LabBird.start(lb.ns, dir, name, nodeConfig(link.lb.v4, include, peers));
      birds.push(bird);
      const agent = new LabAgent([
        '--store',
        join(dir, 'store'),
        '--node',
        name,
        '--netns',
        lb.ns,
        '--interface',
        'lo',
        '--interval',
        String(options.agentInterval ?? 2),
        '--announce',
        'bgp',
        '--bird-include',
        include,
        '--bird-socket',
        bird.socket,
        ...(options.agentArgs ?? []),
        ...(options.dsrProbe ? probeArgs(nodes.length, lb.ns) : []),
      ]);
      agents.push(agent);
      nodes.push({ name, ns: lb.ns, uplink: link.lb, bird, agent, include });
    }
    const router = await LabBird.start(r, dir, 'router', routerConfig(uplink(0).client.v4, routerPeers));
    birds.push(router);
    await Promise.all(agents.map((a) => a.start()));
    client = await LabClient.start(host);

    const driver = createNativeDriver({
      store,
      vipPool: { ranges: [topo.vipPool.v4, topo.vipPool.v6] },
      vmInventory: Object.fromEntries(
        topo.backends.map((b) => [b.name, { ipv4: b.address.v4, ipv6: b.address.v6 }]),
      ),
      snat: true,
      nodes: nodes.map((n) => n.name),
      applyMode: 'wait-for-agents',
      convergenceTimeoutMs: 30_000,
      ...(options.forwardingModes ? { forwardingModes: options.forwardingModes } : {}),
    });
    return {
      topo,
      router: { ns: r, bird: router },
      client: { ns: host, address: HOST, agent: client },
      nodes,
      store,
      driver,
      async nexthops(vip) {
        const six = vip.includes(':');
        const out = await runArgv([
          'ip',
          '-n',
          r,
          ...(six ? ['-6'] : []),
          'route',
          'show',
          `${vip}/${six ? 128 : 32}`,
        ]);
        return [...out.stdout.matchAll(/via (\S+)/g)].map((m) => m[1] as string).sort();
      },
      async packets(node) {
        const out = await mustRun([
          'ip',
          'netns',
          'exec',
          node.ns,
          'nft',
          'list',
          'table',
          'inet',
          'nlbkobs',
        ]);
        return [...out.matchAll(/packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      },
      async isolate(node, on) {
        await nft(
          node.ns,
          on
            ? 'table inet nlbkfault {\n chain in { type filter hook prerouting priority -500; policy drop; }\n chain out { type filter hook output priority -500; policy drop; }\n}\n'
            : 'delete table inet nlbkfault\n',
        );
      },
      async cutBackends(node, on) {
        const { v4: net4, v6: net6 } = BACKEND_NET;
        await nft(
          node.ns,
          on
            ? `table inet nlbkcut {\n chain out { type filter hook output priority -500; ip daddr ${net4} drop; ip6 daddr ${net6} drop; }\n chain through { type filter hook forward priority -500; ip daddr ${net4} drop; ip6 daddr ${net6} drop; }\n}\n`
            : 'delete table inet nlbkcut\n',
        );
      },
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}
