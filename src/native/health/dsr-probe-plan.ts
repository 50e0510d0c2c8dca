/**
 * The routing plan of the probe path (pure): which source port each dsr or tunnel health check sends
 * from, and the `ip` argument vectors that make a probe from that port go to the VIP the way a client's
 * packet goes after the LB node forwards it: by way of one backend's MAC (dsr), or IPIP-encapsulated
 * to the backend (tunnel). Applied by dsr-probe-path.ts inside the agent's probe namespace.
 *
 * One lane per health target: source port N, routing table TABLE_BASE + N and one rule `ipproto P
 * sport N lookup T`. A dsr lane's table holds `backend/32 dev D scope link`, `VIP/32 via backend dev
 * D`; a tunnel lane's `VIP/32 dev nlt<backend> src A` (an ipip device to the backend, one per backend,
 * shared by its lanes); both end in `unreachable default`. The encapsulated packets (IP protocol 4)
 * find their way in the outer table TABLE_BASE (default route on D, by the gateway when given). The
 * probe namespace's main table is empty, so a probe whose rule or route is missing fails
 * (ENETUNREACH, EHOSTUNREACH) instead of leaving by another path.
 */
import { NLBError } from '../../interfaces/errors.js';
import { parseAddress } from '../../interfaces/schemas.js';
import type { HealthCheckProtocol } from '../../interfaces/types.js';
import { INTERFACE_PATTERN } from '../agent/vip-addresses.js';
import { backendMark } from '../nft/nft-dsr.js';
import { tunnelDeviceName } from '../nft/nft-tunnel.js';

/** Routing table of the lane with source port N: TABLE_BASE + N ("nl" in the high bytes). */
export const TABLE_BASE = 0x6e6c0000;
/** Preference of the lanes' rules: after `local` (0), before `main` (32766). */
export const RULE_PREF = 1000;
/**
 * Default source ports of the lanes: above Linux's default ephemeral range (32768-60999), so no
 * other socket of the namespace takes one. 4,536 lanes per node.
 */
export const DEFAULT_PROBE_PORTS = { first: 61000, last: 65535 } as const;

/** The routing table of the encapsulated (outer) packets of tunnel lanes: no lane has source port 0. */
export const OUTER_TABLE = String(TABLE_BASE);

const outerRule = ['pref', String(RULE_PREF), 'ipproto', '4', 'lookup', OUTER_TABLE];

/** One health check that must follow the dsr or tunnel path. */
export interface DsrLane {
  /** The health target's key (`nlb/vm`). */
  key: string;
  /** `dsr` (delivered to the backend's MAC) unless `tunnel` (IPIP-encapsulated to the backend). */
  mode?: 'dsr' | 'tunnel';
  /** The VIP the probe is addressed to. */
  vip: string;
  /** The backend the probe is delivered to (its MAC for dsr; the tunnel's remote end for tunnel). */
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
  assertIpv4(lane.vip, `probe ${lane.key}: the VIP`);
  assertIpv4(lane.backend, `probe ${lane.key}: the backend address`);
  if (lane.mode !== undefined && lane.mode !== 'dsr' && lane.mode !== 'tunnel')
    throw invalid(`probe ${lane.key}: mode dsr or tunnel`);
  if (lane.ipproto !== 'tcp' && lane.ipproto !== 'udp')
    throw invalid(`probe ${lane.key}: ipproto tcp or udp`);
  if (!Number.isInteger(lane.localPort) || lane.localPort < 1 || lane.localPort > 65535)
    throw invalid(`probe ${lane.key}: source port must be 1-65535`);
  return lane;
}

/** What a lane is, for comparing the applied plan with a new one (the key is not routing). */
export const laneRouting = (l: DsrLane): string =>
  `${l.mode ?? 'dsr'} ${l.ipproto} ${l.localPort} ${l.vip} ${l.backend}`;

/** The probe namespace's ipip device to a tunnel backend: `nlt` and its address in hex, as on the node. */
export const probeTunnelName = (backend: string): string => {
  assertIpv4(backend, 'the tunnel backend');
  return tunnelDeviceName(backendMark(backend));
};

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

/** The probe namespace's device and address (the tunnel lanes' inner source). */
export interface ProbeInterface {
  device: string;
  address: string;
}

/**
 * The commands (run in the probe namespace) that put `lane` in place, routes before the rule. A
 * tunnel lane's ipip device (tunnelDeviceCommands) must exist first.
 */
export function laneAddCommands(lane: DsrLane, probe: ProbeInterface): string[][] {
  checkLane(lane);
  assertDevice(probe.device, 'the probe device');
  assertIpv4(probe.address, 'the probe address');
  const table = tableOf(lane);
  const routes =
    lane.mode === 'tunnel'
      ? [
          [
            ...['ip', 'route', 'replace', `${lane.vip}/32`, 'dev', probeTunnelName(lane.backend)],
            ...['src', probe.address, 'table', table],
          ],
        ]
      : [
          [
            'ip',
            'route',
            'replace',
            `${lane.backend}/32`,
            'dev',
            probe.device,
            'scope',
            'link',
            'table',
            table,
          ],
          [
            'ip',
            'route',
            'replace',
            `${lane.vip}/32`,
            'via',
            lane.backend,
            'dev',
            probe.device,
            'table',
            table,
          ],
        ];
  return [
    ...routes,
    ['ip', 'route', 'replace', 'unreachable', 'default', 'table', table],
    ['ip', 'rule', 'add', ...ruleArgs(lane)],
  ];
}

/**
 * The commands that make the ipip device to `backend` (its outer source the probe's address), up.
 * @throws NLBError INVALID_ARGUMENT for a bad address.
 */
export function tunnelDeviceCommands(backend: string, probe: ProbeInterface): string[][] {
  assertIpv4(probe.address, 'the probe address');
  const name = probeTunnelName(backend);
  return [
    ['ip', 'link', 'add', 'name', name, 'type', 'ipip', 'remote', backend, 'local', probe.address],
    ['ip', 'link', 'set', 'dev', name, 'up'],
  ];
}

/**
 * The commands that route the tunnel lanes' encapsulated packets (IP protocol 4, which no lane rule
 * matches): a rule to OUTER_TABLE and its default route on the probe device, through `gateway` when
 * the tunnel backends are on other subnets (onlink: the probe's /32 makes no subnet).
 */
export function outerRouteCommands(probe: ProbeInterface, gateway?: string): string[][] {
  assertDevice(probe.device, 'the probe device');
  if (gateway !== undefined) assertIpv4(gateway, 'the tunnel probe gateway');
  const route =
    gateway === undefined
      ? ['ip', 'route', 'replace', 'default', 'dev', probe.device, 'scope', 'link', 'table', OUTER_TABLE]
      : [
          'ip',
          'route',
          'replace',
          'default',
          'via',
          gateway,
          'dev',
          probe.device,
          'onlink',
          'table',
          OUTER_TABLE,
        ];
  return [route, ['ip', 'rule', 'add', ...outerRule]];
}

/** The commands that undo outerRouteCommands: the rule first. */
export const outerRemoveCommands = (): string[][] => [
  ['ip', 'rule', 'del', ...outerRule],
  ['ip', 'route', 'flush', 'table', OUTER_TABLE],
];

/** The commands that remove `lane`: the rule first, so no probe meets a half-emptied table. */
export function laneRemoveCommands(lane: DsrLane): string[][] {
  checkLane(lane);
  return [
    ['ip', 'rule', 'del', ...ruleArgs(lane)],
    ['ip', 'route', 'flush', 'table', tableOf(lane)],
  ];
}
