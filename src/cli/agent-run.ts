/** Runs `nlbkit agent` (see agent-command.ts): builds the agent from options, stops it on a signal. */
import { createAgent } from '../native/agent/agent.js';
import { INTERFACE_PATTERN } from '../native/agent/vip-addresses.js';
import { createL2Announcer, requireLeases } from '../native/announce/l2/index.js';
import { localExecutor } from '../native/executor/local-executor.js';
import { netnsExecutor } from '../native/executor/netns-executor.js';
import { startMetricsServer } from '../native/health/metrics-server.js';
import { createHealthMonitor } from '../native/health/monitor.js';
import { createNetnsHealthSource } from '../native/health/netns-health-source.js';
import { createIpvsDataplane } from '../native/ipvs/ipvs-dataplane.js';
import { createNftDataplane } from '../native/nft/nft-dataplane.js';
import { NODE_NAME_PATTERN } from '../native/store/store-schema.js';
import type { AgentCommandOptions } from './agent-command.js';
import { openStore } from './store-spec.js';

const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);

/** Runs the agent until SIGINT/SIGTERM (or `stop` aborts); resolves after a clean shutdown. */
export async function runAgent(opts: AgentCommandOptions, stop?: AbortSignal): Promise<void> {
  if (!NODE_NAME_PATTERN.test(opts.node))
    throw new Error(`--node '${opts.node}' must be 1-63 letters, digits, '.', '_' or '-'`);
  if (opts.interface !== undefined && !INTERFACE_PATTERN.test(opts.interface))
    throw new Error(`--interface '${opts.interface}' is not a valid interface name`);
  const executor = opts.netns ? netnsExecutor(opts.netns) : localExecutor();
  const store = openStore(opts.store);
  // Refused (bad settings, a store without leases) before anything starts.
  const announce =
    opts.announce === 'l2'
      ? createL2Announcer({
          leases: requireLeases(store),
          node: opts.node,
          executor,
          interface: opts.l2Interface as string,
          leaseTtlMs: opts.l2LeaseTtl,
          renewEveryMs: opts.l2Renew,
          safetyMarginMs: opts.l2Margin,
          log,
        })
      : undefined;
  // With --netns, checks run in a worker inside that namespace, so they take the data plane's path.
  const health = !opts.health
    ? undefined
    : opts.netns
      ? createNetnsHealthSource({ netns: opts.netns, monitorOptions: { seed: opts.node }, log })
      : createHealthMonitor({ seed: opts.node });
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
    `agent ${opts.node} starting: store ${store.description}, ${opts.dataplane ?? 'nftables'} on ${executor.where}, every ${opts.interval}s`,
  );
  try {
    const first = await agent.start();
    log(`agent ${opts.node} serving revision ${first.revision} (${first.sync.mode})`);
  } catch (e) {
    // The agent keeps retrying on its own; a node that cannot apply yet still reports why.
    log(`agent ${opts.node}: first reconcile failed, retrying: ${e instanceof Error ? e.message : e}`);
  }
  const why = await stopped;
  log(`agent ${opts.node} stopping (${why})`);
  if (opts.teardownOnExit) await agent.teardown();
  else await agent.stop();
  await metrics?.close();
  await health?.close();
  await store.close();
  log(
    `agent ${opts.node} stopped${opts.teardownOnExit ? ', ruleset and VIPs removed' : '; the kernel keeps serving'}`,
  );
}
