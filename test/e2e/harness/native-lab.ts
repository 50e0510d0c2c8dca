/**
 * A netns lab with nlbkit's native driver on it, used through the public API (nlbkit/native): the
 * driver runs its agent in this process, programming LB node 0's namespace through a recording
 * executor, so tests can see every command that reached `nft` and `ip`.
 */

import {
  createMemoryStore,
  createNativeDriver,
  createNetnsHealthSource,
  type EmbeddedAgentOptions,
  type NativeDriver,
  type NativeDriverOptions,
  type NetnsHealthSource,
  type StateStore,
} from '../../../src/drivers/native/index.js';
import { buildTopology, type Topology, type TopologyOptions } from '../../../src/lab/lab-topology.js';
import type { WorkerMonitorOptions } from '../../../src/native/health/netns-health-source.js';
import { type RecordingExecutor, recordingExecutor } from './recording-executor.js';

/** A lab with a native driver whose embedded agent programs LB node 0. */
export interface NativeLab {
  topo: Topology;
  driver: NativeDriver;
  store: StateStore;
  /** The agent's executor on LB node 0, recording every call. */
  lbExec: RecordingExecutor;
  /**
   * With the `health` option: node 0's health source, nlbkit's monitor in a worker in LB node 0's
   * namespace (createNetnsHealthSource, seed `lb0`), kept across restartAgent(). Closed by destroy().
   */
  health?: NetnsHealthSource;
  /**
   * A further driver on the same store whose embedded agent programs LB node `i` (node name `lb<i>`):
   * with `driver.nodes` naming every node, mutations wait for all of them. Closed by destroy().
   */
  driverFor(i: number): NativeDriver;
  /** Stops the agent (the kernel keeps its rules) and starts a fresh driver and agent on the same store. */
  restartAgent(): Promise<NativeDriver>;
  /** Stops the agent and removes the lab. */
  destroy(): Promise<void>;
}

/** Options: the topology's, plus driver and embedded-agent settings to override. */
export interface NativeLabOptions extends TopologyOptions {
  driver?: Partial<Omit<NativeDriverOptions, 'agent' | 'store'>>;
  /** E.g. `health` (a HealthSource), `allDown`, `intervalSeconds` (default 2 here). */
  agent?: Omit<Partial<EmbeddedAgentOptions>, 'executor' | 'node'>;
  /**
   * Health checks for node 0's agent from LB node 0's namespace (the test process itself cannot reach
   * the backends): the monitor's options (seed default `lb0`). Overrides `agent.health` for node 0.
   */
  health?: WorkerMonitorOptions;
}

/** Builds the lab and a driver on it. */
export async function startNativeLab(options: NativeLabOptions): Promise<NativeLab> {
  const topo = await buildTopology(options);
  const lbExec = recordingExecutor(topo.lbNodes[0]!.exec);
  const store = createMemoryStore();
  let health: NetnsHealthSource | undefined;
  if (options.health) {
    health = createNetnsHealthSource({
      netns: topo.lbNodes[0]!.ns,
      monitorOptions: { seed: 'lb0', ...options.health },
    });
    try {
      // Start the worker now, so the first NLB's checks do not wait for it.
      await health.ready();
    } catch (e) {
      await health.close();
      await topo.destroy();
      throw e;
    }
  }
  const vmInventory = Object.fromEntries(
    topo.backends.map((be) => [
      be.name,
      { ipv4: be.address.v4, ipv6: topo.ipv6 ? be.address.v6 : undefined },
    ]),
  );
  const others: NativeDriver[] = [];
  const make = (i = 0) =>
    createNativeDriver({
      vipPool: { ranges: topo.ipv6 ? [topo.vipPool.v4, topo.vipPool.v6] : [topo.vipPool.v4] },
      vmInventory,
      convergenceTimeoutMs: 10_000,
      ...options.driver,
      store,
      // 'lo' rather than the agent's own dummy interface: this kernel has no dummy driver.
      agent: {
        executor: i === 0 ? lbExec : topo.lbNodes[i]!.exec,
        node: `lb${i}`,
        interface: 'lo',
        intervalSeconds: 2,
        ...options.agent,
        ...(i === 0 && health ? { health } : {}),
      },
    });
  const lab: NativeLab = {
    topo,
    driver: make(),
    store,
    lbExec,
    health,
    driverFor(i) {
      const driver = make(i);
      others.push(driver);
      return driver;
    },
    async restartAgent() {
      await lab.driver.close();
      lab.driver = make();
      return lab.driver;
    },
    async destroy() {
      await Promise.allSettled([lab.driver.close(), ...others.map((d) => d.close())]);
      await health?.close();
      await topo.destroy();
    },
  };
  return lab;
}
