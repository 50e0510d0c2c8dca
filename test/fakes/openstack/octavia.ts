/**
 * Octavia v2 (`/v2/lbaas`): load balancers, listeners, pools, batch members and health monitors, with
 * the provisioning rhythm of the real service: every change moves the load balancer to PENDING_*, and
 * it is back to ACTIVE after `pendingReads` reads of it (reads, not time, so tests are deterministic);
 * a change while it is PENDING is 409 "immutable". Validation follows
 * Octavia's API reference (field ranges, protocol pairs, one monitor per pool, one port per listener).
 */
import { randomUUID } from 'node:crypto';
import {
  bad,
  conflict,
  type FakeRequest,
  type FakeResponse,
  int,
  notFound,
  OsFault,
  ok,
  pathMatcher,
  str,
  tags,
} from './http.js';
import type { Listener, LoadBalancer, Member, Monitor, OpenStackState, Pool, Subnet } from './state.js';

const LISTENER_PROTOCOLS = ['TCP', 'UDP', 'HTTP', 'HTTPS', 'TERMINATED_HTTPS', 'SCTP'];
const ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'];
/** Monitor types each pool protocol accepts. */
const MONITOR_TYPES: Record<string, string[]> = {
  TCP: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO'],
  UDP: ['UDP-CONNECT', 'TCP', 'HTTP', 'SCTP'],
};

/** What the OVN provider (ovn-octavia-provider) takes; anything else is its UnsupportedOptionError. */
const OVN = {
  protocols: ['TCP', 'UDP', 'SCTP'],
  algorithms: ['SOURCE_IP_PORT', 'SOURCE_IP'],
  monitorTypes: ['TCP', 'UDP-CONNECT'],
};
const PROVIDERS = ['amphora', 'ovn'];
/** The fields a member PUT takes (Octavia's MemberPUT). */
const MEMBER_PUT_FIELDS = [
  'name',
  'weight',
  'admin_state_up',
  'backup',
  'monitor_address',
  'monitor_port',
  'tags',
];

/** Refuses, as Octavia answers a provider's UnsupportedOptionError (501), what OVN does not support. */
function ovnRefuses(lb: LoadBalancer, unsupported: boolean, what: string) {
  if (lb.provider === 'ovn' && unsupported)
    throw new OsFault(
      501,
      `Provider 'ovn' does not support a requested option: ${what}`,
      'ProviderUnsupportedOptionError',
    );
}

export interface OctaviaOptions {
  /** Reads of a load balancer (GET by id) that still see it PENDING after a change. */
  pendingReads: number;
}

const inSubnet = (s: Subnet, ip: string) =>
  s.ipVersion === 6 ? ip.startsWith(s.prefix) : ip.startsWith(`${s.prefix}.`);

/**
 * The VIP's network and subnet (vip_subnet_id, else the network's first subnet) and the subnets of
 * `additional_vips`, which must be other subnets of that same network, as Octavia requires.
 */
function vipSubnets(state: OpenStackState, b: Record<string, unknown>) {
  const subnetId = b.vip_subnet_id;
  const subnet = typeof subnetId === 'string' ? state.subnet(subnetId) : undefined;
  if (subnetId !== undefined && !subnet)
    throw bad(`Validation failure: Subnet ${String(subnetId)} not found.`);
  const netId = b.vip_network_id ?? subnet?.networkId;
  const net = state.networks.find((n) => n.id === netId);
  if (!net) throw bad(`Validation failure: Network ${String(netId)} not found.`);
  if (subnet && subnet.networkId !== net.id)
    throw bad(`Validation failure: Subnet ${subnet.id} is not in network ${net.id}.`);
  const vip = subnet ?? (net.subnets[0] as Subnet);
  const more = b.additional_vips ?? [];
  if (!Array.isArray(more)) throw bad('Invalid input for field/attribute additional_vips.');
  const extra = more.map((v: unknown) => {
    const { subnet_id: id, ip_address: ip } = (v ?? {}) as { subnet_id?: unknown; ip_address?: unknown };
    if (ip !== undefined && typeof ip !== 'string')
      throw bad('Invalid input for field/attribute ip_address.');
    const s = typeof id === 'string' ? state.subnet(id) : undefined;
    if (!s) throw bad(`Validation failure: Subnet ${String(id)} not found.`);
    if (s.networkId !== net.id)
      throw bad('Validation failure: All VIP subnets must belong to the same network.');
    if (s.id === vip.id)
      throw bad(
        'Validation failure: Duplicate VIP subnet(s) specified. Only one IP can be bound per subnet.',
      );
    return { subnet: s, ip: ip as string | undefined };
  });
  return { net, subnet: vip, extra };
}

const lbView = (lb: LoadBalancer) => ({
  id: lb.id,
  name: lb.name,
  description: lb.description,
  provisioning_status: lb.provisioning_status,
  operating_status: lb.provisioning_status === 'ACTIVE' ? 'ONLINE' : 'OFFLINE',
  vip_address: lb.vip_address,
  vip_port_id: lb.vip_port_id,
  vip_network_id: lb.vip_network_id,
  vip_subnet_id: lb.vip_subnet_id,
  additional_vips: lb.additional_vips,
  provider: lb.provider,
  tags: lb.tags,
  created_at: lb.created_at,
  listeners: lb.listeners.map((l) => ({ id: l.id })),
  pools: lb.pools.map((p) => ({ id: p.id })),
});
const listenerView = (lb: LoadBalancer, l: Listener) => ({
  ...l,
  loadbalancers: [{ id: lb.id }],
  provisioning_status: lb.provisioning_status,
});
const poolView = (lb: LoadBalancer, p: Pool) => ({
  id: p.id,
  name: p.name,
  protocol: p.protocol,
  lb_algorithm: p.lb_algorithm,
  healthmonitor_id: p.monitorId,
  members: p.members.map((m) => ({ id: m.id })),
  loadbalancers: [{ id: lb.id }],
  listeners: lb.listeners.filter((l) => l.default_pool_id === p.id).map((l) => ({ id: l.id })),
});

export function createOctavia(state: OpenStackState, opts: OctaviaOptions) {
  /** Marks `lb` busy until it has been read `pendingReads` times; then `then` runs and it is ACTIVE. */
  const busy = (lb: LoadBalancer, status = 'PENDING_UPDATE', then?: () => void) => {
    lb.provisioning_status = status;
    lb.pending = {
      reads: opts.pendingReads,
      settle: () => {
        lb.pending = undefined;
        then?.();
        if (status !== 'PENDING_DELETE') lb.provisioning_status = 'ACTIVE';
      },
    };
  };
  /** A read by id: counts down a pending change, which may end it (or remove a deleted load balancer). */
  const read = (lb: LoadBalancer) => {
    if (lb.pending && lb.pending.reads-- <= 0) lb.pending.settle();
  };
  const mutable = (lb: LoadBalancer) => {
    if (lb.provisioning_status !== 'ACTIVE')
      throw conflict(`Load Balancer ${lb.id} is immutable and cannot be updated.`);
  };
  const lbById = (id: string) => {
    const lb = state.lbs.find((l) => l.id === id);
    if (!lb) throw notFound(`Load Balancer ${id} not found.`);
    return lb;
  };
  const owner = (kind: 'pool' | 'listener' | 'monitor', id: string, what: string) => {
    const lb = state.lbOwning(kind, id);
    if (!lb) throw notFound(`${what} ${id} not found.`);
    return lb;
  };
  const poolIn = (lb: LoadBalancer, id: string) => lb.pools.find((p) => p.id === id) as Pool;
  const monitorView = (m: Monitor) => ({ ...m, pools: [{ id: m.pool_id }] });

  function monitorSettings(body: Record<string, unknown>, type: string, base?: Monitor) {
    const delay = int(body, 'delay', 0, 2_147_483_647, base?.delay);
    const timeout = int(body, 'timeout', 0, 2_147_483_647, base?.timeout);
    if (timeout >= delay) throw bad('The health monitor timeout must be less than its delay.');
    // Octavia's udp_connect_min_interval_health_monitor, default 3.
    if (type === 'UDP-CONNECT' && delay < 3)
      throw bad(
        `The request delay value ${delay} should be larger than 3 for UDP-CONNECT health monitor type.`,
      );
    const http = type === 'HTTP' || type === 'HTTPS';
    const urlPath = body.url_path ?? base?.url_path;
    if (urlPath !== undefined && (!http || typeof urlPath !== 'string' || !urlPath.startsWith('/')))
      throw bad(`Invalid input for field/attribute url_path. Value: '${String(urlPath)}'.`);
    const codes = body.expected_codes ?? base?.expected_codes;
    if (
      codes !== undefined &&
      (!http || typeof codes !== 'string' || !/^\d{3}(-\d{3}|(,\d{3})*)$/.test(codes))
    )
      throw bad(`Invalid input for field/attribute expected_codes. Value: '${String(codes)}'.`);
    return {
      delay,
      timeout,
      max_retries: int(body, 'max_retries', 1, 10, base?.max_retries),
      max_retries_down: int(body, 'max_retries_down', 1, 10, base?.max_retries_down ?? 3),
      ...(http
        ? {
            http_method: String(body.http_method ?? base?.http_method ?? 'GET'),
            url_path: (urlPath as string | undefined) ?? '/',
            expected_codes: (codes as string | undefined) ?? '200',
          }
        : {}),
      tags: body.tags === undefined && base ? base.tags : tags(body),
    };
  }

  /** Batch member update: members matched on (address, protocol_port) are updated, the rest replaced. */
  function putMembers(lb: LoadBalancer, pool: Pool, list: unknown) {
    if (!Array.isArray(list)) throw bad('Invalid input for field/attribute members.');
    const seen = new Set<string>();
    const next: Member[] = list.map((raw: Record<string, unknown>) => {
      const address = str(raw, 'address', 'required');
      const port = int(raw, 'protocol_port', 1, 65535);
      ovnRefuses(
        lb,
        raw.monitor_port !== undefined || raw.monitor_address !== undefined,
        'OVN provider does not support monitor options',
      );
      const key = `${address}:${port}`;
      if (seen.has(key)) throw bad(`Duplicate member ${key} in the request.`);
      seen.add(key);
      const subnetId = str(raw, 'subnet_id', 'required');
      const subnet = state.subnet(subnetId);
      if (!subnet) throw bad(`Subnet ${subnetId} not found.`);
      if (!address.startsWith(`${subnet.prefix}.`))
        throw bad(`Member address ${address} is not in subnet ${subnetId}.`);
      const existing = pool.members.find((m) => m.address === address && m.protocol_port === port);
      return {
        id: existing?.id ?? randomUUID(),
        name: typeof raw.name === 'string' ? raw.name : '',
        address,
        protocol_port: port,
        subnet_id: subnetId,
        weight: int(raw, 'weight', 0, 256, 1),
        monitor_port: raw.monitor_port === undefined ? null : int(raw, 'monitor_port', 1, 65535),
        tags: tags(raw),
      };
    });
    return next;
  }

  /**
   * A member's operating status: weight 0 is DRAINING (haproxy's DRAIN state, as the amphora reports
   * it), else its health (ONLINE unless a test says otherwise) when a monitor checks it.
   */
  const memberStatus = (pool: Pool, m: Member) =>
    m.weight === 0 ? 'DRAINING' : pool.monitorId ? (state.health.get(m.name) ?? 'ONLINE') : 'NO_MONITOR';
  const memberView = (lb: LoadBalancer, pool: Pool, m: Member) => ({
    ...m,
    provisioning_status: lb.provisioning_status,
    operating_status: memberStatus(pool, m),
  });

  /**
   * PUT of one member: only what Octavia's MemberPUT type has (address, port and subnet are fixed;
   * anything else is wsme's "Unknown attribute"), weight 0-256.
   */
  function memberUpdate(lb: LoadBalancer, raw: Record<string, unknown>): Partial<Member> {
    const unknown = Object.keys(raw).find((k) => !MEMBER_PUT_FIELDS.includes(k));
    if (unknown) throw bad(`Unknown attribute for argument member: ${unknown}`);
    ovnRefuses(lb, raw.monitor_port !== undefined, 'OVN provider does not support monitor options');
    const out: Partial<Member> = {};
    if (raw.name !== undefined) out.name = str(raw, 'name', 'a string');
    if (raw.weight !== undefined) out.weight = int(raw, 'weight', 0, 256);
    if (raw.monitor_port !== undefined)
      out.monitor_port = raw.monitor_port === null ? null : int(raw, 'monitor_port', 1, 65535);
    if (raw.tags !== undefined) out.tags = tags(raw);
    return out;
  }

  return function octavia(req: FakeRequest): FakeResponse {
    const { method, query } = req;
    const path = req.path.replace(/^\/v2(\.0)?\/lbaas/, '');
    const body = req.body ?? {};
    const { at, id: pathId } = pathMatcher(path);

    // Load balancers.
    if (method === 'GET' && path === '/loadbalancers') {
      const name = query.get('name');
      const wanted = query.get('tags')?.split(',') ?? [];
      const found = state.lbs.filter(
        (lb) => (name === null || lb.name === name) && wanted.every((t) => lb.tags.includes(t)),
      );
      return ok({ loadbalancers: found.map(lbView) });
    }
    if (method === 'POST' && path === '/loadbalancers') {
      const b = (body.loadbalancer ?? {}) as Record<string, unknown>;
      const name = typeof b.name === 'string' ? b.name : '';
      if (name.length > 255) throw bad('Invalid input for field/attribute name.');
      const { net, subnet, extra } = vipSubnets(state, b);
      const wanted = b.vip_address;
      if (wanted !== undefined) {
        if (typeof wanted !== 'string' || !inSubnet(subnet, wanted))
          throw bad(`Validation failure: VIP address ${String(wanted)} is not in the network's subnet.`);
        if (state.ipInUse(net.id, wanted))
          throw conflict(`IP address ${wanted} already allocated in subnet.`);
      }
      const provider = b.provider ?? 'amphora';
      if (typeof provider !== 'string' || !PROVIDERS.includes(provider))
        throw bad(`Provider '${String(provider)}' is not enabled.`);
      const id = randomUUID();
      const port = state.addPort(net, `lb-${id}`, wanted as string | undefined, subnet);
      // Additional VIPs are further fixed IPs of the same VIP port.
      port.more = extra.map(({ subnet: s, ip }) => {
        if (ip !== undefined && (!inSubnet(s, ip) || state.ipInUse(net.id, ip)))
          throw bad(`Validation failure: VIP address ${ip} is not available in subnet ${s.id}.`);
        return { subnetId: s.id, ip: ip ?? state.nextAddress(s) };
      });
      const lb: LoadBalancer = {
        id,
        name,
        description: typeof b.description === 'string' ? b.description : '',
        provisioning_status: 'PENDING_CREATE',
        vip_address: port.ip,
        vip_port_id: port.id,
        vip_network_id: net.id,
        vip_subnet_id: port.subnetId,
        additional_vips: port.more.map((m) => ({ subnet_id: m.subnetId, ip_address: m.ip })),
        provider,
        tags: tags(b),
        created_at: new Date().toISOString(),
        listeners: [],
        pools: [],
        monitors: [],
      };
      state.lbs.push(lb);
      busy(lb, 'PENDING_CREATE');
      return ok({ loadbalancer: lbView(lb) }, 201);
    }
    if (at(/^\/loadbalancers\/([^/]+)\/status$/) && method === 'GET') {
      const lb = lbById(pathId());
      return ok({
        statuses: {
          loadbalancer: {
            id: lb.id,
            provisioning_status: lb.provisioning_status,
            listeners: lb.listeners.map((l) => {
              const pool = lb.pools.find((p) => p.id === l.default_pool_id);
              return {
                id: l.id,
                pools: pool
                  ? [
                      {
                        id: pool.id,
                        members: pool.members.map((mem) => ({
                          id: mem.id,
                          name: mem.name,
                          address: mem.address,
                          protocol_port: mem.protocol_port,
                          operating_status: memberStatus(pool, mem),
                        })),
                      },
                    ]
                  : [],
              };
            }),
          },
        },
      });
    }
    if (at(/^\/loadbalancers\/([^/]+)$/)) {
      if (method === 'GET') {
        read(lbById(pathId()));
        return ok({ loadbalancer: lbView(lbById(pathId())) });
      }
      const lb = lbById(pathId());
      if (method === 'PUT') {
        mutable(lb);
        const b = (body.loadbalancer ?? {}) as Record<string, unknown>;
        if (b.tags !== undefined) lb.tags = tags(b);
        if (typeof b.name === 'string') lb.name = b.name;
        busy(lb);
        return ok({ loadbalancer: lbView(lb) });
      }
      if (method === 'DELETE') {
        mutable(lb);
        if (query.get('cascade') !== 'true' && (lb.listeners.length > 0 || lb.pools.length > 0))
          throw bad(`Cannot delete Load Balancer ${lb.id} - it has children`);
        busy(lb, 'PENDING_DELETE', () => {
          state.lbs.splice(state.lbs.indexOf(lb), 1);
          state.ports.splice(
            state.ports.findIndex((p) => p.id === lb.vip_port_id),
            1,
          );
        });
        return { status: 204 };
      }
    }

    // Listeners.
    if (method === 'POST' && path === '/listeners') {
      const b = (body.listener ?? {}) as Record<string, unknown>;
      const lb = lbById(str(b, 'loadbalancer_id', 'required'));
      mutable(lb);
      const protocol = str(b, 'protocol', 'required');
      if (!LISTENER_PROTOCOLS.includes(protocol))
        throw bad(`Invalid input for field/attribute protocol. Value: '${protocol}'.`);
      ovnRefuses(lb, !OVN.protocols.includes(protocol), `OVN provider does not support ${protocol} protocol`);
      const port = int(b, 'protocol_port', 1, 65535);
      if (
        lb.listeners.some((l) => l.protocol_port === port && (l.protocol === 'UDP') === (protocol === 'UDP'))
      )
        throw conflict(`Another Listener on this Load Balancer is already using protocol_port ${port}`);
      const poolId = (b.default_pool_id as string | undefined) ?? null;
      if (poolId) {
        const pool = lb.pools.find((p) => p.id === poolId);
        if (!pool) throw bad(`Validation failure: Pool ${poolId} not found on this load balancer.`);
        if (pool.protocol !== protocol)
          throw bad(
            `Validation failure: The pool protocol '${pool.protocol}' is invalid while the listener protocol is '${protocol}'.`,
          );
      }
      const listener: Listener = {
        id: randomUUID(),
        name: typeof b.name === 'string' ? b.name : '',
        protocol,
        protocol_port: port,
        default_pool_id: poolId,
      };
      lb.listeners.push(listener);
      busy(lb);
      return ok({ listener: listenerView(lb, listener) }, 201);
    }
    if (at(/^\/listeners\/([^/]+)$/)) {
      const lb = owner('listener', pathId(), 'Listener');
      const listener = lb.listeners.find((l) => l.id === pathId()) as Listener;
      if (method === 'GET') return ok({ listener: listenerView(lb, listener) });
      if (method === 'DELETE') {
        mutable(lb);
        lb.listeners.splice(lb.listeners.indexOf(listener), 1);
        busy(lb);
        return { status: 204 };
      }
    }

    // Pools and members.
    if (method === 'POST' && path === '/pools') {
      const b = (body.pool ?? {}) as Record<string, unknown>;
      const lb = lbById(str(b, 'loadbalancer_id', 'required'));
      mutable(lb);
      const protocol = str(b, 'protocol', 'required');
      if (!LISTENER_PROTOCOLS.includes(protocol) && protocol !== 'PROXY')
        throw bad(`Invalid input for field/attribute protocol. Value: '${protocol}'.`);
      const algorithm = str(b, 'lb_algorithm', 'required');
      if (!ALGORITHMS.includes(algorithm))
        throw bad(`Invalid input for field/attribute lb_algorithm. Value: '${algorithm}'.`);
      ovnRefuses(
        lb,
        !OVN.algorithms.includes(algorithm),
        `OVN provider does not support ${algorithm} algorithm`,
      );
      const pool: Pool = {
        id: randomUUID(),
        name: typeof b.name === 'string' ? b.name : '',
        protocol,
        lb_algorithm: algorithm,
        members: [],
        monitorId: null,
      };
      lb.pools.push(pool);
      busy(lb);
      return ok({ pool: poolView(lb, pool) }, 201);
    }
    if (at(/^\/pools\/([^/]+)\/members$/)) {
      const lb = owner('pool', pathId(), 'Pool');
      const pool = poolIn(lb, pathId());
      if (method === 'GET') return ok({ members: pool.members.map((mem) => memberView(lb, pool, mem)) });
      if (method === 'PUT') {
        mutable(lb);
        pool.members = putMembers(lb, pool, body.members);
        busy(lb);
        return { status: 202 };
      }
      if (method === 'POST') {
        mutable(lb);
        const raw = (body.member ?? {}) as Record<string, unknown>;
        const [member] = putMembers(lb, { ...pool, members: [] }, [raw]) as [Member];
        if (
          pool.members.some((m) => m.address === member.address && m.protocol_port === member.protocol_port)
        )
          throw conflict(
            `Duplicate member ${member.address}:${member.protocol_port} already exists in the pool.`,
          );
        pool.members.push(member);
        busy(lb);
        return ok({ member: { ...member, operating_status: 'NO_MONITOR' } }, 201);
      }
    }
    if (at(/^\/pools\/([^/]+)\/members\/([^/]+)$/)) {
      const lb = owner('pool', pathId(), 'Pool');
      const pool = poolIn(lb, pathId());
      const memberId = path.split('/').at(-1);
      const i = pool.members.findIndex((m) => m.id === memberId);
      if (i < 0) throw notFound(`Member ${memberId} not found.`);
      const member = pool.members[i] as Member;
      if (method === 'GET') return ok({ member: memberView(lb, pool, member) });
      if (method === 'PUT') {
        mutable(lb);
        Object.assign(member, memberUpdate(lb, (body.member ?? {}) as Record<string, unknown>));
        busy(lb);
        return ok({ member: memberView(lb, pool, member) });
      }
      if (method === 'DELETE') {
        mutable(lb);
        pool.members.splice(i, 1);
        busy(lb);
        return { status: 204 };
      }
    }
    if (at(/^\/pools\/([^/]+)$/)) {
      const lb = owner('pool', pathId(), 'Pool');
      const pool = poolIn(lb, pathId());
      if (method === 'GET') return ok({ pool: poolView(lb, pool) });
      if (method === 'PUT') {
        mutable(lb);
        const b = (body.pool ?? {}) as Record<string, unknown>;
        if (b.lb_algorithm !== undefined) {
          if (!ALGORITHMS.includes(String(b.lb_algorithm)))
            throw bad('Invalid input for field/attribute lb_algorithm.');
          ovnRefuses(
            lb,
            !OVN.algorithms.includes(String(b.lb_algorithm)),
            `OVN provider does not support ${String(b.lb_algorithm)} algorithm`,
          );
          pool.lb_algorithm = String(b.lb_algorithm);
        }
        busy(lb);
        return ok({ pool: poolView(lb, pool) });
      }
    }

    // Health monitors.
    if (method === 'POST' && path === '/healthmonitors') {
      const b = (body.healthmonitor ?? {}) as Record<string, unknown>;
      const lb = owner('pool', str(b, 'pool_id', 'required'), 'Pool');
      mutable(lb);
      const pool = poolIn(lb, b.pool_id as string);
      if (pool.monitorId) throw conflict(`Pool ${pool.id} already has a health monitor`);
      const type = str(b, 'type', 'required');
      if (!(MONITOR_TYPES[pool.protocol] ?? []).includes(type))
        throw bad(
          `The associated pool protocol "${pool.protocol}" is not compatible with health monitor type "${type}".`,
        );
      ovnRefuses(
        lb,
        !OVN.monitorTypes.includes(type),
        `OVN provider does not support ${type} health monitor type`,
      );
      const monitor: Monitor = {
        id: randomUUID(),
        name: typeof b.name === 'string' ? b.name : '',
        pool_id: pool.id,
        type,
        ...monitorSettings(b, type),
      };
      lb.monitors.push(monitor);
      pool.monitorId = monitor.id;
      busy(lb);
      return ok({ healthmonitor: monitorView(monitor) }, 201);
    }
    if (at(/^\/healthmonitors\/([^/]+)$/)) {
      const lb = owner('monitor', pathId(), 'Health Monitor');
      const monitor = lb.monitors.find((x) => x.id === pathId()) as Monitor;
      if (method === 'GET') return ok({ healthmonitor: monitorView(monitor) });
      if (method === 'PUT') {
        mutable(lb);
        const b = (body.healthmonitor ?? {}) as Record<string, unknown>;
        if (b.type !== undefined) throw bad('Invalid input for field/attribute type: it cannot be changed.');
        Object.assign(monitor, monitorSettings(b, monitor.type, monitor));
        busy(lb);
        return ok({ healthmonitor: monitorView(monitor) });
      }
      if (method === 'DELETE') {
        mutable(lb);
        lb.monitors.splice(lb.monitors.indexOf(monitor), 1);
        const pool = poolIn(lb, monitor.pool_id);
        if (pool) pool.monitorId = null;
        busy(lb);
        return { status: 204 };
      }
    }
    throw notFound('The resource could not be found.');
  };
}
