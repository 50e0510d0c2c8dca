/**
 * Tunnel forwarding on nftables (issue 21): the backend is chosen exactly as for dsr (nft-dsr.ts: the
 * same Maglev slots, seed and per-node pins, in the same `table netdev`), then the packet is sent
 * IPIP-encapsulated to the backend, which may sit on another segment. nft 1.0.6 cannot encapsulate,
 * so each tunnel backend has a point-to-point ipip device of its own (`nlt` + its mark in hex, remote
 * = the backend) and the chain `tun` sends a packet with the backend's mark into it with
 * `fwd ip to <backend> device "nlt…"` (the neighbour path: no MAC header is pushed, which the plain
 * `fwd to` does on kernel 6.1 and which corrupts the inner packet). The device's own routing finds
 * the way to the backend. Pure: state in, script text or argument vectors out.
 */
import { addr, device, hex32, ident, renderError } from '../dataplane/dataplane-values.js';

/** Where tunnel traffic enters (the client side); it leaves by each backend's ipip device. */
export interface TunnelDevices {
  /** Devices client traffic to tunnel VIPs arrives on (1-16), sorted without repeats. */
  ingress: string[];
}

/** Names of the ipip devices nlbkit owns: `nlt` and 8 hex digits (the backend's mark). */
export const TUNNEL_DEVICE_PATTERN = /^nlt[0-9a-f]{8}$/;
/** The chain that sends a marked packet into its backend's ipip device. */
export const TUNNEL_CHAIN = 'tun';

/** The `tunnel` options, checked (safe device names, 1-16 of them) and sorted. */
export function tunnelDevices(raw: unknown): TunnelDevices {
  const r = raw as Partial<TunnelDevices> | undefined;
  if (!r || !Array.isArray(r.ingress) || r.ingress.length === 0 || r.ingress.length > 16)
    throw renderError('tunnel.ingress must list 1-16 device names');
  for (const d of r.ingress) device(d as string);
  return { ingress: [...new Set(r.ingress as string[])].sort() };
}

/** The ipip device of the backend with this mark (its IPv4 address as a number). */
export const tunnelDeviceName = (mark: number) => `nlt${hex32(mark, 'mark').slice(2)}`;

/**
 * The chain `tun` again: flushed, then one rule per backend (mark -> its device), then drop. A linear
 * match: fine for tens of backends; a vmap to per-backend chains is the step beyond.
 */
export function renderTunnelChain(tableName: string, backends: ReadonlyMap<number, string>): string[] {
  const c = `netdev ${ident(tableName)} ${TUNNEL_CHAIN}`;
  const out = [`flush chain ${c}`];
  for (const [mark, address] of [...backends].sort((a, b) => a[0] - b[0]))
    out.push(
      `add rule ${c} meta mark ${hex32(mark, 'mark')} fwd ip to ${addr(address, 4)} device ${device(tunnelDeviceName(mark))}`,
    );
  out.push(`add rule ${c} drop`);
  return out;
}

/** One ipip device as the kernel lists it (`ip -d -j link show type ipip`). */
export interface KernelTunnel {
  name: string;
  remote: string | undefined;
  up: boolean;
  /** The kernel's index of the device: a rule that names it holds this, not the name. */
  ifindex?: number;
}

/** The ipip devices nlbkit owns, from `ip -d -j link show type ipip` (others are ignored). */
export function parseTunnelDevices(json: string): KernelTunnel[] {
  const links = JSON.parse(json || '[]') as {
    ifindex?: unknown;
    ifname?: string;
    flags?: string[];
    linkinfo?: { info_data?: { remote?: string } };
  }[];
  return links
    .filter((l) => typeof l.ifname === 'string' && TUNNEL_DEVICE_PATTERN.test(l.ifname))
    .map((l) => ({
      name: l.ifname!,
      remote: l.linkinfo?.info_data?.remote,
      up: (l.flags ?? []).includes('UP'),
      ...(Number.isInteger(l.ifindex) ? { ifindex: l.ifindex as number } : {}),
    }));
}

/**
 * The devices the `tun` rules were loaded against (`bound`: name -> ifindex) that the kernel now holds
 * under another index: deleted and made again by hand, so the rules still name the old one.
 */
export function rebornTunnels(bound: ReadonlyMap<string, number>, have: readonly KernelTunnel[]): string[] {
  const out: string[] = [];
  for (const k of have) {
    const was = bound.get(k.name);
    if (was !== undefined && k.ifindex !== undefined && k.ifindex !== was)
      out.push(
        `tunnel device ${k.name} was made again (ifindex ${was}, now ${k.ifindex}): the rules name the old one`,
      );
  }
  return out;
}

/** What to do to the kernel's ipip devices: the argument vectors of `ip`, in order. */
export interface TunnelDevicePlan {
  /** Devices to create (absent) or re-create (another remote), and bring up: before nft. */
  create: string[][];
  /** The names `create` makes (to delete again if the nft transaction fails). */
  created: string[];
  /** Devices of nlbkit's that no backend needs any more: after nft. */
  remove: string[][];
  /** Differences from what is wanted, in words (verify's report). */
  diff: string[];
}

/** Plans the ipip devices for `want` (mark -> backend address) against what the kernel holds. */
export function planTunnelDevices(
  want: ReadonlyMap<number, string>,
  have: readonly KernelTunnel[],
): TunnelDevicePlan {
  const plan: TunnelDevicePlan = { create: [], created: [], remove: [], diff: [] };
  const byName = new Map(have.map((k) => [k.name, k]));
  const wanted = new Set<string>();
  for (const [mark, address] of [...want].sort((a, b) => a[0] - b[0])) {
    const name = tunnelDeviceName(mark); // `nlt` and 8 hex digits: safe as an argument and a name
    const remote = addr(address, 4);
    wanted.add(name);
    const k = byName.get(name);
    if (k && k.remote === remote) {
      if (!k.up) {
        plan.diff.push(`tunnel device ${name} is down`);
        plan.create.push(['ip', 'link', 'set', 'dev', name, 'up']);
      }
      continue;
    }
    if (k) {
      plan.diff.push(`tunnel device ${name} leads to ${k.remote ?? 'nowhere'}, not ${remote}`);
      plan.create.push(['ip', 'link', 'del', 'dev', name]);
    } else plan.diff.push(`tunnel device ${name} (to ${remote}) is missing`);
    plan.create.push(['ip', 'link', 'add', 'name', name, 'type', 'ipip', 'remote', remote]);
    plan.create.push(['ip', 'link', 'set', 'dev', name, 'up']);
    plan.created.push(name);
  }
  for (const k of have)
    if (!wanted.has(k.name) && TUNNEL_DEVICE_PATTERN.test(k.name)) {
      plan.diff.push(`tunnel device ${k.name} is not needed`);
      plan.remove.push(['ip', 'link', 'del', 'dev', k.name]);
    }
  return plan;
}

/** The devices the chain `tun` sends to, sorted, from `nft -j list table netdev <name>`. */
export function tunnelTargets(json: string): string[] {
  const out: string[] = [];
  for (const o of (JSON.parse(json) as { nftables: { rule?: { chain: string; expr: unknown[] } }[] })
    .nftables) {
    if (o.rule?.chain !== TUNNEL_CHAIN) continue;
    for (const e of o.rule.expr) {
      const fwd = (e as { fwd?: { dev?: unknown } }).fwd;
      if (fwd) out.push(String(fwd.dev));
    }
  }
  return out.sort();
}
