import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parseAddress } from '../interfaces/schemas.js';
import { INTERFACE_PATTERN } from '../native/agent/vip-addresses.js';
import { DEVICE_NAME_PATTERN } from '../native/nft/nft-values.js';
import { parseVipRange } from '../native/vip/vip-pool.js';
import { commaList, STORE_OPTION, type StoreSpec } from './store-spec.js';

/** Options of `nlbkit agent`, as parsed. */
export interface AgentCommandOptions {
  store: StoreSpec;
  node: string;
  netns?: string;
  interface?: string;
  interval: number;
  health: boolean;
  allDown: 'fail-open' | 'reject';
  teardownOnExit?: boolean;
  /** Serve health metrics (Prometheus text) on this port; off unless given. */
  metricsPort?: number;
  /** Address for the metrics endpoint; default 127.0.0.1 (the node only). */
  metricsHost: string;
  /** Devices of an nftables flowtable for established load-balanced flows (opt-in). */
  flowtableDevices?: string[];
  /** The data plane: nftables (default) or IPVS. */
  dataplane: 'nftables' | 'ipvs';
  /** With IPVS: the VIP ranges whose virtual services the agent owns. */
  ipvsRanges?: string[];
  /** How the node announces its VIPs: none (default) or l2 (lease-owned VIPs on --l2-interface). */
  announce: 'none' | 'l2';
  /** l2: the interface on the shared segment that holds and announces the node's VIPs. */
  l2Interface?: string;
  /** l2: lease TTL, renew interval and safety margin (ms); defaults in createL2Announcer. */
  l2LeaseTtl?: number;
  l2Renew?: number;
  l2Margin?: number;
}

const seconds = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 3600) throw new InvalidArgumentError('must be 1-3600 seconds');
  return n;
};
const port = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port, 0-65535');
  return n;
};
const address = (text: string): string => {
  if (!parseAddress(text)) throw new InvalidArgumentError('must be an IPv4 or IPv6 address');
  return text;
};
const deviceList = commaList(DEVICE_NAME_PATTERN, 16, 'device names (e.g. eth0,eth1)');
const dataplaneName = (text: string) => {
  if (text !== 'nftables' && text !== 'ipvs') throw new InvalidArgumentError('must be nftables or ipvs');
  return text;
};
const vipRanges = (text: string): string[] => {
  const list = text.split(',').map((item) => item.trim());
  for (const item of list) {
    try {
      parseVipRange(item);
    } catch {
      throw new InvalidArgumentError(`'${item.slice(0, 60)}' is not a CIDR or an a-b address range`);
    }
  }
  return list;
};
const announceMode = (text: string) => {
  if (text !== 'none' && text !== 'l2') throw new InvalidArgumentError('must be none or l2');
  return text;
};
const ms = (text: string): number => {
  const n = Number(text);
  if (!/^[0-9]{1,7}$/.test(text) || n < 50 || n > 600_000)
    throw new InvalidArgumentError('must be 50-600000 milliseconds');
  return n;
};
const interfaceName = (text: string) => {
  if (!INTERFACE_PATTERN.test(text)) throw new InvalidArgumentError('must be an interface name (e.g. eth0)');
  return text;
};
const allDownMode = (text: string) => {
  if (text !== 'fail-open' && text !== 'reject')
    throw new InvalidArgumentError('must be fail-open or reject');
  return text;
};

/**
 * Registers `nlbkit agent`: runs the native agent of one LB node against a file store (a directory) or
 * the PostgreSQL store (`postgres[:schema]`, connection from the PG* environment) until SIGINT or
 * SIGTERM. Stopping leaves the kernel as it is (traffic keeps flowing across a restart) unless
 * `--teardown-on-exit` is given.
 *
 * @example
 * nlbkit agent --store /var/lib/nlbkit --node lb1 --interval 10
 * nlbkit agent --store /var/lib/nlbkit --node lb1 --dataplane ipvs --ipvs-ranges 10.99.0.0/24
 * PGHOST=db.internal PGUSER=nlbkit nlbkit agent --store postgres --node lb2
 * PGHOST=db.internal nlbkit agent --store postgres --node lb2 --announce l2 --l2-interface eth0
 */
export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description('run the native load-balancer agent of this node until SIGINT/SIGTERM')
    .requiredOption(...STORE_OPTION)
    .requiredOption('--node <name>', "this node's name in the store (letters, digits, '.', '_', '-')")
    .option('--netns <name>', 'program the kernel of this network namespace instead of the host')
    .option('--interface <iface>', 'interface for the VIPs (default: a dummy nlbkit0, or lo)')
    .option('--interval <sec>', 'seconds between periodic reconciles', seconds, 10)
    .option('--no-health', 'run no health checks: every backend gets flows, health is reported UNKNOWN')
    .option(
      '--all-down <mode>',
      'when every backend is unhealthy: fail-open or reject',
      allDownMode,
      'fail-open',
    )
    .option('--teardown-on-exit', 'remove the ruleset and the VIPs when stopping')
    .option(
      '--metrics-port <port>',
      'serve health-check metrics for Prometheus at /metrics (off by default)',
      port,
    )
    .option('--metrics-host <address>', 'address the metrics endpoint binds', address, '127.0.0.1')
    .option(
      '--flowtable-devices <list>',
      'fast-path established load-balanced flows with an nftables flowtable on these devices (e.g. eth0,eth1)',
      deviceList,
    )
    .option(
      '--dataplane <name>',
      'what programs the kernel: nftables, or ipvs (the Linux Virtual Server, NAT mode; needs --ipvs-ranges)',
      dataplaneName,
      'nftables',
    )
    .option(
      '--ipvs-ranges <list>',
      "with --dataplane ipvs: the VIP pool's ranges (CIDRs or a-b); the agent owns the IPVS services there and no others",
      vipRanges,
    )
    .option(
      '--announce <mode>',
      'how the node announces its VIPs: none, or l2 (one node per VIP holds it on --l2-interface; needs --store postgres)',
      announceMode,
      'none',
    )
    .option(
      '--l2-interface <iface>',
      'with --announce l2: the interface on the shared segment, e.g. eth0',
      interfaceName,
    )
    .option('--l2-lease-ttl <ms>', 'with --announce l2: lease time to live (default 4000)', ms)
    .option('--l2-renew <ms>', 'with --announce l2: renew interval (default a quarter of the TTL)', ms)
    .option(
      '--l2-margin <ms>',
      'with --announce l2: drop a VIP this long before its lease could end (default a fifth of the TTL)',
      ms,
    )
    .action(async (opts: AgentCommandOptions) => {
      if (opts.announce === 'l2' && !opts.l2Interface)
        program.error('error: --announce l2 needs --l2-interface');
      if (opts.dataplane === 'ipvs' && !opts.ipvsRanges)
        program.error('error: --dataplane ipvs needs --ipvs-ranges');
      if (opts.dataplane === 'ipvs' && opts.flowtableDevices)
        program.error('error: --flowtable-devices is an nftables option; the IPVS data plane has none');
      const { runAgent } = await import('./agent-run.js');
      await runAgent(opts);
    });
}
