/**
 * Builds a throwaway network in namespaces: one client, one or two LB nodes, N backends on a bridge.
 * The active LB node is the client's route to everything and the backends' default gateway, so plain
 * DNAT on it keeps the client address (replies come back through it to be un-NATed).
 *
 * ```
 *  client (lo: 198.18.2.x) --lb0/up0-- lb0 --dn0--+
 *                          --lb1/up0-- lb1 --dn0--+-- br0 (switch ns) -- eth0 backend 0..N-1
 * ```
 */

import { netnsExecutor } from '../native/executor/index.js';
import type { Executor } from '../native/executor/types.js';
import {
  BACKEND_NET,
  backendAddress,
  CLIENT_NET,
  clientAddress,
  lbBackendSide,
  uplink,
  VIP_POOL,
} from './lab-addresses.js';
import { mustRun } from './lab-exec.js';
import { E2E_PREFIX, type LabNamespace, type LabPrefix, makeNamespace, nextLabId } from './lab-names.js';
import { type BackendPorts, BackendServer, LabClient } from './lab-programs.js';

/** What to build. */
export interface TopologyOptions {
  /** Number of backends, 1-200. */
  backends: number;
  /** LB nodes; default 1. */
  lbNodes?: 1 | 2;
  /** Give everything IPv6 addresses and routes too; default true. */
  ipv6?: boolean;
  /** Namespace name prefix, one of `LAB_PREFIXES`; default `nlbk-e2e`. */
  prefix?: LabPrefix;
  /** Extra client addresses besides the main one (for multi-client tests); default 3. */
  extraClients?: number;
  /** Ports every backend serves; default TCP 8080, UDP 5300, HTTP 8081. */
  ports?: BackendPorts;
  /** Start the backend servers (they can be started later with `server.start()`); default true. */
  startServers?: boolean;
  /** Makes the executor for a namespace (e.g. a recording wrapper); default the engine's netnsExecutor. */
  executor?: (ns: string) => Executor;
}

/** A dual-stack address pair (v6 empty when the lab has no IPv6). */
export interface AddressPair {
  v4: string;
  v6: string;
}

/** One namespace of the lab. */
export interface LabNode {
  ns: string;
  exec: Executor;
}

/** A built lab. */
export interface Topology {
  id: string;
  ipv6: boolean;
  client: LabNode & {
    /** The main client address (what backends should see). */
    address: AddressPair;
    /** Further client addresses, usable as `sourceAddress`. */
    extra: AddressPair[];
    /** The client agent: opens connections from inside the client namespace. */
    agent: LabClient;
  };
  lbNodes: (LabNode & { index: number; backendSide: AddressPair; uplink: AddressPair })[];
  backends: (LabNode & { index: number; name: string; address: AddressPair; server: BackendServer })[];
  switch: LabNode;
  vipPool: typeof VIP_POOL;
  ports: BackendPorts;
  /** Every namespace name of the lab. */
  namespaces: string[];
  /** Sends client traffic through LB node `i` and makes it the backends' gateway. */
  useLbNode(i: number): Promise<void>;
  /** Stops the programs and deletes every namespace. Safe to call twice. */
  destroy(): Promise<void>;
}

const DEFAULT_PORTS: BackendPorts = { tcp: [8080], udp: [5300], http: [8081] };

/** Builds the lab; on any failure removes what it made and rethrows. */
export async function buildTopology(options: TopologyOptions): Promise<Topology> {
  const id = nextLabId(options.prefix ?? E2E_PREFIX);
  const lbCount = options.lbNodes ?? 1;
  const ipv6 = options.ipv6 ?? true;
  const ports = options.ports ?? DEFAULT_PORTS;
  const makeExec = options.executor ?? ((ns: string) => netnsExecutor(ns));
  if (!Number.isInteger(options.backends) || options.backends < 1 || options.backends > 200) {
    throw new Error('backends must be 1-200');
  }
  const lbRoles = Array.from({ length: lbCount }, (_, i) => `lb${i}`);
  const beRoles = Array.from({ length: options.backends }, (_, j) => `b${j}`);
  const roles = ['c', 'sw', ...lbRoles, ...beRoles];
  const [c, sw, ...rest] = roles.map((role) => `${id}-${role}`) as [string, string, ...string[]];
  const lbs = rest.slice(0, lbCount);
  const bes = rest.slice(lbCount);
  const namespaces = [c, sw, ...lbs, ...bes];
  const made: LabNamespace[] = [];
  const servers: BackendServer[] = [];
  let agent: LabClient | undefined;
  let destroyed = false;

  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await Promise.allSettled([agent?.stop(), ...servers.map((s) => s.stop())]);
    for (const ns of made) ns.remove();
  };

  const ipn = (ns: string, ...args: string[]) => mustRun(['ip', '-n', ns, ...args]);
  const sysctl = (ns: string, ...settings: string[]) =>
    mustRun(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);
  const addr = (ns: string, dev: string, a: AddressPair, v4len: number) =>
    Promise.all([
      ipn(ns, 'addr', 'add', `${a.v4}/${v4len}`, 'dev', dev),
      ipv6 ? ipn(ns, 'addr', 'add', `${a.v6}/${dev === 'lo' ? 128 : 64}`, 'dev', dev, 'nodad') : undefined,
    ]);

  try {
    for (const role of roles) made.push(makeNamespace(id, role));
    // No duplicate-address detection: addresses must work the moment they are added.
    if (ipv6) {
      await Promise.all(
        namespaces.map((ns) =>
          sysctl(ns, 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'),
        ),
      );
    }
    await ipn(sw, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    await ipn(sw, 'link', 'set', 'br0', 'up');

    const client = clientAddress(0);
    const extra = Array.from({ length: options.extraClients ?? 3 }, (_, i) => clientAddress(i + 1));
    for (const a of [client, ...extra]) await addr(c, 'lo', a, 32);

    for (const [i, lb] of lbs.entries()) {
      await sysctl(lb, 'net.ipv4.ip_forward=1', ...(ipv6 ? ['net.ipv6.conf.all.forwarding=1'] : []));
      const link = uplink(i);
      await ipn(lb, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', `lb${i}`, 'netns', c);
      await ipn(lb, 'link', 'add', 'dn0', 'type', 'veth', 'peer', 'name', `l${i}`, 'netns', sw);
      await ipn(sw, 'link', 'set', `l${i}`, 'master', 'br0', 'up');
      await Promise.all([addr(lb, 'up0', link.lb, 24), addr(c, `lb${i}`, link.client, 24)]);
      await addr(lb, 'dn0', lbBackendSide(i), 24);
      await Promise.all([
        ipn(lb, 'link', 'set', 'up0', 'up'),
        ipn(lb, 'link', 'set', 'dn0', 'up'),
        ipn(c, 'link', 'set', `lb${i}`, 'up'),
      ]);
      await ipn(lb, 'route', 'add', CLIENT_NET.v4, 'via', link.client.v4);
      if (ipv6) await ipn(lb, '-6', 'route', 'add', CLIENT_NET.v6, 'via', link.client.v6);
    }

    for (const [j, be] of bes.entries()) {
      await ipn(be, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `b${j}`, 'netns', sw);
      await ipn(sw, 'link', 'set', `b${j}`, 'master', 'br0', 'up');
      await addr(be, 'eth0', backendAddress(j), 24);
      await ipn(be, 'link', 'set', 'eth0', 'up');
    }

    const topology: Topology = {
      id,
      ipv6,
      client: { ns: c, exec: makeExec(c), address: client, extra, agent: await LabClient.start(c) },
      lbNodes: lbs.map((ns, index) => ({
        ns,
        index,
        exec: makeExec(ns),
        backendSide: lbBackendSide(index),
        uplink: uplink(index).lb,
      })),
      backends: bes.map((ns, index) => {
        const name = `vm-${index}`;
        const server = new BackendServer(ns, name, ports);
        servers.push(server);
        return { ns, index, name, exec: makeExec(ns), address: backendAddress(index), server };
      }),
      switch: { ns: sw, exec: makeExec(sw) },
      vipPool: VIP_POOL,
      ports,
      namespaces,
      useLbNode: async (i) => {
        const link = uplink(i);
        const gw = lbBackendSide(i);
        const src = clientAddress(0);
        const routes: Promise<unknown>[] = [
          ipn(c, 'route', 'replace', 'default', 'via', link.lb.v4, 'src', src.v4),
          ...bes.map((be) => ipn(be, 'route', 'replace', 'default', 'via', gw.v4)),
        ];
        if (ipv6) {
          routes.push(ipn(c, '-6', 'route', 'replace', 'default', 'via', link.lb.v6, 'src', src.v6));
          routes.push(...bes.map((be) => ipn(be, '-6', 'route', 'replace', 'default', 'via', gw.v6)));
        }
        await Promise.all(routes);
      },
      destroy,
    };
    agent = topology.client.agent;
    await topology.useLbNode(0);
    if (options.startServers ?? true) await Promise.all(servers.map((s) => s.start()));
    return topology;
  } catch (error) {
    await destroy();
    throw error;
  }
}

export { BACKEND_NET, CLIENT_NET, VIP_POOL };
