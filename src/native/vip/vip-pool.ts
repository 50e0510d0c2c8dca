/**
 * A pool of listener addresses (VIPs) over CIDRs and inclusive ranges, IPv4 and IPv6, as slb's IPAM
 * range. The pool holds no allocation state: callers pass the addresses in use (derived from the NLB
 * records), so nothing can leak when an NLB is deleted or a driver crashes.
 */
import ipaddr from 'ipaddr.js';
import { NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { parseAddress } from '../../interfaces/schemas.js';

/** One parsed range of the pool, inclusive at both ends. */
export interface VipRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
  /** As the user wrote it. */
  text: string;
}

/** A VIP pool; see the module comment. */
export interface VipPool {
  /** The ranges as given, for messages: `10.99.0.0/24, fd00:99::/120`. */
  readonly description: string;
  readonly ranges: readonly VipRange[];
  /** True when canonical address `ip` lies in one of the ranges (and is not a reserved address). */
  contains(ip: string): boolean;
  /** The lowest address of `family` not in `used`, first range first; undefined when none is free. */
  allocate(used: Iterable<string>, family: 4 | 6): string | undefined;
  /**
   * Where canonical address `ip` stands in the pool's order of its family (ranges in the order given,
   * addresses ascending within each): 0 for the first address. Undefined outside the pool.
   */
  rank(ip: string): bigint | undefined;
  /**
   * The first address of `family` at rank `fromRank` (default 0) or after it for which `taken` says
   * false, with its rank; undefined when none is free. Costs one `taken` call per address skipped.
   */
  firstFree(
    family: 4 | 6,
    taken: (ip: string) => boolean,
    fromRank?: bigint,
  ): { ip: string; rank: bigint } | undefined;
  /** The families the pool can hand out. */
  readonly families: ReadonlySet<4 | 6>;
}

const toBig = (address: string): bigint =>
  ipaddr
    .parse(address)
    .toByteArray()
    .reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

function fromBig(value: bigint, family: 4 | 6): string {
  const bytes: number[] = [];
  let v = value;
  for (let i = 0; i < (family === 4 ? 4 : 16); i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

const badRange = (text: string, why: string) =>
  new NLBError({
    code: 'INVALID_ARGUMENT',
    driver: 'native',
    operation: 'vipPool',
    message: `VIP range ${quoteInput(text)} ${why}; write a CIDR (10.99.0.0/24, fd00::/120) or a range (10.0.0.5-10.0.0.9)`,
    violations: [{ path: 'vipPool.ranges', message: `${quoteInput(text)} ${why}`, code: 'INVALID_ARGUMENT' }],
  });

/** Parses one CIDR or `a-b` range. Throws INVALID_ARGUMENT naming it. */
export function parseVipRange(text: string): VipRange {
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const a = parseAddress(text.slice(0, dash).trim());
    const b = parseAddress(text.slice(dash + 1).trim());
    if (!a || !b) throw badRange(text, 'has an end that is not an IP address');
    if (a.family !== b.family) throw badRange(text, 'mixes IPv4 and IPv6');
    const first = toBig(a.address);
    const last = toBig(b.address);
    if (first > last) throw badRange(text, 'ends before it starts');
    return { family: a.family, first, last, text };
  }
  const slash = text.indexOf('/');
  const base = parseAddress(slash >= 0 ? text.slice(0, slash) : text);
  if (!base) throw badRange(text, 'is not an IP address or CIDR');
  const bits = base.family === 4 ? 32 : 128;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : String(bits);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits)
    throw badRange(text, 'has a bad prefix length');
  const hostBits = BigInt(bits - Number(prefixText));
  const size = 1n << hostBits;
  let first = toBig(base.address) & ~(size - 1n);
  let last = first + size - 1n;
  // The network address (IPv6: subnet-router anycast) and the IPv4 broadcast address are not hosts.
  if (base.family === 4 ? hostBits >= 2n : hostBits >= 1n) first += 1n;
  if (base.family === 4 && hostBits >= 2n) last -= 1n;
  return { family: base.family, first, last, text };
}

/**
 * Creates a pool from CIDRs and ranges. Throws INVALID_ARGUMENT for a malformed or empty list.
 *
 * @example
 * const pool = createVipPool(['10.99.0.0/24', 'fd00:99::/120']);
 * pool.allocate(['10.99.0.1'], 4); // '10.99.0.2'
 */
export function createVipPool(ranges: readonly string[]): VipPool {
  if (ranges.length === 0) throw badRange('', 'list is empty');
  const parsed = ranges.map(parseVipRange);
  const inRange = (ip: string) => {
    const p = parseAddress(ip);
    if (!p) return undefined;
    const v = toBig(p.address);
    return parsed.find((r) => r.family === p.family && v >= r.first && v <= r.last) ? p : undefined;
  };
  const sizeOf = (r: VipRange) => r.last - r.first + 1n;
  return {
    rank(ip) {
      const p = parseAddress(ip);
      if (!p) return undefined;
      const v = toBig(p.address);
      let before = 0n;
      for (const r of parsed) {
        if (r.family !== p.family) continue;
        if (v >= r.first && v <= r.last) return before + (v - r.first);
        before += sizeOf(r);
      }
      return undefined;
    },
    firstFree(family, taken, fromRank = 0n) {
      let before = 0n;
      for (const r of parsed) {
        if (r.family !== family) continue;
        const size = sizeOf(r);
        for (let i = fromRank > before ? fromRank - before : 0n; i < size; i++) {
          const ip = fromBig(r.first + i, family);
          if (!taken(ip)) return { ip, rank: before + i };
        }
        before += size;
      }
      return undefined;
    },
    description: ranges.join(', '),
    ranges: parsed,
    families: new Set(parsed.map((r) => r.family)),
    contains: (ip) => inRange(ip) !== undefined,
    allocate(used, family) {
      const taken = new Set<bigint>();
      for (const ip of used) {
        const p = parseAddress(ip);
        if (p?.family === family) taken.add(toBig(p.address));
      }
      for (const r of parsed) {
        if (r.family !== family) continue;
        // At most |taken| + 1 steps, even in a /64.
        for (let v = r.first; v <= r.last; v++) if (!taken.has(v)) return fromBig(v, family);
      }
      return undefined;
    },
  };
}
