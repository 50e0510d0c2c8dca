/**
 * The commands the layer-2 announcer runs, as argument vectors: the gate every value passes on its way
 * to `ip`, `arping` and `na6` (each VIP re-checked as a canonical address of its family, the interface
 * against the interface pattern).
 */
import { NLBError } from '../../../interfaces/errors.js';
import { parseAddress } from '../../../interfaces/schemas.js';
import { INTERFACE_PATTERN } from '../../agent/vip-addresses.js';

const unsafe = (what: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation: 'announce', message: what });

/** Returns the family of a canonical VIP; throws for anything else (before a command is built). */
export function vipFamily(vip: string): 4 | 6 {
  const p = typeof vip === 'string' ? parseAddress(vip) : undefined;
  if (!p || p.address !== vip) throw unsafe(`'${String(vip).slice(0, 60)}' is not a canonical IP address`);
  return p.family;
}

const iface = (name: string) => {
  if (!INTERFACE_PATTERN.test(name)) throw unsafe(`'${name.slice(0, 40)}' is not a valid interface name`);
  return name;
};

/** `ip addr replace`: adds the VIP, or refreshes its lifetime when it is there. */
export function holdArgv(vip: string, dev: string, lifetimeS: number): string[] {
  const v6 = vipFamily(vip) === 6;
  if (!Number.isInteger(lifetimeS) || lifetimeS < 1) throw unsafe(`bad address lifetime ${lifetimeS}`);
  const lft = String(lifetimeS);
  const argv = ['ip', v6 ? '-6' : '-4', 'addr', 'replace', `${vip}/${v6 ? 128 : 32}`, 'dev', iface(dev)];
  argv.push('valid_lft', lft, 'preferred_lft', lft);
  // Duplicate address detection would hold a fresh IPv6 VIP back for a second or so.
  if (v6) argv.push('nodad');
  return argv;
}

/** `ip addr del` of the VIP. */
export function dropArgv(vip: string, dev: string): string[] {
  const v6 = vipFamily(vip) === 6;
  return ['ip', v6 ? '-6' : '-4', 'addr', 'del', `${vip}/${v6 ? 128 : 32}`, 'dev', iface(dev)];
}

/**
 * Tells the segment that the VIP is here: a gratuitous ARP request (`arping -U`, iputils) for IPv4;
 * for IPv6 an unsolicited neighbour advertisement to all nodes with the override flag and this
 * interface's MAC (`na6` of the SI6 IPv6 toolkit; Debian's ndisc6 ships no `ndsend`).
 */
export function announceArgv(vip: string, dev: string): string[] {
  if (vipFamily(vip) === 4) return ['arping', '-U', '-c', '1', '-w', '1', '-I', iface(dev), vip];
  return ['na6', '-i', iface(dev), '-s', vip, '-d', 'ff02::1', '-t', vip, '-o', '-e'];
}
