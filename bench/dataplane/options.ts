/** Command-line flags of the data-plane benchmark (`npm run bench:dataplane -- --help`). */
import { parseArgs } from 'node:util';
import { type Mode, SELECTABLE_TARGETS } from './cases.js';

const MODES: readonly Mode[] = ['tcp-keepalive', 'tcp-newconn', 'udp'];
const NEWCONN_CLIENTS = ['wrk', 'spread'] as const;
/** The programs that can drive the TCP cases (new-connection and keep-alive alike). */
export type NewconnClient = (typeof NEWCONN_CLIENTS)[number];
/** A target `--targets` can select. */
export type SelectableTarget = (typeof SELECTABLE_TARGETS)[number];

/** What one run does. */
export interface BenchOptions {
  /** Repetitions of the whole interleaved schedule. */
  reps: number;
  /** Seconds per measurement. */
  duration: number;
  /** wrk processes per measurement (each one thread), the same for every target. */
  clients: number;
  /** Connections per wrk process. */
  connections: number;
  /** UDP sockets (one request in flight each). */
  udpSockets: number;
  /**
   * Repetitions of the LB-CPU phase (direct, nlbkit, dsr with threaded NAPI, after everything else;
   * 0 skips it).
   */
  lbReps: number;
  /** Backend add/remove operations under load (0 skips the churn check). */
  churnOps: number;
  /** The modes to measure (all by default), in schedule order. */
  modes: Mode[];
  /** Also measure nlbkit with an nftables flowtable (fast path for established flows). */
  flowtable: boolean;
  /**
   * The client of the new-connection cases: wrk (one address per thread), or the bench's own
   * spread-load, which spreads each process's connections over all targets (needs gcc).
   */
  newconnClient: NewconnClient;
  /**
   * The client of the keep-alive cases: `spread` (default) spreads each process's kept-alive
   * connections over all targets, so `direct x3` is the fair baseline, and measures the old
   * one-backend-per-client shape beside it (`direct-pinned`); `wrk` as before.
   */
  keepaliveClient: NewconnClient;
  /** The targets measured besides `direct` (default all; nlbkit+ft also needs `flowtable`). */
  targets: SelectableTarget[];
  /** Where the JSON result goes. */
  out: string | undefined;
}

const HELP = `npm run bench:dataplane -- [flags]   (root; needs nginx-light, haproxy, wrk)
  --reps N          repetitions of the interleaved schedule (default 10)
  --duration S      seconds per measurement (default 2)
  --clients N       wrk processes per measurement, one thread each (default 3)
  --connections N   connections per wrk process (default 10)
  --udp-sockets N   UDP sockets, one datagram in flight each (default 24)
  --modes LIST      comma-separated subset of tcp-keepalive,tcp-newconn,udp (default: all)
  --newconn-client wrk|spread
                    client of the new-connection cases (default wrk); spread: the bench's own
                    C client, every process spreading its connections over all targets (needs gcc)
  --keepalive-client spread|wrk
                    client of the keep-alive cases (default spread: the fair x3 baseline, with the
                    old one-backend-per-client baseline measured beside it as direct-pinned)
  --targets LIST    comma-separated subset of nlbkit,nlbkit+ft,dsr,haproxy (default: all);
                    direct is always measured; without dsr the dsr NLBs are not even built
  --quick           the dsr and keep-alive baseline check, a few minutes: --modes
                    tcp-keepalive,tcp-newconn --targets nlbkit,dsr --newconn-client spread
                    --reps 6 --churn 0 (flags given as well override it)
  --churn N         backend add/remove operations under load (default 100; 0 skips)
  --lb-reps N       repetitions of the LB-node CPU phase, run last with threaded NAPI
                    (default 4; 0 skips)
  --no-flowtable    skip the nlbkit+flowtable variant
  --out FILE        JSON result path (default bench/results/dataplane-<time>.json)`;

function int(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer ${min}-${max}`);
  return n;
}

function modeList(value: string | undefined): Mode[] {
  if (value === undefined) return [...MODES];
  const asked = value.split(',').map((m) => m.trim());
  const bad = asked.filter((m) => !MODES.includes(m as Mode));
  if (bad.length > 0 || asked.length === 0) {
    throw new Error(`--modes takes a comma-separated subset of ${MODES.join(',')} (not: ${bad.join(',')})`);
  }
  return MODES.filter((m) => asked.includes(m));
}

function client(value: string | undefined, flag: string, fallback: NewconnClient): NewconnClient {
  if (value === undefined) return fallback;
  const found = NEWCONN_CLIENTS.find((c) => c === value);
  if (!found) throw new Error(`--${flag} takes ${NEWCONN_CLIENTS.join(' or ')} (not: ${value})`);
  return found;
}

function targetList(value: string | undefined): SelectableTarget[] {
  if (value === undefined) return [...SELECTABLE_TARGETS];
  const asked = value.split(',').map((t) => t.trim());
  const bad = asked.filter((t) => !(SELECTABLE_TARGETS as readonly string[]).includes(t));
  if (bad.length > 0) {
    throw new Error(
      `--targets takes a comma-separated subset of ${SELECTABLE_TARGETS.join(',')} (not: ${bad.join(',')})`,
    );
  }
  return SELECTABLE_TARGETS.filter((t) => asked.includes(t));
}

/** What `--quick` stands for; flags given explicitly win. */
const QUICK = {
  modes: 'tcp-keepalive,tcp-newconn',
  targets: 'nlbkit,dsr',
  'newconn-client': 'spread',
  reps: '6',
  churn: '0',
} as const;

/** Parses argv; prints help and returns undefined for `--help`. Throws on a bad flag. */
export function parseBenchOptions(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      reps: { type: 'string' },
      duration: { type: 'string' },
      clients: { type: 'string' },
      connections: { type: 'string' },
      'udp-sockets': { type: 'string' },
      churn: { type: 'string' },
      'lb-reps': { type: 'string' },
      modes: { type: 'string' },
      'no-flowtable': { type: 'boolean' },
      'newconn-client': { type: 'string' },
      'keepalive-client': { type: 'string' },
      targets: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  if (values.quick) {
    for (const [k, v] of Object.entries(QUICK)) (values as Record<string, unknown>)[k] ??= v;
  }
  return {
    reps: int(values.reps, 'reps', 10, 1, 50),
    duration: int(values.duration, 'duration', 2, 1, 120),
    clients: int(values.clients, 'clients', 3, 1, 16),
    connections: int(values.connections, 'connections', 10, 1, 1000),
    udpSockets: int(values['udp-sockets'], 'udp-sockets', 24, 1, 1000),
    modes: modeList(values.modes),
    churnOps: int(values.churn, 'churn', 100, 0, 10_000),
    lbReps: int(values['lb-reps'], 'lb-reps', 4, 0, 50),
    flowtable: !values['no-flowtable'],
    newconnClient: client(values['newconn-client'], 'newconn-client', 'wrk'),
    keepaliveClient: client(values['keepalive-client'], 'keepalive-client', 'spread'),
    targets: targetList(values.targets),
    out: values.out,
  };
}
