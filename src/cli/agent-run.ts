/** Runs `nlbkit agent` (see agent-command.ts): builds the agent from options, stops it on a signal. */
import { createAgent } from '../native/agent/agent.js';
import { INTERFACE_PATTERN } from '../native/agent/vip-addresses.js';
import { createAnnouncer } from '../native/announce/index.js';
import { localExecutor } from '../native/executor/local-executor.js';
import { netnsExecutor } from '../native/executor/netns-executor.js';
import { startMetricsServer } from '../native/health/metrics-server.js';
import { createHealthMonitor } from '../native/health/monitor.js';
import { createNetnsHealthSource } from '../native/health/netns-health-source.js';
import { createDsrProbeHealth, createPathHealthSource } from '../native/health/path-health-source.js';
import { createIpvsDataplane } from '../native/ipvs/ipvs-dataplane.js';
import { createNftDataplane } from '../native/nft/nft-dataplane.js';
import { isStoreMissing } from '../native/store/store-errors.js';
import { NODE_NAME_PATTERN } from '../native/store/store-schema.js';
import { type AgentCommandOptions, probeOf } from './agent-command.js';
import { announceConfig } from './announce-options.js';
import { openStore } from './store-spec.js';

const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);

/** Runs the agent until SIGINT/SIGTERM (or `stop` aborts); resolves after a clean shutdown. */
export async function runAgent(opts: AgentCommandOptions, stop?: AbortSignal): Promise<void> {
  if (!NODE_NAME_PATTERN.test(opts.node))
    throw new Error(`--node '${opts.node}' must be 1-63 letters, digits, '.', '_' or '-'`);
  if (opts.interface !== undefined && !INTERFACE_PATTERN.test(opts.interface))
    throw new Error(`--interface '${opts.interface}' is not a valid interface name`);
  const executor = opts.netns ? netnsExecutor(opts.netns) : localExecutor();
  // Opening a store reads nothing. The announcer is built before anything touches the store or the
  // kernel: a bad announce option (or l2 on a store without leases) stops the agent first.
  const store = openStore(opts.store);
  const announce = createAnnouncer(announceConfig(opts), { log, store, node: opts.node, executor });
  // With --netns, checks run in a worker inside that namespace, so they take the data plane's path.
  const direct = !opts.health
    ? undefined
    : opts.netns
      ? createNetnsHealthSource({ netns: opts.netns, monitorOptions: { seed: opts.node }, log })
      : createHealthMonitor({ seed: opts.node });
  // dsr and tunnel backends are checked through the VIP, from the agent's probe namespace (fails
  // closed without).
  const probe = probeOf(opts);
  const health =
    direct && probe
      ? createPathHealthSource({
          direct,
          log,
          dsr: createDsrProbeHealth({ executor, ...probe, seed: opts.node, log }),
        })
      : direct;
  const agent = createAgent({
    store,
    node: opts.node,
    executor,
    dataplane:
      opts.dataplane === 'ipvs'
        ? () => createIpvsDataplane({ executor, ownedRanges: opts.ipvsRanges ?? [] })
        : () =>
            createNftDataplane({
              executor,
              ...(opts.flowtableDevices ? { flowtable: { devices: opts.flowtableDevices } } : {}),
              ...(opts.dsrIngress && opts.dsrEgress
                ? { dsr: { ingress: opts.dsrIngress, egress: opts.dsrEgress } }
                : {}),
              ...(opts.tunnelIngress ? { tunnel: { ingress: opts.tunnelIngress } } : {}),
            }),
    interface: opts.interface,
    intervalSeconds: opts.interval,
    health,
    allDown: opts.allDown,
    announce,
    log,
  });

  if (opts.metricsPort !== undefined && !health)
    throw new Error('--metrics-port needs health checks (drop --no-health)');
  const metrics =
    health && opts.metricsPort !== undefined
      ? await startMetricsServer(() => health.metricsText(), {
          port: opts.metricsPort,
          host: opts.metricsHost,
        })
      : undefined;
  if (metrics) log(`agent ${opts.node} serving metrics at ${metrics.url}`);

  const stopped = new Promise<string>((resolve) => {
    const on = (signal: string) => () => resolve(signal);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
    stop?.addEventListener('abort', on('abort'), { once: true });
  });
  log(
    `agent ${opts.node} starting: store ${store.description}, ${opts.dataplane ?? 'nftables'} on ${executor.where}, every ${opts.interval}s, announce ${announce.mode}`,
  );
  try {
    const first = await agent.start();
    log(`agent ${opts.node} serving revision ${first.revision} (${first.sync.mode})`);
  } catch (e) {
    if (isStoreMissing(e)) {
      // A mistyped --store, or a store never created: serving it as empty would remove every service.
      await metrics?.close();
      await health?.close();
      await store.close();
      throw e;
    }
    // The agent keeps retrying on its own; a node that cannot apply yet still reports why.
    log(`agent ${opts.node}: first reconcile failed, retrying: ${e instanceof Error ? e.message : e}`);
  }
  const why = await stopped;
  log(`agent ${opts.node} stopping (${why})`);
  // A graceful stop withdraws (bgp) or hands over (l2) the VIPs; if that fails, say so and exit anyway.
  try {
    if (opts.teardownOnExit) await agent.teardown();
    else await agent.stop();
  } catch (e) {
    log(`agent ${opts.node}: stopping the announcer failed: ${e instanceof Error ? e.message : e}`);
    process.exitCode = 1;
  }
  await metrics?.close();
  await health?.close();
  await store.close();
  log(
    `agent ${opts.node} stopped${opts.teardownOnExit ? ', ruleset and VIPs removed' : '; the kernel keeps serving'}`,
  );
}
