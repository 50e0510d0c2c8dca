/**
 * `nlbkit agent --announce none|l2|bgp` and each mode's own flags: registered on the command, checked
 * while parsing (a hostile value never reaches BIRD, ip, arping or ndsend), and turned into the
 * {@link AnnounceConfig} the agent's announcer is built from.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { isNLBError } from '../interfaces/errors.js';
import { path } from '../native/announce/bgp/bird-values.js';
import type { AnnounceConfig, AnnounceMode } from '../native/announce/index.js';

/** The announce flags as parsed. */
export interface AnnounceFlags {
  announce: AnnounceMode;
  /** bgp: the BIRD include file nlbkit owns. */
  birdInclude?: string;
  /** bgp: BIRD's control socket. */
  birdSocket?: string;
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
    );
}

/** The announcer configuration for the parsed flags; throws a message when a flag belongs to another mode. */
export function announceConfig(flags: AnnounceFlags): AnnounceConfig {
  const bgpFlags = flags.birdInclude !== undefined || flags.birdSocket !== undefined;
  if (bgpFlags && flags.announce !== 'bgp')
    throw new Error('--bird-include and --bird-socket need --announce bgp');
  if (flags.announce === 'bgp')
    return {
      mode: 'bgp',
      ...(flags.birdInclude ? { includeFile: flags.birdInclude } : {}),
      ...(flags.birdSocket ? { socket: flags.birdSocket } : {}),
    };
  return { mode: flags.announce };
}
