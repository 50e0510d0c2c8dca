/**
 * One LB node's agent with the layer-2 announcer, as a process of its own (so a test can kill -9 it):
 * the PostgreSQL store, nftables in the node's namespace, no health checks (every backend serves).
 * The test's own wiring until `nlbkit agent --announce l2` is merged. Argument: JSON of L2AgentArgs.
 * Prints `ready` once the first reconcile is done; SIGTERM stops it gracefully (VIPs handed over).
 */
import { createAgent } from '../../../src/native/agent/agent.js';
import { createL2Announcer } from '../../../src/native/announce/l2/index.js';
import { netnsExecutor } from '../../../src/native/executor/netns-executor.js';
import { createNftDataplane } from '../../../src/native/nft/nft-dataplane.js';
import { createPostgresStore } from '../../../src/native/store/postgres-store.js';

/** What the test passes. */
export interface L2AgentArgs {
  node: string;
  netns: string;
  pgUrl: string;
  schema: string;
  iface: string;
  ttlMs: number;
  renewMs: number;
  marginMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as L2AgentArgs;
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
const store = createPostgresStore({ connection: { connectionString: args.pgUrl }, schema: args.schema });
const executor = netnsExecutor(args.netns);
const announce = createL2Announcer({
  leases: store.leases!,
  node: args.node,
  executor,
  interface: args.iface,
  leaseTtlMs: args.ttlMs,
  renewEveryMs: args.renewMs,
  safetyMarginMs: args.marginMs,
  log,
});
const agent = createAgent({
  store,
  node: args.node,
  executor,
  dataplane: () => createNftDataplane({ executor }),
  intervalSeconds: 5,
  announce,
  log,
});
process.once('SIGTERM', () => {
  void agent
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
agent.start().then(
  () => process.stdout.write('ready\n'),
  (e: unknown) => {
    log(`first reconcile failed: ${e instanceof Error ? e.message : e}`);
    process.stdout.write('ready\n');
  },
);
