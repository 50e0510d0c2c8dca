/**
 * The BGP announcer: this node announces a host route for every VIP it serves through BIRD 2, and the
 * router spreads flows over every node that announces (ECMP). nlbkit owns one include file and nothing
 * else of BIRD's configuration: it renders the file, checks it with `bird -p`, replaces it atomically,
 * asks BIRD to reload (`birdc configure`) and reads back the sessions and the routes BIRD now holds.
 */
import { readFile, unlink } from 'node:fs/promises';
import { NLBError } from '../../../interfaces/errors.js';
import { localExecutor } from '../../executor/local-executor.js';
import type { Executor } from '../../executor/types.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import type { Announcer, AnnounceSession, AnnounceState, AnnounceTarget } from '../types.js';
import { DEFAULT_PROTOCOL_PREFIX, protocolNames, renderCheckWrapper, renderInclude } from './bird-render.js';
import { birdValueError, path, symbol } from './bird-values.js';
import { parseProtocols, parseRoutes } from './birdc-output.js';

/** Options of {@link createBgpAnnouncer}. */
export interface BgpAnnouncerOptions {
  /** The include file nlbkit owns; the user's bird.conf includes it. Default `/etc/bird/nlbkit.conf`. */
  includeFile?: string;
  /** BIRD's control socket (birdc `-s`). Default `/run/bird/bird.ctl` (Debian's bird2). */
  socket?: string;
  /** Prefix of the two static protocols' names (`<prefix>4`, `<prefix>6`). Default `nlbkit`. */
  protocolPrefix?: string;
  /** Runs `bird` and `birdc` (argument vectors). Default: this host. */
  executor?: Executor;
  /** Seconds between reads of the session states (a change makes the agent report it). Default 5. */
  pollSeconds?: number;
  /** Where failures are told. Default: nowhere. */
  log?: (line: string) => void;
}

const DEFAULT_INCLUDE = '/etc/bird/nlbkit.conf';
const DEFAULT_SOCKET = '/run/bird/bird.ctl';
const COMMAND_TIMEOUT_MS = 15_000;

const fail = (message: string, operation = 'announce') =>
  new NLBError({ code: 'PROVIDER_ERROR', driver: 'native', operation, message });

/** Checks the options before anything runs: INVALID_ARGUMENT naming the bad one. */
function checkOptions(options: BgpAnnouncerOptions) {
  const op = 'createBgpAnnouncer';
  const includeFile = path(options.includeFile ?? DEFAULT_INCLUDE, 'BIRD include file', op);
  const socket = path(options.socket ?? DEFAULT_SOCKET, 'BIRD control socket', op);
  const prefix = options.protocolPrefix ?? DEFAULT_PROTOCOL_PREFIX;
  symbol(`${prefix}4`, op);
  const pollSeconds = options.pollSeconds ?? 5;
  if (typeof pollSeconds !== 'number' || !(pollSeconds >= 0.1 && pollSeconds <= 3600))
    throw birdValueError(`pollSeconds must be 0.1-3600, not ${String(pollSeconds).slice(0, 40)}`, op);
  return { includeFile, socket, prefix, pollSeconds };
}

/** Last lines of a command's output, for an error message (BIRD prints no secrets: it has none of ours). */
const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 500);

/**
 * Creates the BGP announcer. Announced means: the route is in BIRD's static protocol; whether a peer
 * takes it shows in the sessions (`Established`). A failed update keeps the previous include file
 * (BIRD keeps running the previous configuration) and is reported in `error`.
 *
 * @example
 * const executor = localExecutor();
 * const announce = createBgpAnnouncer({ includeFile: '/etc/bird/nlbkit.conf', socket: '/run/bird/bird.ctl' });
 * const agent = createAgent({ store: createFileStore('/var/lib/nlbkit'), node: 'lb1', executor, announce,
 *   dataplane: () => createNftDataplane({ executor }) });
 */
export function createBgpAnnouncer(options: BgpAnnouncerOptions = {}): Announcer {
  const { includeFile, socket, prefix, pollSeconds } = checkOptions(options);
  const names = protocolNames(prefix);
  const executor = options.executor ?? localExecutor();
  const log = options.log ?? (() => undefined);
  const listeners = new Set<() => void>();
  let applied: string | undefined;
  let stopped = false;
  let poll: NodeJS.Timeout | undefined;
  let lastSessions = '';
  // One apply at a time: a stop racing an update must not be overwritten by the update's file.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  const birdc = async (...args: string[]) => {
    const r = await executor.run(['birdc', '-s', socket, ...args], { timeoutMs: COMMAND_TIMEOUT_MS });
    if (r.code !== 0) throw fail(`birdc ${args[0]} failed (exit ${r.code}): ${tail(r.stderr || r.stdout)}`);
    return r.stdout;
  };

  /** Checks `text` on its own with `bird -p` (parse only) before it may replace the live file. */
  async function check(text: string) {
    const candidate = `${includeFile}.nlbkit-check`;
    const wrapper = `${includeFile}.nlbkit-check-main`;
    try {
      await writeFileAtomic(candidate, text, 0o644);
      await writeFileAtomic(wrapper, renderCheckWrapper(candidate), 0o644);
      const r = await executor.run(['bird', '-p', '-c', wrapper], { timeoutMs: COMMAND_TIMEOUT_MS });
      if (r.code !== 0) throw fail(`bird -p refused the rendered include: ${tail(r.stderr || r.stdout)}`);
    } finally {
      await Promise.all([unlink(candidate).catch(() => undefined), unlink(wrapper).catch(() => undefined)]);
    }
  }

  /** Renders, checks, replaces and reloads; on a refused reload puts the previous file back. */
  async function apply(text: string) {
    if (text === applied) return;
    await check(text);
    const previous = await readFile(includeFile, 'utf8').catch(() => undefined);
    await writeFileAtomic(includeFile, text, 0o644);
    try {
      await birdc('configure');
    } catch (e) {
      // BIRD keeps its running configuration after a refused reload; the file must say the same.
      await writeFileAtomic(includeFile, previous ?? renderInclude([], prefix), 0o644).catch(() => undefined);
      applied = undefined;
      throw e;
    }
    applied = text;
  }

  async function readBack(): Promise<{ announced: string[]; sessions: AnnounceSession[] }> {
    const [protocols, v4, v6] = await Promise.all([
      birdc('show', 'protocols'),
      birdc('show', 'route', 'protocol', names.v4),
      birdc('show', 'route', 'protocol', names.v6),
    ]);
    const sessions = parseProtocols(protocols);
    lastSessions = JSON.stringify(sessions);
    return { announced: [...parseRoutes(v4), ...parseRoutes(v6)].sort(), sessions };
  }

  function startPolling() {
    if (poll || stopped) return;
    // Session changes (a peer up or down) change the node report: tell the agent to reconcile.
    poll = setInterval(() => {
      birdc('show', 'protocols').then(
        (text) => {
          const now = JSON.stringify(parseProtocols(text));
          if (now !== lastSessions && !stopped) for (const l of listeners) l();
        },
        () => undefined,
      );
    }, pollSeconds * 1000);
    poll.unref();
  }

  return {
    mode: 'bgp',
    managesAddresses: false,
    async update(targets: AnnounceTarget[]): Promise<AnnounceState> {
      if (stopped) return { mode: 'bgp', announced: [], error: 'stopped' };
      startPolling();
      const want = [...new Set(targets.filter((t) => t.serving).map((t) => t.vip))].sort().join();
      let error: string | undefined;
      let state: { announced: string[]; sessions: AnnounceSession[] } | undefined;
      // Reconcile, don't trust: if BIRD holds other routes than the file we last wrote (someone
      // reloaded another include, or edited it), write and reload once more.
      for (let attempt = 0; attempt < 2 && !stopped; attempt++) {
        try {
          // Rendered (and its values checked) before queueing; skipped if a stop got in first.
          const text = renderInclude(targets, prefix);
          if (attempt > 0) applied = undefined;
          await serial(async () => {
            if (!stopped) await apply(text);
          });
          error = undefined;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          log(`bgp: announcing failed: ${error}`);
        }
        try {
          state = await readBack();
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          return { mode: 'bgp', announced: [], error: error ?? message };
        }
        if (error || state.announced.join() === want) break;
      }
      return { mode: 'bgp', ...(state ?? { announced: [] }), ...(error ? { error } : {}) };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      if (poll) clearInterval(poll);
      poll = undefined;
      // Withdraw everything before the agent exits: an empty include, reloaded.
      await serial(() => apply(renderInclude([], prefix)));
    },
  };
}
