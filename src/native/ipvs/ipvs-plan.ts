/**
 * Plans the `ipvsadm -R` lines that turn the kernel's IPVS table (read back) into the desired one, and
 * lists the differences for verify(). Only services whose VIP nlbkit owns are looked at; the rest of
 * the table is someone else's.
 *
 * IPVS has no transactions, so the order keeps every service able to serve throughout: new services
 * and servers first, then edits, then drains, then removals. A real server that leaves is drained, not
 * deleted: weight 0 stops new flows while its connections go on (deleting it would make the kernel
 * drop their packets), and a later sync deletes it once the kernel counts no connection to it, or once
 * its NLB's drain timeout is over (`ServiceSpec.drained`), whichever comes first.
 *
 * Real servers of a `dsr` or `tunnel` (Route or Tunnel) service are also kept in the canonical order
 * (ipvs-order.ts), so every node's `mh` table is the same.
 */
import { FORWARD_OPTION, type IpvsService } from './ipvs-layout.js';
import { compareEndpoints, reorder } from './ipvs-order.js';
import type { KernelDest, KernelService } from './ipvs-readback.js';

/** What one sync must send. */
export interface IpvsPlan {
  /** `ipvsadm -R` lines, in order. */
  lines: string[];
  /** `key endpoint` of every real server left draining after the plan. */
  draining: string[];
}

const SERVICE_OPTION = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;

/** `-t`, `-u` (or `--sctp-service`, to remove one) and the endpoint: the service part of every line. */
export const serviceArgs = (s: { protocol: keyof typeof SERVICE_OPTION; endpoint: string }) =>
  `${SERVICE_OPTION[s.protocol]} ${s.endpoint}`;

const schedulerArgs = (s: IpvsService) =>
  `-s ${s.scheduler}${s.flags.length ? ` -b ${s.flags.join(',')}` : ''}`;

const sameScheduling = (k: KernelService, d: IpvsService) =>
  k.scheduler === d.scheduler && k.flags.join(',') === d.flags.join(',') && k.extra === '';

const drained = (k: KernelDest) => k.weight === 0 && k.activeConns === 0 && k.inactiveConns === 0;

/** The `-a`/`-e` line of one real server, forwarded as its service asks. */
const destLine = (op: '-a' | '-e', d: IpvsService, endpoint: string, weight: number) =>
  `${op} ${serviceArgs(d)} -r ${endpoint} ${FORWARD_OPTION[d.forward]} -w ${weight}`;

/** Whether the kernel's real servers of `d` must stay in the canonical order (the nodes' mh tables agree). */
const ordered = (d: IpvsService) => d.forward !== 'Masq';

/** The kernel's real servers of `k`, head first, when they are out of canonical order (else none). */
function outOfOrder(k: KernelService): string[] {
  const list = [...k.dests.keys()];
  const canonical = [...list].sort((a, b) => compareEndpoints(b, a));
  return list.some((e, i) => e !== canonical[i]) ? list : [];
}

/** Plans the lines; see the module comment. */
export function planIpvs(
  kernel: Map<string, KernelService>,
  desired: Map<string, IpvsService>,
  owns: (vip: string) => boolean,
): IpvsPlan {
  const adds: string[] = [];
  const edits: string[] = [];
  const drains: string[] = [];
  const removals: string[] = [];
  const draining: string[] = [];
  for (const d of desired.values()) {
    const k = kernel.get(d.key);
    if (!k) {
      adds.push(`-A ${serviceArgs(d)} ${schedulerArgs(d)}`);
      for (const dest of d.dests.values()) adds.push(destLine('-a', d, dest.endpoint, dest.weight));
      continue;
    }
    if (!sameScheduling(k, d)) edits.push(`-E ${serviceArgs(d)} ${schedulerArgs(d)}`);
    // Leaving servers: deleted when idle or past their drain time, else drained (weight 0).
    const deleted = new Set<string>();
    const drainingHere = new Set<string>();
    for (const kd of k.dests.values()) {
      if (d.dests.has(kd.endpoint)) continue;
      // Idle, or its drain time is over (a set drainTimeoutSec): deleted, ending what it still serves.
      if (drained(kd) || d.drained?.has(kd.endpoint)) {
        removals.push(`-d ${serviceArgs(d)} -r ${kd.endpoint}`);
        deleted.add(kd.endpoint);
        continue;
      }
      drainingHere.add(kd.endpoint);
      draining.push(`${d.key} ${kd.endpoint}`);
    }
    // Servers added (or added back, to restore the canonical order) in one block, deletions first.
    const staying = [...k.dests.keys()].filter((e) => !deleted.has(e));
    const order = ordered(d)
      ? reorder(staying, [...staying, ...d.dests.keys()])
      : { readd: [], add: [...d.dests.keys()].filter((e) => !k.dests.has(e)) };
    for (const e of order.readd) adds.push(`-d ${serviceArgs(d)} -r ${e}`);
    for (const e of order.add) adds.push(destLine('-a', d, e, d.dests.get(e)?.weight ?? 0));
    const placed = new Set(order.add);
    for (const dest of d.dests.values()) {
      const kd = k.dests.get(dest.endpoint);
      if (kd && !placed.has(dest.endpoint) && (kd.weight !== dest.weight || kd.forward !== d.forward))
        edits.push(destLine('-e', d, dest.endpoint, dest.weight));
    }
    for (const e of drainingHere) {
      const kd = k.dests.get(e)!;
      if (!placed.has(e) && (kd.weight !== 0 || kd.forward !== d.forward))
        drains.push(destLine('-e', d, e, 0));
    }
  }
  for (const k of kernel.values()) {
    if (!desired.has(k.key) && owns(k.vip)) removals.push(`-D ${serviceArgs(k)}`);
  }
  return { lines: [...adds, ...edits, ...drains, ...removals], draining };
}

/** Every difference between the kernel and the desired services (empty: in sync). Draining servers are not differences. */
export function diffIpvs(
  kernel: Map<string, KernelService>,
  desired: Map<string, IpvsService>,
  owns: (vip: string) => boolean,
): string[] {
  const out: string[] = [];
  for (const d of desired.values()) {
    const k = kernel.get(d.key);
    if (!k) {
      out.push(`service ${d.key} (${d.id}) is missing`);
      continue;
    }
    if (!sameScheduling(k, d)) {
      const has = [k.scheduler, k.flags.length ? `(${k.flags.join(',')})` : '', k.extra]
        .filter(Boolean)
        .join(' ');
      const want = [d.scheduler, d.flags.length ? `(${d.flags.join(',')})` : ''].filter(Boolean).join(' ');
      out.push(`service ${d.key} schedules with ${has}, expected ${want}`);
    }
    for (const dest of d.dests.values()) {
      const kd = k.dests.get(dest.endpoint);
      if (!kd) out.push(`real server ${dest.endpoint} of ${d.key} is missing`);
      else if (kd.weight !== dest.weight || kd.forward !== d.forward)
        out.push(
          `real server ${dest.endpoint} of ${d.key} has ${kd.forward} weight ${kd.weight}, expected ${d.forward} weight ${dest.weight}`,
        );
    }
    for (const kd of k.dests.values()) {
      if (!d.dests.has(kd.endpoint) && (kd.weight !== 0 || kd.forward !== d.forward))
        out.push(`real server ${kd.endpoint} of ${d.key} should not take new flows (weight ${kd.weight})`);
    }
    const misordered = ordered(d) ? outOfOrder(k) : [];
    if (misordered.length > 0)
      out.push(`real servers of ${d.key} are out of canonical order: ${misordered.join(', ')}`);
  }
  for (const k of kernel.values()) {
    if (!desired.has(k.key) && owns(k.vip)) out.push(`service ${k.key} is not desired`);
  }
  return out;
}
