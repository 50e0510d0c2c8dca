/**
 * How the fake shows virtual networks and network interfaces, as ARM does: a dual-stack subnet lists
 * both prefixes in `addressPrefixes` (a single-stack one has `addressPrefix`), and a dual-stack NIC
 * has a second, IPv6 ip configuration beside its primary IPv4 one (Azure has no IPv6-only NIC).
 */
import type { FakeNic, FakeSubnet, FakeVnet } from './state.js';

const prefixesOf = (s: FakeSubnet) => [`${s.prefix}.0/24`, ...(s.prefix6 ? [`${s.prefix6}::/64`] : [])];

export const vnetView = (vnet: FakeVnet, location: string) => ({
  name: vnet.name,
  id: vnet.id,
  location,
  properties: {
    addressSpace: { addressPrefixes: vnet.subnets.flatMap(prefixesOf) },
    subnets: vnet.subnets.map((s) => {
      const prefixes = prefixesOf(s);
      return {
        name: s.name,
        id: s.id,
        properties: prefixes.length > 1 ? { addressPrefixes: prefixes } : { addressPrefix: prefixes[0] },
      };
    }),
  },
});

const ipConfig = (n: FakeNic, name: string, ip: string, version: 'IPv4' | 'IPv6', primary: boolean) => ({
  name,
  id: `${n.id}/ipConfigurations/${name}`,
  properties: { primary, privateIPAddress: ip, privateIPAddressVersion: version, subnet: { id: n.subnetId } },
});

export const nicView = (n: FakeNic) => ({
  name: n.name,
  id: n.id,
  properties: {
    virtualMachine: { id: n.vmId },
    ipConfigurations: [
      ipConfig(n, 'ipconfig1', n.ip, 'IPv4', true),
      ...(n.ip6 ? [ipConfig(n, 'ipconfig-v6', n.ip6, 'IPv6', false)] : []),
    ],
  },
});
