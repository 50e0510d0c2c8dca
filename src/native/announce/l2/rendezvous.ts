/**
 * Who may hold what: rendezvous (highest random weight) hashing, by which every node ranks the
 * candidates for a VIP alike from their names alone (VIPs spread over the live nodes; a node's leaving
 * moves only its own VIPs), and the reading of the lease table into live nodes and VIP holders.
 */
import { createHash } from 'node:crypto';
import type { Lease } from '../../store/lease-types.js';
import { vipFamily } from './l2-commands.js';

const weight = (vip: string, node: string): bigint =>
  createHash('sha256').update(`${vip}\n${node}`).digest().readBigUInt64BE(0);

/** The candidates for `vip`, most preferred first (ties, which sha256 makes vanishingly rare, by name). */
export function rendezvousRank(vip: string, nodes: Iterable<string>): string[] {
  const scored = [...new Set(nodes)].map((node) => ({ node, w: weight(vip, node) }));
  scored.sort((a, b) => (a.w === b.w ? (a.node < b.node ? -1 : 1) : a.w > b.w ? -1 : 1));
  return scored.map((s) => s.node);
}

const isVip = (v: unknown): v is string => {
  try {
    vipFamily(v as string);
    return true;
  } catch {
    return false;
  }
};

/** The VIPs a node lease says its node serves (a lease whose data does not parse: none). */
function servedBy(data: string | undefined): Set<string> {
  try {
    const list = JSON.parse(data ?? '[]') as unknown;
    if (Array.isArray(list)) return new Set(list.filter(isVip));
  } catch {
    // Written by something else: that node serves nothing we can tell.
  }
  return new Set();
}

/** Live nodes (`node/<name>` leases) with the VIPs each serves, and each VIP's holder (`vip/<address>`). */
export function readLeases(list: readonly Lease[]): {
  members: Map<string, Set<string>>;
  holders: Map<string, string>;
} {
  const members = new Map<string, Set<string>>();
  const holders = new Map<string, string>();
  for (const l of list) {
    if (l.name.startsWith('node/')) members.set(l.holder, servedBy(l.data));
    else if (l.name.startsWith('vip/')) holders.set(l.name.slice(4), l.holder);
  }
  return { members, holders };
}
