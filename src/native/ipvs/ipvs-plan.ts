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
 */
import type { IpvsService } from './ipvs-layout.js';
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
      for (const dest of d.dests.values())
        adds.push(`-a ${serviceArgs(d)} -r ${dest.endpoint} -m -w ${dest.weight}`);
      continue;
    }
    if (!sameScheduling(k, d)) edits.push(`-E ${serviceArgs(d)} ${schedulerArgs(d)}`);
    for (const dest of d.dests.values()) {
      const kd = k.dests.get(dest.endpoint);
      if (!kd) adds.push(`-a ${serviceArgs(d)} -r ${dest.endpoint} -m -w ${dest.weight}`);
      else if (kd.weight !== dest.weight || kd.forward !== 'Masq')
        edits.push(`-e ${serviceArgs(d)} -r ${dest.endpoint} -m -w ${dest.weight}`);
    }
    for (const kd of k.dests.values()) {
      if (d.dests.has(kd.endpoint)) continue;
      // Idle, or its drain time is over (a set drainTimeoutSec): deleted, ending what it still serves.
      if (drained(kd) || d.drained?.has(kd.endpoint)) {
        removals.push(`-d ${serviceArgs(d)} -r ${kd.endpoint}`);
        continue;
      }
      if (kd.weight !== 0 || kd.forward !== 'Masq')
        drains.push(`-e ${serviceArgs(d)} -r ${kd.endpoint} -m -w 0`);
      draining.push(`${d.key} ${kd.endpoint}`);
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
      else if (kd.weight !== dest.weight || kd.forward !== 'Masq')
        out.push(
          `real server ${dest.endpoint} of ${d.key} has ${kd.forward} weight ${kd.weight}, expected Masq weight ${dest.weight}`,
        );
    }
    for (const kd of k.dests.values()) {
      if (!d.dests.has(kd.endpoint) && (kd.weight !== 0 || kd.forward !== 'Masq'))
        out.push(`real server ${kd.endpoint} of ${d.key} should not take new flows (weight ${kd.weight})`);
    }
  }
  for (const k of kernel.values()) {
    if (!desired.has(k.key) && owns(k.vip)) out.push(`service ${k.key} is not desired`);
  }
  return out;
}
