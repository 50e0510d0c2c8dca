import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parseAddress } from '../interfaces/schemas.js';
import { DEVICE_NAME_PATTERN } from '../native/dataplane/dataplane-values.js';
import { resolveProbe } from '../native/health/probe-config.js';
import { parseVipRange } from '../native/vip/vip-pool.js';
import { type AnnounceFlags, addAnnounceOptions, announceConfig } from './announce-options.js';
import { commaList, STORE_OPTION, type StoreSpec } from './store-spec.js';

/** Options of `nlbkit agent`, as parsed. */
export interface AgentCommandOptions extends AnnounceFlags {
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
  /** Direct server return (issue 21): devices client traffic arrives on. */
  dsrIngress?: string[];
  /** Direct server return: the device on the backends' segment. */
  dsrEgress?: string;
  /** The older name of `probeAddress` (dsr only). */
  dsrProbeAddress?: string;
  /** The older name of `probeNetns`. */
  dsrProbeNetns?: string;
  /** The health probe's own address: dsr and tunnel backends are checked through the VIP from it. */
  probeAddress?: string;
  /** The device the probe's macvlan sits on; default the dsr egress. */
  probeDevice?: string;
  /** Next hop of the encapsulated tunnel probes; default none (tunnel backends on the device's link). */
  probeGateway?: string;
  /** The probe's network namespace; default nlbkit-probe. */
  probeNetns?: string;
  /** Tunnel forwarding (issue 21): devices client traffic arrives on. */
  tunnelIngress?: string[];
  /** The data plane: nftables (default) or IPVS. */
  dataplane: 'nftables' | 'ipvs';
  /** With IPVS: the VIP ranges whose virtual services the agent owns. */
  ipvsRanges?: string[];
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
const allDownMode = (text: string) => {
  if (text !== 'fail-open' && text !== 'reject')
    throw new InvalidArgumentError('must be fail-open or reject');
  return text;
};

/** The probe namespace's settings from the agent's options (the --probe-* and older --dsr-probe-* ones). */
export const probeOf = (opts: AgentCommandOptions) =>
  resolveProbe({
    probe: {
      address: opts.probeAddress,
      device: opts.probeDevice,
      gateway: opts.probeGateway,
      netns: opts.probeNetns,
    },
    dsrProbe: { address: opts.dsrProbeAddress, netns: opts.dsrProbeNetns },
    dsrEgress: opts.dsrEgress,
  });

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
 * nlbkit agent --store postgres --node lb1 --announce bgp --bird-include /etc/bird/nlbkit.conf
 * PGHOST=db.internal nlbkit agent --store postgres --node lb2 --announce l2 --l2-interface eth0
 */
export function registerAgentCommand(program: Command): void {
  addAnnounceOptions(program.command('agent'))
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
      '--dsr-ingress <list>',
      'offer direct server return: the devices client traffic to the VIPs arrives on (needs --dsr-egress)',
      deviceList,
    )
    .option(
      '--dsr-egress <device>',
      'direct server return: the device on the segment the backends share with this node',
      (text: string) => deviceList(text)[0] as string,
    )
    .option(
      '--probe-address <ipv4>',
      "a free address for the health probe, which checks each dsr and tunnel backend through the VIP (without it those backends are reported DOWN); for dsr, in the backends' subnet",
    )
    .option(
      '--probe-device <device>',
      "the device the probe's macvlan sits on: the dsr egress (the default), or the device tunnel backends are reached by",
    )
    .option(
      '--probe-gateway <ipv4>',
      "the next hop of the probe's encapsulated tunnel checks on the probe device (default: tunnel backends are on its link)",
    )
    .option(
      '--probe-netns <name>',
      "the probe's network namespace, made and removed by the agent (default nlbkit-probe)",
    )
    .option('--dsr-probe-address <ipv4>', 'the older name of --probe-address')
    .option('--dsr-probe-netns <name>', 'the older name of --probe-netns')
    .option(
      '--tunnel-ingress <list>',
      'offer tunnel forwarding (IPIP to the backends): the devices client traffic to the VIPs arrives on',
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
    .action(async (opts: AgentCommandOptions) => {
      if (opts.dataplane === 'ipvs' && !opts.ipvsRanges)
        program.error('error: --dataplane ipvs needs --ipvs-ranges');
      if (opts.dataplane === 'ipvs' && opts.flowtableDevices)
        program.error('error: --flowtable-devices is an nftables option; the IPVS data plane has none');
      if (!opts.dsrIngress !== !opts.dsrEgress)
        program.error('error: --dsr-ingress and --dsr-egress go together');
      try {
        probeOf(opts);
      } catch (e) {
        program.error(`error: ${e instanceof Error ? e.message : e}`);
      }
      if (opts.dataplane === 'ipvs' && opts.dsrIngress)
        program.error('error: direct server return is an nftables option; the IPVS data plane has none');
      if (opts.dataplane === 'ipvs' && opts.tunnelIngress)
        program.error('error: --tunnel-ingress is an nftables option; the IPVS data plane has none');
      try {
        announceConfig(opts);
      } catch (e) {
        program.error(`error: ${e instanceof Error ? e.message : e}`);
      }
      const { runAgent } = await import('./agent-run.js');
      await runAgent(opts);
    });
}
