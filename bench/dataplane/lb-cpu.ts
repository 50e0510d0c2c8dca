/**
 * The LB node's own CPU time. A network namespace is not a unit the kernel accounts CPU to: packets
 * crossing veths are normally processed in softirq context on whichever CPU sent them, mixed with the
 * client's and backends' receive work. So the lab moves every veth's receive processing into a kernel
 * thread of its own (veth NAPI: GRO on, TSO off so that every packet takes the NAPI path; then
 * `threaded` NAPI), and the LB node's packet work (ingress hook, conntrack and NAT or dsr's `fwd`,
 * routing, transmit to the next veth) is the CPU time of the threads of its two devices, read from
 * /proc/<pid>/stat. Every target pays the same per-packet NAPI overhead, so ratios stay comparable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mustRun } from '../../src/lab/lab-exec.js';
import { USER_HZ } from './cpu.js';
import { inNs } from './proc.js';

/** The veth names the lab uses (checked before they reach ethtool or a sysfs path). */
const DEVICE = /^[a-z][a-z0-9]{0,14}$/;

/** User plus system CPU seconds of one task, from its /proc/<pid>/stat line. */
export function taskCpuSeconds(stat: string): number {
  // The name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot read task stat: ${stat}`);
  return (utime + stime) / USER_HZ;
}

/** The pids of the kernel's NAPI threads (`napi/<dev>-<id>`) now running. */
export function napiThreads(): Set<number> {
  const out = new Set<number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').startsWith('napi/')) out.add(Number(name));
    } catch {
      // The task ended while being read.
    }
  }
  return out;
}

/** Turns on threaded NAPI for `devices` (veths) in namespace `ns`. */
export async function threadNapi(ns: string, devices: string[]): Promise<void> {
  for (const dev of devices) {
    if (!DEVICE.test(dev)) throw new Error(`bad device name: ${dev}`);
    await mustRun(inNs(ns, ['ethtool', '-K', dev, 'gro', 'on', 'tso', 'off']));
    // ip netns exec mounts the namespace's own /sys, where the device is.
    await mustRun(inNs(ns, ['tee', `/sys/class/net/${dev}/threaded`]), { stdin: '1\n' });
  }
}

/** The LB node's NAPI threads: those that appear when its devices go threaded. */
export async function threadLbNapi(ns: string, devices: string[]): Promise<number[]> {
  const before = napiThreads();
  await threadNapi(ns, devices);
  const pids = [...napiThreads()].filter((p) => !before.has(p));
  if (pids.length < devices.length) {
    throw new Error(`threaded NAPI on ${devices.join(', ')} in ${ns} started ${pids.length} threads`);
  }
  return pids;
}

/** CPU seconds of `pids` so far (a thread that is gone counts 0: the caller compares deltas). */
export function threadsCpuSeconds(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += taskCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // Gone (the device was removed): nothing more to add.
    }
  }
  return sum;
}
