/**
 * The routing plan of the dsr probe path (pure): which source port each dsr health check sends from,
 * and the `ip` argument vectors that make a probe from that port go to the VIP by way of one backend's
 * MAC, as a client's packet does after the LB node forwards it. Applied by dsr-probe-path.ts inside
 * the agent's probe namespace.
 *
 * One lane per health target: source port N, routing table TABLE_BASE + N holding `backend/32 dev D
 * scope link`, `VIP/32 via backend dev D` and `unreachable default`, and one rule `ipproto P sport N
 * lookup T`. The probe namespace's main table is empty, so a probe whose rule or route is missing
 * fails (ENETUNREACH, EHOSTUNREACH) instead of leaving by another path.
 */
import { NLBError } from '../../interfaces/errors.js';
import { parseAddress } from '../../interfaces/schemas.js';
import type { HealthCheckProtocol } from '../../interfaces/types.js';
import { INTERFACE_PATTERN } from '../agent/vip-addresses.js';

/** Routing table of the lane with source port N: TABLE_BASE + N ("nl" in the high bytes). */
export const TABLE_BASE = 0x6e6c0000;
/** Preference of the lanes' rules: after `local` (0), before `main` (32766). */
export const RULE_PREF = 1000;
/**
 * Default source ports of the lanes: above Linux's default ephemeral range (32768-60999), so no
 * other socket of the namespace takes one. 4,536 lanes per node.
 */
export const DEFAULT_PROBE_PORTS = { first: 61000, last: 65535 } as const;

/** One health check that must follow the dsr path. */
export interface DsrLane {
  /** The health target's key (`nlb/vm`). */
  key: string;
  /** The VIP the probe is addressed to. */
  vip: string;
  /** The backend whose MAC the probe is delivered to. */
  backend: string;
  /** `tcp` for TCP, HTTP and HTTPS checks, `udp` for UDP ones. */
  ipproto: 'tcp' | 'udp';
  /** The probe's source port; its rule selects the lane's table. */
  localPort: number;
}

const invalid = (message: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation: 'dsrProbe', message });

/** The IP protocol a check of `protocol` sends. */
export const ipprotoOf = (protocol: HealthCheckProtocol): 'tcp' | 'udp' =>
  protocol === 'UDP' ? 'udp' : 'tcp';

/** Throws INVALID_ARGUMENT unless `address` is a canonical IPv4 address (dsr is IPv4 only). */
export function assertIpv4(address: string, what: string): void {
  const parsed = parseAddress(address);
  if (parsed?.family !== 4 || parsed.address !== address)
    throw invalid(`${what} must be a canonical IPv4 address, got '${String(address).slice(0, 64)}'`);
}

/** Throws INVALID_ARGUMENT unless `device` is an interface name `ip` takes as one argument. */
export function assertDevice(device: string, what: string): void {
  if (typeof device !== 'string' || !INTERFACE_PATTERN.test(device))
    throw invalid(`${what} must be a device name (${INTERFACE_PATTERN.source})`);
}

/**
 * Gives each key a source port in `range` and keeps it while the key stays (so a target keeps its
 * lane, and its health, across updates); freed ports are reused lowest first.
 */
export class ProbePorts {
  readonly #byKey = new Map<string, number>();
  readonly #range: { first: number; last: number };

  constructor(range: { first: number; last: number } = DEFAULT_PROBE_PORTS) {
    const ok = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
    if (!ok(range.first) || !ok(range.last) || range.first > range.last)
      throw invalid(`probe ports must be 1-65535 with first <= last, got ${range.first}-${range.last}`);
    this.#range = range;
  }

  /**
   * The ports of `keys` (each key once): kept ones first, then new ones. Keys beyond the range's
   * size get none (they are absent from the result: the caller reports them DOWN).
   */
  assign(keys: readonly string[]): Map<string, number> {
    const wanted = new Set(keys);
    for (const key of [...this.#byKey.keys()]) if (!wanted.has(key)) this.#byKey.delete(key);
    const used = new Set(this.#byKey.values());
    let next = this.#range.first;
    for (const key of wanted) {
      if (this.#byKey.has(key)) continue;
      while (next <= this.#range.last && used.has(next)) next++;
      if (next > this.#range.last) break;
      this.#byKey.set(key, next);
      used.add(next);
    }
    return new Map(
      [...wanted].flatMap((k) => (this.#byKey.has(k) ? [[k, this.#byKey.get(k)!] as const] : [])),
    );
  }
}

/** Validates a lane; throws INVALID_ARGUMENT naming the bad field before anything runs. */
export function checkLane(lane: DsrLane): DsrLane {
  assertIpv4(lane.vip, `dsr probe ${lane.key}: the VIP`);
  assertIpv4(lane.backend, `dsr probe ${lane.key}: the backend address`);
  if (lane.ipproto !== 'tcp' && lane.ipproto !== 'udp')
    throw invalid(`dsr probe ${lane.key}: ipproto tcp or udp`);
  if (!Number.isInteger(lane.localPort) || lane.localPort < 1 || lane.localPort > 65535)
    throw invalid(`dsr probe ${lane.key}: source port must be 1-65535`);
  return lane;
}

/** What a lane is, for comparing the applied plan with a new one (the key is not routing). */
export const laneRouting = (l: DsrLane): string => `${l.ipproto} ${l.localPort} ${l.vip} ${l.backend}`;

const tableOf = (l: DsrLane) => String(TABLE_BASE + l.localPort);
const ruleArgs = (l: DsrLane) => [
  'pref',
  String(RULE_PREF),
  'ipproto',
  l.ipproto,
  'sport',
  String(l.localPort),
  'lookup',
  tableOf(l),
];

/** The commands (run in the probe namespace) that put `lane` in place, routes before the rule. */
export function laneAddCommands(lane: DsrLane, device: string): string[][] {
  checkLane(lane);
  assertDevice(device, 'the probe device');
  const table = tableOf(lane);
  return [
    ['ip', 'route', 'replace', `${lane.backend}/32`, 'dev', device, 'scope', 'link', 'table', table],
    ['ip', 'route', 'replace', `${lane.vip}/32`, 'via', lane.backend, 'dev', device, 'table', table],
    ['ip', 'route', 'replace', 'unreachable', 'default', 'table', table],
    ['ip', 'rule', 'add', ...ruleArgs(lane)],
  ];
}

/** The commands that remove `lane`: the rule first, so no probe meets a half-emptied table. */
export function laneRemoveCommands(lane: DsrLane): string[][] {
  checkLane(lane);
  return [
    ['ip', 'rule', 'del', ...ruleArgs(lane)],
    ['ip', 'route', 'flush', 'table', tableOf(lane)],
  ];
}
