/**
 * From the store's records (and what health checking knows) to what one node's kernel must hold. Pure:
 * the same snapshot and health always give the same state, sorted, so a restarted agent asks the data
 * plane for exactly what it asked before (no churn).
 */

import type { VMHealthState } from '../../interfaces/types.js';
import type { AnnounceTarget } from '../announce/types.js';
import { type AllDownMode, selectBackends } from '../health/select-backends.js';
import type { HealthTarget } from '../health/types.js';
import type { BackendSpec, NodeDataplaneState, ServiceSpec } from '../model.js';
import type { StoreSnapshot } from '../store/types.js';

/** jhash seed of a node that serves no NLB, and the driver's default ("nlbk"); records carry the real one. */
export const DEFAULT_HASH_SEED = 0x6e6c626b;
/** Maglev table size of a node that serves no NLB, and the driver's default (IPVS mh's default prime). */
export const DEFAULT_MAGLEV_TABLE_SIZE = 4093;

/** The health key of a VM in an NLB, as HealthSource and node reports know it. */
export const healthKey = (nlb: string, vm: string): string => `${nlb}/${vm}`;

/** One node's desired kernel state, the checks to run, and the VIPs to hold. */
export interface NodePlan {
  revision: number;
  state: NodeDataplaneState;
  targets: HealthTarget[];
  /** Sorted, unique. */
  vips: string[];
  /** One per VIP, sorted: what an announcer needs (family, and whether any backend takes flows). */
  announce: AnnounceTarget[];
  /** When the next drain ends (ms since the epoch), so the agent wakes then; absent: none running. */
  nextDrainEnd?: number;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Builds the plan. `healthOf` returns a backend's state (UNKNOWN when not measured); backends judged
 * UNHEALTHY are left out, and `allDown` says what happens when every one is.
 */
export function planNode(
  snapshot: StoreSnapshot,
  healthOf: (key: string) => VMHealthState,
  allDown: AllDownMode = 'fail-open',
  now: number = Date.now(),
): NodePlan {
  let nextDrainEnd: number | undefined;
  const services: ServiceSpec[] = [];
  const targets: HealthTarget[] = [];
  const vips = new Set<string>();
  const announce = new Map<string, AnnounceTarget>();
  for (const { record } of snapshot.records) {
    const s = record.service;
    vips.add(s.vip);
    const sorted = [...s.backends].sort(byId);
    for (const b of sorted)
      targets.push({
        key: healthKey(record.name, b.id),
        address: b.address,
        port: s.health.port,
        protocol: s.health.protocol,
        interval: s.health.interval,
        timeout: s.health.timeout,
        rise: s.health.rise,
        fall: s.health.fall,
        httpPath: s.health.httpPath,
        expectedCodes: s.health.expectedCodes,
        // A dsr or tunnel backend is checked the way its clients' packets reach it: to the VIP, at its
        // MAC or through its tunnel.
        ...(s.forwarding === 'dsr' || s.forwarding === 'tunnel'
          ? { path: { mode: s.forwarding, vip: s.vip } }
          : {}),
      });
    const { selected, allDown: none } = selectBackends(
      sorted.map((b) => [b, healthOf(healthKey(record.name, b.id))] as const),
      allDown,
    );
    // A VIP serves when any service on it has a backend not judged UNHEALTHY (fail-open's all-down
    // rendering does not count: announcing it would draw traffic to a node with nothing healthy).
    const serving = !none && selected.length > 0;
    const target = announce.get(s.vip);
    if (target) target.serving ||= serving;
    else announce.set(s.vip, { vip: s.vip, family: s.family, serving });
    const backends: BackendSpec[] = selected.map((b) => ({
      id: b.id,
      address: b.address,
      port: s.backendPort,
      weight: b.weight,
    }));
    const drained = (s.draining ?? [])
      .filter((d) => {
        if (d.until > now) nextDrainEnd = Math.min(nextDrainEnd ?? d.until, d.until);
        return d.until <= now;
      })
      .map((d) => ({ address: d.address, port: d.port, until: d.until }));
    services.push({
      ...(drained.length > 0 ? { drained } : {}),
      id: record.name,
      vip: s.vip,
      family: s.family,
      protocol: s.protocol === 'TCP' ? 'tcp' : 'udp',
      port: s.port,
      algorithm: s.algorithm,
      hashFields: s.hashFields,
      backends,
      snat: s.snat,
      ...(s.forwarding === 'dsr' || s.forwarding === 'tunnel' ? { forwarding: s.forwarding } : {}),
    });
  }
  services.sort(byId);
  const first = snapshot.records[0]?.record.service;
  return {
    revision: snapshot.revision,
    state: {
      services,
      hashSeed: first?.hashSeed ?? DEFAULT_HASH_SEED,
      maglevTableSize: first?.maglevTableSize ?? DEFAULT_MAGLEV_TABLE_SIZE,
    },
    targets,
    vips: [...vips].sort(),
    announce: [...announce.values()].sort((a, b) => (a.vip < b.vip ? -1 : a.vip > b.vip ? 1 : 0)),
    ...(nextDrainEnd === undefined ? {} : { nextDrainEnd }),
  };
}
