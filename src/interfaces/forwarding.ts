/**
 * Forwarding modes (extension, issue 21): which a driver offers, and the checks a request must pass
 * before anything changes. Kept apart from capabilities.ts, which calls these from its create and
 * change checks.
 */
import type { Violation } from './errors.js';
import { quoteInput } from './input-text.js';
import type { AddressFamily, Algorithm, ForwardingMode } from './types.js';

/** Which forwarding modes (`vmGroup.forwarding`) a driver offers. */
export interface ForwardingCapabilities {
  /** The modes `vmGroup.forwarding` may take. */
  modes: ForwardingMode[];
  /** What an NLB created without `vmGroup.forwarding` gets (`nat` on the native driver). */
  default: ForwardingMode;
  /**
   * Whether a live NLB's mode may change. False on the native driver: a change would break every
   * established connection (NAT state on one side, VIP-on-`lo` backends on the other); delete and
   * re-create instead.
   */
  change: boolean;
  /** Modes offered to IPv4 listeners only (native `dsr`: nft 1.0.6 cannot build its IPv6 rules). */
  ipv4Only?: ForwardingMode[] | undefined;
}

/** True for the modes where every LB node must choose a flow's VM alike (the packet is not rewritten). */
export const isStatelessForwarding = (mode: ForwardingMode | undefined): boolean =>
  mode === 'dsr' || mode === 'tunnel';

/** What a forwarding check needs to know of the NLB as it would be after the request. */
export interface ForwardingCheck {
  /** The mode the request names (undefined: the default on create, the one in force on a change). */
  requested: ForwardingMode | undefined;
  /** The mode in force (changes only). */
  current?: ForwardingMode | undefined;
  /** The algorithm after the request (undefined on create: the driver's default). */
  algorithm: Algorithm | undefined;
  listenerPort: number;
  groupPort: number;
  family: AddressFamily | undefined;
  /** Which part of the request moved the ports or family: names the violation's path. */
  portPath?: 'listener.port' | 'vmGroup.port';
}

const violation = (code: Violation['code'], path: string, message: string, allowed?: string): Violation => ({
  path,
  message,
  allowed,
  code,
});

/**
 * Every reason `vmGroup.forwarding` (requested, or in force) cannot hold for this request: a mode the
 * driver does not offer or cannot change to (UNSUPPORTED), and what stateless modes need of every
 * driver (INVALID_ARGUMENT): MAGLEV, so every LB node picks a flow's VM from the packet alone, and
 * equal listener and VM group ports, since the packet reaches the VM unchanged.
 */
export function checkForwarding(
  caps: { driver: string; forwarding?: ForwardingCapabilities | undefined },
  c: ForwardingCheck,
): Violation[] {
  const out: Violation[] = [];
  const path = 'vmGroup.forwarding';
  const fw = caps.forwarding;
  if (!fw) {
    // Refused even as 'nat': a field the driver would silently drop is an error, not a no-op.
    if (c.requested !== undefined)
      out.push(violation('UNSUPPORTED', path, `the forwarding mode cannot be set on ${caps.driver}`));
    return out;
  }
  if (c.requested !== undefined && !fw.modes.includes(c.requested)) {
    const text = `forwarding mode ${quoteInput(c.requested)} is not supported on ${caps.driver}`;
    out.push(violation('UNSUPPORTED', path, text, fw.modes.join('|')));
    return out;
  }
  if (c.current !== undefined && c.requested !== undefined && c.requested !== c.current && !fw.change) {
    const text = `cannot be changed on ${caps.driver} (now ${c.current}): delete and re-create the NLB`;
    out.push(violation('UNSUPPORTED', path, text));
    return out;
  }
  const mode = c.requested ?? c.current ?? fw.default;
  if (!isStatelessForwarding(mode)) return out;
  if (c.algorithm !== undefined && c.algorithm !== 'MAGLEV')
    out.push(
      violation(
        'INVALID_ARGUMENT',
        'vmGroup.algorithm',
        `${mode} forwarding needs MAGLEV: every LB node must pick a flow's VM from the packet alone`,
        'MAGLEV',
      ),
    );
  if (c.listenerPort !== c.groupPort)
    out.push(
      violation(
        'INVALID_ARGUMENT',
        c.portPath ?? 'vmGroup.port',
        `${mode} forwarding delivers packets unchanged: the VM group port must equal the listener port (${c.listenerPort})`,
      ),
    );
  if (c.family !== undefined && c.family !== 'IPV4' && fw.ipv4Only?.includes(mode))
    out.push(
      violation('UNSUPPORTED', path, `${mode} forwarding serves IPv4 listeners only on ${caps.driver}`),
    );
  return out;
}
