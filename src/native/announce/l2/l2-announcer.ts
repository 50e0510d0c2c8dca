/**
 * The layer-2 announcer: exactly one live node holds each VIP on the shared segment and announces it.
 *
 * Who holds a VIP is a lease `vip/<address>` in the store, whose clock alone decides expiry. Every
 * node also keeps a lease `node/<name>` carrying the VIPs it serves: the live candidates for a VIP.
 * A free VIP is taken by its preferred candidate (rendezvous hash of VIP x candidates), or, if that
 * one does not take it, by the next ones after a wait by rank; so VIPs spread over the nodes and every
 * node reaches the same choice without talking to the others. The holder renews every `renewEveryMs`;
 * an owner whose renewals fail drops the VIP at (renew sent) + TTL - margin, by a timer of its own,
 * before the store could give the lease to anyone else. A watchdog process (l2-watchdog.ts) places the
 * addresses and removes each at that same deadline unless renewed, and all of them the moment this
 * process dies, so a killed or frozen agent's VIP is gone before the lease ends; the address's kernel
 * lifetime, refreshed on each renewal, is the last backstop (and the only one without a watchdog).
 * Takeover: lease, then address, then announce; hand-over: address, then lease.
 */
import { NLBError } from '../../../interfaces/errors.js';
import type { Announcer, AnnounceState, AnnounceTarget } from '../types.js';
import { vipFamily } from './l2-commands.js';
import { L2Kernel } from './l2-kernel.js';
import { KERNEL_LIFETIME_SLACK_MS, type L2AnnouncerOptions, resolveL2Options } from './l2-options.js';
import { L2WatchdogClient } from './l2-watchdog-client.js';
import { readLeases, rendezvousRank } from './rendezvous.js';

/** How long a VIP handed back to its preferred node is not handed back again (ms). */
const HANDBACK_HOLD_DOWN_MS = 30_000;
/** Announcements right after a takeover, one a second, before the periodic ones. */
const TAKEOVER_BURST = 3;

interface Held {
  /** Monotonic time by which the VIP must be gone unless renewed. */
  deadline: number;
  announcedAt: number;
  burst: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 1000);

/**
 * Creates the layer-2 announcer of one node. Hand it to the agent (`announce`); the agent then puts no
 * VIP on its own interface, and this announcer places each VIP it owns on `interface`.
 *
 * @throws NLBError INVALID_ARGUMENT for a bad option, before anything runs.
 * @example
 * const store = createPostgresStore();
 * const executor = localExecutor();
 * const announce = createL2Announcer({ leases: requireLeases(store), node: 'lb1', executor, interface: 'eth0' });
 * const agent = createAgent({ store, node: 'lb1', executor, announce,
 *   dataplane: () => createNftDataplane({ executor }) });
 */
export function createL2Announcer(options: L2AnnouncerOptions): Announcer {
  const cfg = resolveL2Options(options);
  const { leases, node, clock, log } = cfg;
  const watchdog =
    cfg.watchdog &&
    new L2WatchdogClient({ iface: cfg.iface, lifetimeS: cfg.lifetimeS, ...cfg.watchdog, log });
  const kernel = new L2Kernel(cfg.executor, cfg.iface, cfg.lifetimeS, log, watchdog || undefined);
  let targets = new Map<string, AnnounceTarget>();
  const held = new Map<string, Held>();
  const freeSince = new Map<string, number>();
  const handedBack = new Map<string, number>();
  /** Every VIP ever a target: only these are ever removed from the interface. */
  const managed = new Set<string>();
  let owners: Record<string, string> = {};
  let lastError: string | undefined;
  const listeners = new Set<() => void>();
  let running = false;
  let stopped = false;
  let loopTimer: unknown;
  let deadlineTimer: unknown;

  const state = (): AnnounceState => ({
    mode: 'l2',
    announced: [...held.keys()].sort(),
    owners: { ...owners },
    ...(lastError ? { error: lastError } : {}),
  });
  const notify = () => {
    for (const l of [...listeners]) queueMicrotask(l);
  };
  // A dead watchdog's VIPs are off the interface now (nothing guarded them); a new one takes them again.
  kernel.onWatchdogDeath((vips) => {
    for (const vip of vips) held.delete(vip);
    notify();
  });

  /** Stops holding a VIP locally (address first); the lease is left to expire or be released. */
  const lose = async (vip: string, why: string) => {
    if (!held.delete(vip)) return;
    log(`${node}: dropping ${vip} (${why})`);
    await kernel.drop(vip);
  };
  /** Gives a VIP up at once: address, then lease, so nobody holds it while it is still here. */
  const handOver = async (vip: string, why: string) => {
    await lose(vip, why);
    await leases.releaseLease(`vip/${vip}`, node);
  };

  /** Drops every VIP whose deadline has passed; true when any was. */
  const dropExpired = async (): Promise<boolean> => {
    const now = clock.now();
    const due = [...held].filter(([, h]) => now >= h.deadline).map(([vip]) => vip);
    for (const vip of due) await lose(vip, 'lease not renewed in time');
    return due.length > 0;
  };
  const armDeadline = () => {
    if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    const next = Math.min(...[...held.values()].map((h) => h.deadline));
    if (!Number.isFinite(next) || stopped) return;
    deadlineTimer = clock.setTimeout(() => {
      deadlineTimer = undefined;
      void dropExpired().then(
        (any) => {
          if (any) notify();
          armDeadline();
        },
        (e) => {
          lastError = message(e);
          armDeadline();
        },
      );
    }, next - clock.now());
  };

  /** Takes or renews one VIP's lease; holds, refreshes and announces its address accordingly. */
  const renewOrTake = async (vip: string): Promise<boolean> => {
    const sent = clock.now();
    const grant = await leases.acquireLease(`vip/${vip}`, node, cfg.ttlMs);
    if (!grant.acquired) {
      if (grant.lease) owners[vip] = grant.lease.holder;
      await lose(vip, `lease held by ${grant.lease?.holder ?? 'another node'}`);
      return false;
    }
    owners[vip] = node;
    const deadline = sent + cfg.ttlMs - cfg.marginMs;
    // The watchdog (or, without one, the kernel's address lifetime) must be able to drop it in time.
    const safe = kernel.canHold(deadline - clock.now(), KERNEL_LIFETIME_SLACK_MS);
    const had = held.get(vip);
    if (!safe) {
      log(
        `${node}: lease of ${vip} renewed too late to refresh its address; it may lapse until the next renewal`,
      );
      if (had) had.deadline = deadline;
      else await leases.releaseLease(`vip/${vip}`, node);
      return false;
    }
    try {
      await kernel.hold(vip, deadline - clock.now());
    } catch (e) {
      // Undo: a lease without the address would keep the VIP from a node that can serve it.
      await lose(vip, 'cannot place the address');
      held.delete(vip);
      await leases.releaseLease(`vip/${vip}`, node).catch(() => undefined);
      throw e;
    }
    if (had) {
      had.deadline = deadline;
      return false;
    }
    held.set(vip, { deadline, announcedAt: Number.NEGATIVE_INFINITY, burst: TAKEOVER_BURST });
    freeSince.delete(vip);
    log(`${node}: took ${vip}`);
    return true;
  };

  async function tick(): Promise<boolean> {
    let changed = await dropExpired();
    await kernel.ready();
    const now = clock.now();
    const serving = [...targets.values()]
      .filter((t) => t.serving)
      .map((t) => t.vip)
      .sort();
    await leases.acquireLease(`node/${node}`, node, cfg.ttlMs, JSON.stringify(serving));
    const { members, holders } = readLeases(await leases.listLeases(''));
    members.set(node, new Set(serving));
    owners = {};
    for (const vip of targets.keys()) {
      const holder = holders.get(vip);
      if (holder !== undefined) owners[vip] = holder;
    }

    for (const vip of [...held.keys()])
      if (!targets.get(vip)?.serving) {
        await handOver(vip, 'not serving it here');
        changed = true;
      }
    for (const vip of serving) {
      const holder = holders.get(vip);
      const rank = rendezvousRank(
        vip,
        [...members].filter(([, s]) => s.has(vip)).map(([n]) => n),
      );
      if (holder === node || held.has(vip)) {
        const preferred = rank[0];
        if (
          cfg.rebalance &&
          held.has(vip) &&
          preferred !== undefined &&
          preferred !== node &&
          now - (handedBack.get(vip) ?? Number.NEGATIVE_INFINITY) > HANDBACK_HOLD_DOWN_MS
        ) {
          handedBack.set(vip, now);
          await handOver(vip, `handing back to ${preferred}`);
          changed = true;
          continue;
        }
        const before = held.has(vip);
        const took = await renewOrTake(vip);
        if (took || before !== held.has(vip)) changed = true;
        continue;
      }
      if (holder !== undefined) {
        freeSince.delete(vip);
        continue;
      }
      const since = freeSince.get(vip) ?? now;
      freeSince.set(vip, since);
      const r = rank.indexOf(node);
      // The preferred node takes a free VIP at once; the next ones only if it has not after a wait.
      if (r < 0 || now - since < r * 2 * cfg.renewMs) continue;
      if (await renewOrTake(vip)) changed = true;
    }

    // Strays: a VIP of ours on the interface that this node does not hold (e.g. after a restart).
    for (const vip of await kernel.list()) if (managed.has(vip) && !held.has(vip)) await kernel.drop(vip);
    const t = clock.now();
    for (const [vip, h] of held)
      if (t - h.announcedAt >= (h.burst > 0 ? 1000 : cfg.announceMs)) {
        h.announcedAt = t;
        if (h.burst > 0) h.burst--;
        kernel.announce(vip);
      }
    return changed;
  }

  let chain: Promise<unknown> = Promise.resolve();
  /** One serialized pass; failures are kept in the state, and deadlines are enforced regardless. */
  const pass = (): Promise<boolean> => {
    const p = chain.then(async () => {
      if (stopped) return false;
      try {
        const changed = await tick();
        lastError = undefined;
        return changed;
      } catch (e) {
        lastError = message(e);
        log(`${node}: layer-2 pass failed: ${lastError}`);
        return dropExpired().catch(() => true);
      } finally {
        armDeadline();
      }
    });
    chain = p.catch(() => undefined);
    return p;
  };
  const loop = () => {
    if (stopped) return;
    loopTimer = clock.setTimeout(() => {
      void pass().then((changed) => {
        if (changed) notify();
        loop();
      });
    }, cfg.renewMs);
  };

  return {
    mode: 'l2',
    managesAddresses: true,
    async update(list) {
      const next = new Map<string, AnnounceTarget>();
      for (const t of list) {
        if (vipFamily(t.vip) !== t.family)
          throw new NLBError({
            code: 'INVALID_ARGUMENT',
            driver: 'native',
            operation: 'announce',
            message: `VIP ${t.vip} is not of family ${t.family}`,
          });
        next.set(t.vip, { vip: t.vip, family: t.family, serving: t.serving === true });
      }
      targets = next;
      for (const vip of next.keys()) managed.add(vip);
      await pass();
      if (!running && !stopped) {
        running = true;
        loop();
      }
      return state();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      if (loopTimer !== undefined) clock.clearTimeout(loopTimer);
      if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer);
      // Addresses first and at once, even while a pass still waits for an unreachable store.
      const mine = [...held.keys()];
      for (const vip of mine) await lose(vip, 'stopping').catch((e) => log(`${node}: ${message(e)}`));
      await Promise.race([chain, new Promise((r) => clock.setTimeout(() => r(undefined), cfg.ttlMs))]);
      // A pass that was under way may have taken one more: hand that over too, then free the leases.
      for (const vip of [...held.keys()]) {
        mine.push(vip);
        await lose(vip, 'stopping').catch((e) => log(`${node}: ${message(e)}`));
      }
      await kernel.settle().catch(() => undefined);
      for (const vip of mine) await leases.releaseLease(`vip/${vip}`, node).catch(() => undefined);
      await leases.releaseLease(`node/${node}`, node).catch(() => undefined);
      await kernel.close().catch((e) => log(`${node}: ${message(e)}`));
    },
  };
}
