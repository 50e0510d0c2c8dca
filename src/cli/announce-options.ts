/**
 * `nlbkit agent --announce none|l2|bgp` and each mode's own flags: registered on the command, checked
 * while parsing (a hostile value never reaches BIRD, ip, arping or ndsend), and turned into the
 * {@link AnnounceConfig} the agent's announcer is built from.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { isNLBError } from '../interfaces/errors.js';
import { INTERFACE_PATTERN } from '../native/agent/vip-addresses.js';
import { path } from '../native/announce/bgp/bird-values.js';
import type { AnnounceConfig, AnnounceMode } from '../native/announce/index.js';

/** The announce flags as parsed. */
export interface AnnounceFlags {
  announce: AnnounceMode;
  /** bgp: the BIRD include file nlbkit owns. */
  birdInclude?: string;
  /** bgp: BIRD's control socket. */
  birdSocket?: string;
  /** l2: the interface on the shared segment that holds and announces the node's VIPs. */
  l2Interface?: string;
  /** l2: lease TTL, renew interval and safety margin (ms); defaults in createL2Announcer. */
  l2LeaseTtl?: number;
  l2Renew?: number;
  l2Margin?: number;
}

const mode = (text: string): AnnounceMode => {
  if (text !== 'none' && text !== 'l2' && text !== 'bgp')
    throw new InvalidArgumentError('must be none, l2 or bgp');
  return text;
};
const birdPath = (what: string) => (text: string) => {
  try {
    return path(text, what);
  } catch (e) {
    throw new InvalidArgumentError(
      isNLBError(e) ? e.message.replace(/^\[nlbkit\] \[native\] render: /, '') : what,
    );
  }
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

/** Adds `--announce` and the mode-specific flags to `command`. */
export function addAnnounceOptions(command: Command): Command {
  return command
    .option(
      '--announce <mode>',
      'how this node announces its VIPs: none (routing done by hand), l2 (ARP/NDP) or bgp (through BIRD 2)',
      mode,
      'none',
    )
    .option(
      '--bird-include <path>',
      'with --announce bgp: the BIRD include file nlbkit owns (default /etc/bird/nlbkit.conf)',
      birdPath('BIRD include file'),
    )
    .option(
      '--bird-socket <path>',
      "with --announce bgp: BIRD's control socket (default /run/bird/bird.ctl)",
      birdPath('BIRD control socket'),
    )
    .option(
      '--l2-interface <iface>',
      'with --announce l2: the interface on the shared segment, e.g. eth0 (needs --store postgres)',
      interfaceName,
    )
    .option(
      '--l2-lease-ttl <ms>',
      'with --announce l2: lease time to live (default 1000, with the watchdog the agent starts)',
      ms,
    )
    .option('--l2-renew <ms>', 'with --announce l2: renew interval (default a quarter of the TTL)', ms)
    .option(
      '--l2-margin <ms>',
      'with --announce l2: drop a VIP this long before its lease could end (default 30% of the TTL)',
      ms,
    );
}

/** The announcer configuration for the parsed flags; throws a message when a flag belongs to another mode. */
export function announceConfig(flags: AnnounceFlags): AnnounceConfig {
  const bgpFlags = flags.birdInclude !== undefined || flags.birdSocket !== undefined;
  if (bgpFlags && flags.announce !== 'bgp')
    throw new Error('--bird-include and --bird-socket need --announce bgp');
  const l2Flags = [flags.l2Interface, flags.l2LeaseTtl, flags.l2Renew, flags.l2Margin].some(
    (f) => f !== undefined,
  );
  if (l2Flags && flags.announce !== 'l2') throw new Error('the --l2-* flags need --announce l2');
  if (flags.announce === 'l2') {
    if (!flags.l2Interface) throw new Error('--announce l2 needs --l2-interface');
    return {
      mode: 'l2',
      interface: flags.l2Interface,
      ...(flags.l2LeaseTtl !== undefined ? { leaseTtlMs: flags.l2LeaseTtl } : {}),
      ...(flags.l2Renew !== undefined ? { renewEveryMs: flags.l2Renew } : {}),
      ...(flags.l2Margin !== undefined ? { safetyMarginMs: flags.l2Margin } : {}),
    };
  }
  if (flags.announce === 'bgp')
    return {
      mode: 'bgp',
      ...(flags.birdInclude ? { includeFile: flags.birdInclude } : {}),
      ...(flags.birdSocket ? { socket: flags.birdSocket } : {}),
    };
  return { mode: flags.announce };
}
