/**
 * Watching the PostgreSQL store: a LISTEN on a connection of its own for the store's NOTIFYs, and a
 * slow poll of the revision and the report sequence in case a notification was lost while that
 * connection was down. Watchers are told "something changed", never what.
 */
import type { PgQuery } from './postgres-leases.js';
import type { Notification, PgClientLike, PgPoolLike } from './postgres-pool.js';
import type { PostgresTables } from './postgres-schema.js';

/** What the watch needs of the store. */
export interface PostgresWatchDeps {
  tables: PostgresTables;
  pool: () => Promise<PgPoolLike>;
  /** Checks that the tables exist (and are of our format) before the LISTEN. */
  init: () => Promise<void>;
  query: PgQuery;
  /** How often the revision is polled besides the LISTEN (ms). */
  pollMs: number;
}

/** The store's watchers: `watch` adds one (and returns how to remove it); `close` stops everything. */
export function createPostgresWatch(deps: PostgresWatchDeps) {
  const { channel, t } = deps.tables;
  const listeners = new Set<() => void>();
  const notifyListeners = () => {
    for (const l of [...listeners]) queueMicrotask(l);
  };
  /** The connection holding the LISTEN, and how to take the store's listeners off it again. */
  let listening: { client: PgClientLike; detach(): void } | undefined;
  let poller: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;

  let connecting: Promise<void> | undefined;
  const listen = () => {
    if (listening || connecting || closed || listeners.size === 0) return connecting ?? Promise.resolve();
    connecting = (async () => {
      let client: PgClientLike | undefined;
      try {
        await deps.init();
        client = await (await deps.pool()).connect();
        const mine = client;
        const onNotification = (n: Notification) => {
          if (n.channel === channel) notifyListeners();
        };
        const lost = () => {
          if (listening?.client !== mine) return;
          listening = undefined;
          mine.release(true);
          // Changes may have been missed while the connection was down: tell watchers once it is back.
          scheduleListen(true);
        };
        // A pool of the caller's may not guard its connections (see lazyPool): while the store holds
        // this one, it is guarded here; a connection thrown away keeps the guard.
        const ignore = () => undefined;
        mine.on('notification', onNotification);
        mine.on('error', lost);
        mine.on('end', lost);
        mine.on('error', ignore);
        // A connection given back to the pool may be handed out again: without its old listeners,
        // or a later watch would get every notification twice (and listeners would pile up).
        const detach = () => {
          mine.removeListener('notification', onNotification);
          mine.removeListener('error', lost);
          mine.removeListener('end', lost);
          mine.removeListener('error', ignore);
        };
        await mine.query(`LISTEN "${channel}"`);
        if (closed || listeners.size === 0) {
          mine.release(true);
          return;
        }
        listening = { client: mine, detach };
      } catch {
        client?.release(true);
        scheduleListen(true);
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };
  const scheduleListen = (thenNotify: boolean) => {
    if (retryTimer || closed || listeners.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void listen().then(() => {
        if (thenNotify && listening) notifyListeners();
      });
    }, 1000);
    retryTimer.unref();
  };
  let lastSeen: string | undefined;
  const poll = async () => {
    try {
      // (A fresh sequence's first nextval keeps last_value at 1 and only sets is_called.)
      const rows = await deps.query(
        `SELECT m.revision, s.last_value, s.is_called FROM ${t('meta')} m, ${t('report_seq')} s`,
      );
      const seen = `${rows[0]?.revision}/${rows[0]?.last_value}/${rows[0]?.is_called}`;
      if (lastSeen !== undefined && seen !== lastSeen) notifyListeners();
      lastSeen = seen;
    } catch {
      // The next poll tries again; the agent's own loop reports unreachable stores.
    }
  };
  const startWatching = () => {
    const starting = !listening && !connecting;
    const started = listen();
    // A change committed while the LISTEN was being set up would go unseen (and the first poll takes
    // the state after it as its baseline): tell the watchers once the LISTEN is up.
    if (starting)
      void started.then(() => {
        if (listening) notifyListeners();
      });
    if (!poller) {
      void poll();
      poller = setInterval(() => void poll(), deps.pollMs);
      poller.unref();
    }
  };
  const stopWatching = async () => {
    if (poller) clearInterval(poller);
    if (retryTimer) clearTimeout(retryTimer);
    poller = retryTimer = undefined;
    lastSeen = undefined;
    await connecting;
    const held = listening;
    listening = undefined;
    // The connection goes back to the pool without its LISTEN, or is discarded if UNLISTEN fails.
    if (held)
      await held.client.query(`UNLISTEN "${channel}"`).then(
        () => {
          held.detach();
          held.client.release();
        },
        () => held.client.release(true),
      );
  };

  return {
    watch(listener: () => void): () => void {
      listeners.add(listener);
      startWatching();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) void stopWatching();
      };
    },
    async close(): Promise<void> {
      closed = true;
      listeners.clear();
      await stopWatching();
    },
  };
}
