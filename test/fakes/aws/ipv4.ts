/** IPv4 arithmetic for carving subnets and picking instance addresses. */
import ipaddr from 'ipaddr.js';

/** Dotted quad -> unsigned 32-bit integer. */
export function ipToInt(ip: string): number {
  const b = ipaddr.IPv4.parse(ip).toByteArray();
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

/** Unsigned 32-bit integer -> dotted quad. */
export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/len` into its network base and prefix length. */
export function parseCidr(cidr: string): { base: number; prefix: number } {
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ipToInt(addr.toString()) & mask) >>> 0, prefix };
}

/** Whether an IPv4 address lies inside a CIDR block. */
export function cidrContains(cidr: string, ip: string): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) return false;
  const { base, prefix } = parseCidr(cidr);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (ipToInt(ip) & mask) >>> 0 === base;
}
