/**
 * ARM's IP-version rules for a Standard load balancer (dual stack): an IPv6 frontend only beside an
 * IPv4 one, a private IPv6 frontend only on a subnet with an IPv6 prefix, a backend pool of one IP
 * version, and a rule joining a frontend and a pool of the same version. The first code is Azure's as
 * it answers (seen in cloud-provider-azure#1831); the others name the rule in Azure's style.
 */
import { invalid } from './arm.js';
import type { FakeSubnet } from './state.js';

export type IpVersion = 'IPv4' | 'IPv6';

export const versionOf = (ip: string): IpVersion => (ip.includes(':') ? 'IPv6' : 'IPv4');

/** Whether `ip` lies in `subnet`, in the prefix of its version. */
export const inSubnet = (ip: string, s: FakeSubnet) =>
  versionOf(ip) === 'IPv6' ? !!s.prefix6 && ip.startsWith(`${s.prefix6}::`) : ip.startsWith(`${s.prefix}.`);

/** An IPv6 frontend needs an IPv4 one on the same load balancer. */
export function checkFrontendVersions(lbId: string, versions: IpVersion[]) {
  if (versions.includes('IPv6') && !versions.includes('IPv4'))
    throw invalid(
      'AtleastOneIpV4RequiredForIpV6LbFrontendIpConfiguration',
      `At least one IPv4 frontend ipConfiguration is required for an IPv6 frontend ipConfiguration on the load balancer '${lbId}'`,
    );
}

/** A private IPv6 frontend needs a subnet with an IPv6 address prefix. */
export function checkPrivateVersion(version: IpVersion, subnet: FakeSubnet) {
  if (version === 'IPv6' && !subnet.prefix6)
    throw invalid(
      'PrivateIPAddressVersionNotSupportedInSubnet',
      `Subnet ${subnet.id} has no IPv6 address prefix; a private IPv6 frontend IP configuration needs one.`,
    );
}

/** The one IP version of a pool's addresses (undefined when it has none). */
export function poolVersion(poolId: string, ips: string[]): IpVersion | undefined {
  const versions = new Set(ips.map(versionOf));
  if (versions.size > 1)
    throw invalid(
      'BackendAddressPoolIpVersionMismatch',
      `Backend address pool ${poolId} has IPv4 and IPv6 addresses; a pool holds addresses of one IP version.`,
    );
  return [...versions][0];
}

/** A rule joins a frontend and a pool of one IP version. */
export function checkRuleVersions(ruleId: string, frontend: IpVersion, pool: IpVersion | undefined) {
  if (pool !== undefined && pool !== frontend)
    throw invalid(
      'LoadBalancingRuleFrontendAndBackendIpVersionMismatch',
      `Load balancing rule ${ruleId} joins an ${frontend} frontend IP configuration to a backend address pool of ${pool} addresses.`,
    );
}
