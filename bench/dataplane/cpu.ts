/**
 * Machine-wide CPU time from /proc/stat, to turn a measurement into CPU microseconds per request. On this
 * lab every party (client, LB node, backends) shares the machine's CPUs, so the difference between a
 * target's cost and the direct path's cost is what the load balancer adds per request: the number that
 * decides how many cores an LB node needs on real hardware, where it does not share them.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/stat (USER_HZ: 100 on every Linux architecture nlbkit runs on). */
export const USER_HZ = 100;

/** Busy CPU seconds of all CPUs since boot: user, nice, system, irq and softirq (not idle, iowait, steal). */
export function busySeconds(stat = readFileSync('/proc/stat', 'utf8')): number {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no "cpu " line');
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = [user, nice, system, irq, softirq];
  if (busy.some((x) => x === undefined || !Number.isFinite(x)))
    throw new Error(`cannot read /proc/stat: ${line}`);
  return busy.reduce((a: number, b) => a + (b as number), 0) / USER_HZ;
}

/** CPU microseconds per request over a measurement, from busy seconds before and after. */
export function usPerRequest(busyBefore: number, busyAfter: number, requests: number): number {
  return requests > 0 ? ((busyAfter - busyBefore) * 1e6) / requests : Number.NaN;
}
