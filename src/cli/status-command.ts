import type { Command } from 'commander';
import { NODE_NAME_PATTERN } from '../native/store/store-schema.js';
import { renderStatus, storeStatus } from './status-report.js';
import { commaList, openStore, STORE_OPTION, type StoreSpec } from './store-spec.js';

/** Options of `nlbkit status`, as parsed. */
interface StatusOptions {
  store: StoreSpec;
  /** Given without a list (`--nodes`): every node that reported. */
  nodes?: string[] | true;
  json?: boolean;
}

const nodeList = commaList(NODE_NAME_PATTERN, 1000, "node names (letters, digits, '.', '_', '-')");

/**
 * Registers `nlbkit status`: what the store holds and whether every LB node has applied it. Exits 0
 * when converged (every node at the store's revision, no error), 1 otherwise, so scripts and probes can
 * use it.
 *
 * @example
 * nlbkit status --store /var/lib/nlbkit --nodes lb1,lb2
 * nlbkit status --store /var/lib/nlbkit --nodes
 * PGHOST=db.internal nlbkit status --store postgres --json
 */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show the native store: NLBs, and which nodes have applied them (exit 1 if not converged)')
    .requiredOption(...STORE_OPTION)
    .option(
      '--nodes [list]',
      'the nodes that must have applied the state (default: every node that reported); each node shows its revision, announcements (bgp sessions, l2 owners) and unhealthy backends',
      nodeList,
    )
    .option('--json', 'print the status as JSON')
    .action(async (opts: StatusOptions) => {
      const store = openStore(opts.store);
      try {
        const nodes = opts.nodes === true ? undefined : opts.nodes;
        const status = storeStatus(await store.list(), await store.listNodeReports(), nodes);
        console.log(opts.json ? JSON.stringify(status, null, 2) : renderStatus(status, store.description));
        if (!status.converged) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
