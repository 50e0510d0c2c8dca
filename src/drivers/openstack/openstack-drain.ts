/**
 * Connection draining on Octavia (amphora): a removed VM's member is set to weight 0 (haproxy sends it
 * no new connections; established ones go on) and deleted once its drain ends. The deadline lives with
 * the member in Octavia, as tags, so a drain outlives the process that started it: every later read of
 * the NLB (getNLB, listNLB, and so every change) deletes the members whose drain is over, and an
 * in-process timer (DrainTimers) does it on time while the process lives.
 */
import { isNLBError } from '../../interfaces/errors.js';
import type { CallContext } from './openstack-api.js';
import type { Octavia, OctaviaMember } from './openstack-octavia.js';

/** The NLB's drain timeout in seconds (load-balancer tag; absent: 0, Octavia's own behaviour). */
const DRAIN = 'nlbkit:drain=';
/** When a draining member's drain ends (ISO 8601), and the weight it had (for a re-add). */
const UNTIL = 'nlbkit:drain-until=';
const WEIGHT = 'nlbkit:drain-weight=';

const tagAfter = (tags: string[] | undefined, prefix: string) =>
  tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length);
const withoutDrainTags = (tags: string[] | undefined) =>
  (tags ?? []).filter((t) => !t.startsWith(UNTIL) && !t.startsWith(WEIGHT));

/** The drain timeout a load balancer's tags hold (undefined: none set). */
export function drainTimeoutOf(tags: string[] | undefined): number | undefined {
  const v = tagAfter(tags, DRAIN);
  return v === undefined ? undefined : Number(v);
}

/** `tags` with the drain timeout set to `seconds` (0, the default, is no tag; undefined keeps them). */
export function withDrainTimeout(tags: string[] | undefined, seconds: number | undefined): string[] {
  if (seconds === undefined) return [...(tags ?? [])];
  const rest = (tags ?? []).filter((t) => !t.startsWith(DRAIN));
  return seconds === 0 ? rest : [...rest, `${DRAIN}${seconds}`];
}

/** When the member's drain ends (ms since the epoch), or undefined when it is not draining. */
export function drainDeadline(m: Pick<OctaviaMember, 'tags'>): number | undefined {
  const v = tagAfter(m.tags, UNTIL);
  return v === undefined ? undefined : Date.parse(v);
}

export const isDraining = (m: Pick<OctaviaMember, 'tags'>) => drainDeadline(m) !== undefined;

/** The member PUT that starts its drain, ending at `deadline` (ms). */
export function drainingUpdate(m: OctaviaMember, deadline: number) {
  return {
    weight: 0,
    tags: [
      ...withoutDrainTags(m.tags),
      `${UNTIL}${new Date(deadline).toISOString()}`,
      `${WEIGHT}${m.weight}`,
    ],
  };
}

/** The member PUT that ends a drain early (a re-added VM): `weight`, else the one it had. */
export function restoredUpdate(m: OctaviaMember, weight: number | undefined) {
  return { weight: weight ?? Number(tagAfter(m.tags, WEIGHT) ?? 1), tags: withoutDrainTags(m.tags) };
}

/** The member PUT that puts a member's weight and tags back as they were. */
export const asItWas = (m: OctaviaMember) => ({ weight: m.weight, tags: m.tags ?? [] });

/** The earliest end of the drains among `members`, or undefined when none drains. */
export function nextDeadline(members: Pick<OctaviaMember, 'tags'>[]): number | undefined {
  const ends = members.map(drainDeadline).filter((t): t is number => t !== undefined);
  return ends.length > 0 ? Math.min(...ends) : undefined;
}

/**
 * Deletes the pool's members whose drain is over and returns the members that remain. A delete that
 * fails leaves the member draining (hidden from the NLB's VMs) for the next read or the timer to finish,
 * so reads do not fail over it; only an abort ends the call.
 */
export async function finishOverdueDrains(
  octavia: Octavia,
  lbId: string,
  poolId: string,
  members: OctaviaMember[],
  ctx: CallContext,
): Promise<OctaviaMember[]> {
  const now = Date.now();
  const kept: OctaviaMember[] = [];
  for (const m of members) {
    const end = drainDeadline(m);
    if (end === undefined || end > now) {
      kept.push(m);
      continue;
    }
    try {
      await octavia.change(lbId, 'DELETE', `/pools/${poolId}/members/${m.id}`, undefined, ctx);
    } catch (e) {
      if (isNLBError(e) && e.code === 'ABORTED') throw e;
      if (!isNLBError(e) || e.code !== 'NOT_FOUND') kept.push(m);
    }
  }
  return kept;
}

/**
 * One timer per load balancer, at its earliest drain end: `finish` deletes what is due and resolves
 * the next end (undefined: no drain left). Timers are unref'd: they never keep a process alive, and a
 * process that ends leaves the drains to the next read.
 */
export class DrainTimers {
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(private readonly finish: (lbId: string, nameId: string) => Promise<number | undefined>) {}

  /** Makes sure load balancer `lbId` (NLB `nameId`) is swept at `at` (ms) or earlier. */
  schedule(lbId: string, nameId: string, at: number): void {
    const existing = this.#timers.get(lbId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(
      () => {
        this.#timers.delete(lbId);
        this.finish(lbId, nameId).then(
          (next) => {
            if (next !== undefined) this.schedule(lbId, nameId, next);
          },
          // The next read of the NLB finishes what this could not.
          () => undefined,
        );
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    this.#timers.set(lbId, { at, timer });
  }
}
