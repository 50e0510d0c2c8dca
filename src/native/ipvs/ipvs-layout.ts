/**
 * What the IPVS table must hold for a {@link NodeDataplaneState}: one virtual service per nlbkit service
 * and one real server per backend, forwarded as the service asks: NAT (`-m`), direct routing (`-g`,
 * for `dsr`) or IPIP tunnelling (`-i`, for `tunnel`). Every value is checked again here, through the
 * same gate the nftables renderer uses, before any of it can reach an `ipvsadm` line.
 */

import { addr, port, proto, renderError, uint } from '../dataplane/dataplane-values.js';
import type { NodeDataplaneState, ServiceSpec } from '../model.js';
import { compareEndpoints } from './ipvs-order.js';

/** IPVS schedulers nlbkit uses (`ipvsadm -s`). */
export type IpvsScheduler = 'rr' | 'wrr' | 'sh' | 'mh';

/** How IPVS forwards to a real server, as `ipvsadm -L` names it. */
export type IpvsForward = 'Masq' | 'Route' | 'Tunnel';

/** The `ipvsadm` option of each forwarding method. */
export const FORWARD_OPTION: Record<IpvsForward, '-m' | '-g' | '-i'> = {
  Masq: '-m',
  Route: '-g',
  Tunnel: '-i',
};

/** One real server of a virtual service. */
export interface IpvsDest {
  /** `addr:port` or `[addr]:port`, as ipvsadm writes it. */
  endpoint: string;
  weight: number;
}

/** One virtual service. */
export interface IpvsService {
  /** `tcp 198.18.0.1:80`: protocol and endpoint, the identity of a virtual service. */
  key: string;
  /** The nlbkit service (NLB) it renders, for messages. */
  id: string;
  protocol: 'tcp' | 'udp';
  /** `addr:port` or `[addr]:port`. */
  endpoint: string;
  vip: string;
  scheduler: IpvsScheduler;
  /** How its real servers are reached: `Masq` (nat), `Route` (dsr) or `Tunnel` (tunnel, IPIP). */
  forward: IpvsForward;
  /** Scheduler flags, sorted (`mh-fallback`, `mh-port`, ...). */
  flags: string[];
  /**
   * By endpoint, in the order they are added: ascending by address, then port. The kernel puts each
   * new real server at the head of its list, so it holds them in descending order, and `mh` builds
   * its table from that list: the same order on every node is the same table (see ipvs-order.ts).
   */
  dests: Map<string, IpvsDest>;
  /** Endpoints of removed servers whose drain time is over: deleted even with connections (issue 20). */
  drained?: Set<string>;
}

/** Largest weight IPVS takes; nlbkit's weights are 1-100, and duplicates add up. */
const MAX_WEIGHT = 65535;

/** The endpoint text ipvsadm reads and prints: IPv6 in brackets. */
export function endpoint(address: string, family: 4 | 6, p: number): string {
  const a = addr(address, family);
  return family === 6 ? `[${a}]:${port(p)}` : `${a}:${port(p)}`;
}

/** Scheduler and flags for a service: weighted only when weights differ; hashing falls back past a drained server. */
function scheduling(s: ServiceSpec): { scheduler: IpvsScheduler; flags: string[] } {
  // IPVS hashes only the source for a service (its address and port are fixed), so FIVE_TUPLE is
  // the source address and port, as SOURCE_IP_PORT.
  const withPort = s.hashFields !== 'SOURCE_IP';
  switch (s.algorithm) {
    case 'ROUND_ROBIN': {
      const weights = new Set(s.backends.map((b) => b.weight));
      return { scheduler: weights.size > 1 ? 'wrr' : 'rr', flags: [] };
    }
    case 'SOURCE_HASH':
      // sh keeps a bucket for a weight-0 (draining) server: without fallback its flows would be refused.
      return { scheduler: 'sh', flags: withPort ? ['sh-fallback', 'sh-port'] : ['sh-fallback'] };
    case 'MAGLEV':
      return { scheduler: 'mh', flags: withPort ? ['mh-fallback', 'mh-port'] : ['mh-fallback'] };
    default:
      throw renderError(`unknown algorithm ${JSON.stringify(s.algorithm)}`);
  }
}

/**
 * The forwarding method of a service. `dsr` and `tunnel` need every LB node to pick a flow's backend
 * alike, so MAGLEV (`mh`) only; and there is nothing to masquerade.
 */
function forwardOf(s: ServiceSpec): IpvsForward {
  const mode = s.forwarding ?? 'nat';
  if (mode === 'nat') return 'Masq';
  if (mode !== 'dsr' && mode !== 'tunnel')
    throw renderError(`service ${s.id}: unknown forwarding ${JSON.stringify(mode)}`);
  if (s.algorithm !== 'MAGLEV')
    throw renderError(`service ${s.id}: ${mode} forwarding needs MAGLEV (mh), so every LB node picks alike`);
  return mode === 'dsr' ? 'Route' : 'Tunnel';
}

/**
 * The virtual services `state` asks for, by key. `owns(vip)` must hold for every VIP: a service
 * outside the owned ranges could never be told apart from someone else's, so it is refused here.
 */
export function desiredServices(
  state: NodeDataplaneState,
  owns: (vip: string) => boolean,
): Map<string, IpvsService> {
  const out = new Map<string, IpvsService>();
  for (const s of state.services) {
    const forward = forwardOf(s);
    if (s.snat) {
      throw renderError(
        `service ${s.id}: the IPVS data plane does not masquerade (snat); use the nftables data plane, or make the LB node the backends' gateway`,
      );
    }
    if (s.family !== 4 && s.family !== 6) throw renderError(`service ${s.id}: family must be 4 or 6`);
    const family = s.family;
    const protocol = proto(s.protocol);
    const ep = endpoint(s.vip, family, s.port);
    if (!owns(s.vip)) {
      throw renderError(`service ${s.id}: VIP ${s.vip} is outside the ranges this IPVS data plane owns`);
    }
    const key = `${protocol} ${ep}`;
    if (out.has(key)) throw renderError(`two services at ${key} (${out.get(key)?.id} and ${s.id})`);
    const byEndpoint = new Map<string, IpvsDest>();
    for (const b of s.backends) {
      uint(b.weight, 1, 100, `weight of ${b.id}`);
      // Direct routing and tunnelling leave the packet's port as it is (the kernel would rewrite it).
      if (forward !== 'Masq' && b.port !== s.port)
        throw renderError(
          `service ${s.id}: backend ${b.id} port ${b.port} must equal the service port ${s.port}`,
        );
      const bep = endpoint(b.address, family, b.port);
      // Two VMs behind one address and port are one real server to IPVS: it gets both shares.
      const weight = Math.min(MAX_WEIGHT, (byEndpoint.get(bep)?.weight ?? 0) + b.weight);
      byEndpoint.set(bep, { endpoint: bep, weight });
    }
    const dests = new Map([...byEndpoint].sort(([a], [b]) => compareEndpoints(a, b)));
    const service: IpvsService = {
      key,
      id: s.id,
      protocol,
      endpoint: ep,
      vip: s.vip,
      forward,
      ...scheduling(s),
      dests,
    };
    const drained = (s.drained ?? []).map((d) => endpoint(d.address, family, d.port));
    if (drained.length > 0) service.drained = new Set(drained);
    out.set(key, service);
  }
  return out;
}
