/**
 * The benchmark's lab: the shared netns topology (src/lab/lab-topology.ts: client, one LB node,
 * three backends behind it), nginx on every backend, nlbkit's native driver with its agent embedded in
 * this process programming the LB node through the public API, and HAProxy on the same LB node.
 * The `nlbkit+ft` cases switch the driver's own flowtable option on (a driver reopened on the same
 * store, so the agent rebuilds the table with the flowtable) and off again. The `dsr` NLBs forward by
 * direct server return (the agent's dsr devices; backends and reply path: dsr-path.ts).
 */

import { createMemoryStore, createNativeDriver, type NativeDriver } from '../../src/drivers/native/index.js';
import { runArgv } from '../../src/lab/lab-exec.js';
import { BENCH_PREFIX } from '../../src/lab/lab-names.js';
import { buildTopology, type Topology } from '../../src/lab/lab-topology.js';

import { buildDsrPath, CLIENT_SEGMENT_DEVICE } from './dsr-path.js';
import { threadLbNapi, threadNapi, threadsCpuSeconds } from './lb-cpu.js';
import type { RunningProc } from './proc.js';
import { HTTP_PORTS, startHaproxy, startNginx } from './servers.js';

/** The LB node's links that load-balanced traffic crosses: the flowtable's devices. */
export const FLOWTABLE_DEVICES = ['up0', 'dn0'];
/** dsr on the LB node: client traffic arrives on up0, backends are on dn0's segment. */
export const DSR_DEVICES = { ingress: ['up0'], egress: 'dn0' };

/** UDP port of the lab's backend program (an echo that answers every datagram). */
export const UDP_PORT = 5300;
/** HAProxy's address on the LB node (outside the range the native driver allocates VIPs from). */
export const HAPROXY_VIP = '198.19.0.200';
/** HAProxy's ports: three backends, one backend. */
export const HAPROXY_PORT = { 3: 80, 1: 81 } as const;

/** A TCP or UDP endpoint. */
export interface Endpoint {
  host: string;
  port: number;
}

/** The built lab and what the cases aim at. */
export interface BenchLab {
  topo: Topology;
  /** This run's scratch directory (server configs, the UDP load program). */
  workdir: string;
  /** The compiled spread-load client, when the new-connection cases use it (`--newconn-client spread`). */
  spreadLoad?: string;
  /** The current driver (replaced by setFlowtable). */
  driver: NativeDriver;
  /** Reopens the driver with the flowtable option on or off and waits until its agent has applied it. */
  setFlowtable(on: boolean): Promise<void>;
  /** The NLB with three backends (the churn check changes its group). */
  threeId: { nameId: string };
  /**
   * Moves every veth's receive work into a NAPI thread of its own (lb-cpu.ts), for the LB-CPU phase:
   * from then on `lbCpuSeconds` reads the LB node's threads. Once per run.
   */
  threadNapi(): Promise<void>;
  /** CPU seconds the LB node's packet processing has used so far; undefined before `threadNapi`. */
  lbCpuSeconds(): number | undefined;
  /** Where each target serves, by backend count. */
  tcp: {
    direct: Record<1 | 3, Endpoint[]>;
    nlbkit: Record<1 | 3, Endpoint>;
    haproxy: Record<1 | 3, Endpoint>;
    /** nlbkit NLBs with `forwarding: 'dsr'` (MAGLEV; listener port = backend port), when built. */
    dsr?: Record<1 | 3, Endpoint>;
  };
  udp: { direct: Record<1 | 3, Endpoint[]>; nlbkit: Record<1 | 3, Endpoint> };
  destroy(): Promise<void>;
}

const sysctl = (ns: string, ...settings: string[]) =>
  runArgv(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);

/**
 * Builds everything; on failure removes what it made and rethrows. `withDsr`: also the dsr NLBs and
 * their reply path (every change of the store then also rewrites the dsr maps on the LB node).
 */
export async function buildBenchLab(
  workdir: string,
  log: (line: string) => void,
  withDsr = true,
): Promise<BenchLab> {
  const topo = await buildTopology({
    backends: 3,
    lbNodes: 1,
    ipv6: false,
    prefix: BENCH_PREFIX,
    extraClients: 0,
    ports: { tcp: [], udp: [UDP_PORT], http: [] },
  });
  const servers: RunningProc[] = [];
  let driver: NativeDriver | undefined;
  const destroy = async () => {
    await driver?.close({ teardown: true }).catch(() => undefined);
    for (const s of servers) s.interrupt('SIGKILL');
    await topo.destroy();
  };
  try {
    const lb = topo.lbNodes[0]!;
    log(`namespaces ${topo.id}-* built; starting nginx on ${topo.backends.length} backends`);
    // Many short connections: a wide port range and reuse of TIME_WAIT ports on the connecting side.
    for (const ns of [topo.client.ns, lb.ns]) {
      const r = await sysctl(ns, 'net.ipv4.ip_local_port_range=1024 65535', 'net.ipv4.tcp_tw_reuse=1');
      if (r.code !== 0) throw new Error(`sysctl in ${ns}: ${r.stderr.trim()}`);
    }
    for (const be of topo.backends) servers.push(await startNginx(workdir, be.ns, be.name));

    const store = createMemoryStore();
    const open = (flowtable: boolean) =>
      createNativeDriver({
        store,
        vipPool: { ranges: ['198.19.0.1-198.19.0.99'] },
        vmInventory: Object.fromEntries(topo.backends.map((be) => [be.name, { ipv4: be.address.v4 }])),
        // 'lo' rather than the agent's own dummy interface: some kernels lack the dummy driver.
        agent: {
          executor: lb.exec,
          node: 'lb0',
          interface: 'lo',
          dsr: DSR_DEVICES,
          ...(flowtable ? { flowtable: { devices: FLOWTABLE_DEVICES } } : {}),
        },
      });
    driver = open(false);
    const vms = topo.backends.map((be) => ({ nameId: be.name }));
    const make = async (name: string, protocol: 'TCP' | 'UDP', port: number, n: 1 | 3) => {
      const info = await driver!.createNLB({
        iid: { nameId: name },
        vpcIID: { nameId: 'bench-vpc' },
        listener: { protocol, port: protocol === 'TCP' ? 80 : 53 },
        vmGroup: { protocol, port, vms: vms.slice(0, n), algorithm: 'ROUND_ROBIN' },
        healthChecker: { protocol },
      });
      return { host: info.listener.ip!, port: protocol === 'TCP' ? 80 : 53 };
    };
    const makeDsr = async (name: string, n: 1 | 3) => {
      const port = HTTP_PORTS.dsr[n];
      const info = await driver!.createNLB({
        iid: { nameId: name },
        vpcIID: { nameId: 'bench-vpc' },
        listener: { protocol: 'TCP', port },
        vmGroup: { protocol: 'TCP', port, vms: vms.slice(0, n), algorithm: 'MAGLEV', forwarding: 'dsr' },
        healthChecker: { protocol: 'TCP' },
      });
      return { host: info.listener.ip!, port };
    };
    const tcp1 = await make('bench-tcp-one', 'TCP', HTTP_PORTS.nlbkit[1], 1);
    const tcp3 = await make('bench-tcp-three', 'TCP', HTTP_PORTS.nlbkit[3], 3);
    const udp1 = await make('bench-udp-one', 'UDP', UDP_PORT, 1);
    const udp3 = await make('bench-udp-three', 'UDP', UDP_PORT, 3);
    log(`nlbkit VIPs: TCP ${tcp1.host} (1 backend), ${tcp3.host} (3); UDP ${udp1.host}, ${udp3.host}`);
    let dsr: Record<1 | 3, Endpoint> | undefined;
    if (withDsr) {
      dsr = { 1: await makeDsr('bench-dsr-one', 1), 3: await makeDsr('bench-dsr-three', 3) };
      await buildDsrPath(topo, [dsr[1].host, dsr[3].host]);
      log(`dsr VIPs (replies straight to the client's segment link): ${dsr[1].host} (1), ${dsr[3].host} (3)`);
    }
    // Conntrack now runs in the LB namespace (for every case alike): free TIME_WAIT entries sooner so a
    // long run of new connections cannot fill the table.
    await sysctl(lb.ns, 'net.netfilter.nf_conntrack_tcp_timeout_time_wait=10');

    const backends = topo.backends.map((be) => be.address.v4);
    await lb.exec.run(['ip', 'addr', 'add', `${HAPROXY_VIP}/32`, 'dev', 'lo']);
    const hp = (n: 1 | 3) => ({
      bind: `${HAPROXY_VIP}:${HAPROXY_PORT[n]}`,
      port: HAPROXY_PORT[n],
      servers: backends.slice(0, n).map((a) => `${a}:${HTTP_PORTS.haproxy[n]}`),
    });
    servers.push(await startHaproxy(workdir, lb.ns, [hp(3), hp(1)]));
    log(`HAProxy (TCP mode) on ${HAPROXY_VIP}:${HAPROXY_PORT[3]} (3 backends) and :${HAPROXY_PORT[1]} (1)`);

    let lbThreads: number[] | undefined;
    const at = (port: number, n: number) => backends.slice(0, n).map((host) => ({ host, port }));
    const lab: BenchLab = {
      topo,
      workdir,
      driver,
      async setFlowtable(on) {
        await lab.driver.close();
        lab.driver = driver = open(on);
        await lab.driver.agent!.reconcile();
      },
      threeId: { nameId: 'bench-tcp-three' },
      async threadNapi() {
        if (lbThreads) return;
        lbThreads = await threadLbNapi(lb.ns, ['up0', 'dn0']);
        const segment = (d: string) => (dsr ? [d] : []);
        await threadNapi(topo.client.ns, ['lb0', ...segment(CLIENT_SEGMENT_DEVICE.client)]);
        const ports = topo.backends.map((_, j) => `b${j}`);
        await threadNapi(topo.switch.ns, ['l0', ...segment(CLIENT_SEGMENT_DEVICE.switchPort), ...ports]);
        for (const be of topo.backends) await threadNapi(be.ns, ['eth0']);
        log(`threaded NAPI on every veth; the LB node's threads: ${lbThreads.join(', ')}`);
      },
      lbCpuSeconds: () => (lbThreads ? threadsCpuSeconds(lbThreads) : undefined),
      tcp: {
        direct: { 1: at(HTTP_PORTS.direct[1], 1), 3: at(HTTP_PORTS.direct[3], 3) },
        nlbkit: { 1: tcp1, 3: tcp3 },
        haproxy: {
          1: { host: HAPROXY_VIP, port: HAPROXY_PORT[1] },
          3: { host: HAPROXY_VIP, port: HAPROXY_PORT[3] },
        },
        ...(dsr ? { dsr } : {}),
      },
      udp: { direct: { 1: at(UDP_PORT, 1), 3: at(UDP_PORT, 3) }, nlbkit: { 1: udp1, 3: udp3 } },
      destroy,
    };
    return lab;
  } catch (error) {
    await destroy();
    throw error;
  }
}
