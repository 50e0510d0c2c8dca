/**
 * The HA lab (lab-ha.ts) made ready for direct server return as well as NAT: both agents render dsr
 * on their router link (`--dsr-ingress up0 --dsr-egress dn0`), the router also joins the backends'
 * segment (dsr replies go from the backends straight to it, never through an LB node), and each
 * backend gets the VIP pool's dsr VIP on `lo` by `setupBackend` (`nlbkit backend setup`).
 *
 * ```
 *  client host -- router (BIRD, ECMP) --+-- lb0 --+-- br0 -- backends (VIP on lo)
 *                          |            +-- lb1 --+    |
 *                          +------- seg0 (198.18.1.250) +
 * ```
 *
 * Also the two ways a node dies under load: `withdrawn+cut` (BIRD and agent kill -9, both links
 * down: the router drops the route at once) and `silent` (every packet dropped, ingress included,
 * BIRD and agent stopped: only BFD notices).
 */
import type { NLBCreateRequest } from '../interfaces/types.js';
import { setupBackend } from '../native/backend/backend-host.js';
import { mustRun } from './lab-exec.js';
import { type HaLab, type HaLabOptions, type HaNode, startHaLab } from './lab-ha.js';

/** The router's address on the backends' segment: the backends' way back to the client for dsr. */
export const ROUTER_ON_SEGMENT = '198.18.1.250';

/** The port every backend serves and both listeners use (dsr does not rewrite ports). */
export const FORWARDING_PORT = 8080;

/** The dsr VIP (set up on every backend) and the nat VIP of the forwarding lab. */
export const FORWARDING_VIPS = { dsr: '198.19.0.20', nat: '198.19.0.21' } as const;

/** How a node dies under load. */
export type NodeFailure = 'withdrawn+cut' | 'silent';

const ipn = (ns: string, ...args: string[]) => mustRun(['ip', '-n', ns, ...args]);
const sysctl = (ns: string, ...settings: string[]) =>
  mustRun(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);

/** Starts the HA lab with dsr-capable agents, the router on the segment and the backends set up. */
export async function startForwardingHaLab(options: HaLabOptions = {}): Promise<HaLab> {
  const lab = await startHaLab({
    ...options,
    agentArgs: [...(options.agentArgs ?? []), '--dsr-ingress', 'up0', '--dsr-egress', 'dn0'],
    forwardingModes: ['nat', 'dsr'],
    // dsr backends are checked through the VIP path; without a probe they would all be DOWN.
    dsrProbe: true,
  });
  try {
    const r = lab.router.ns;
    const sw = lab.topo.switch.ns;
    // dsr replies reach the router from the VIP on the segment, not on the link it routes the VIP by.
    await sysctl(r, 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0');
    await ipn(r, 'link', 'add', 'seg0', 'type', 'veth', 'peer', 'name', 'rtr', 'netns', sw);
    await ipn(sw, 'link', 'set', 'rtr', 'master', 'br0', 'up');
    await ipn(r, 'addr', 'add', `${ROUTER_ON_SEGMENT}/24`, 'dev', 'seg0');
    await ipn(r, 'link', 'set', 'seg0', 'up');
    await sysctl(r, 'net.ipv4.conf.seg0.rp_filter=0');
    for (const b of lab.topo.backends) {
      await ipn(b.ns, 'route', 'add', `${lab.client.address.v4}/32`, 'via', ROUTER_ON_SEGMENT);
      await setupBackend(b.exec, { vip: FORWARDING_VIPS.dsr, mode: 'dsr', interface: 'eth0' });
    }
  } catch (e) {
    await lab.destroy();
    throw e;
  }
  return lab;
}

/** A TCP NLB at `ip` on port 8080 over `vms` (MAGLEV, fast checks), forwarded by `forwarding`. */
export function forwardingRequest(
  name: string,
  forwarding: 'nat' | 'dsr',
  vms: string[],
  ip: string,
): NLBCreateRequest {
  return {
    iid: { nameId: name },
    listener: { protocol: 'TCP', port: FORWARDING_PORT, ip },
    vmGroup: {
      protocol: 'TCP',
      port: FORWARDING_PORT,
      vms: vms.map((nameId) => ({ nameId })),
      algorithm: 'MAGLEV',
      forwarding,
    },
    healthChecker: { protocol: 'TCP', interval: 1, timeout: 1, healthyThreshold: 2, unhealthyThreshold: 2 },
  };
}

/**
 * Drops everything reaching the node's links at the ingress hook too: the dsr chain runs there,
 * before `isolate`'s prerouting drop, and would otherwise keep forwarding.
 */
async function isolateIngress(node: HaNode, on: boolean): Promise<void> {
  await mustRun(['ip', 'netns', 'exec', node.ns, 'nft', '-f', '-'], {
    stdin: on
      ? 'table netdev nlbkfault {\n chain in { type filter hook ingress devices = { "up0", "dn0" } priority -1000; policy drop; }\n}\n'
      : 'delete table netdev nlbkfault\n',
  });
}

const LINKS = ['up0', 'dn0'] as const;
/** The lab's static routes over a node's links, which the kernel drops with the link (per node). */
const cutRoutes = new Map<string, string[][]>();

/** Takes the node's links down (keeping its IPv6 addresses, as IPv4's are), remembering its routes. */
async function cutLinks(node: HaNode): Promise<void> {
  const routes: string[][] = [];
  for (const family of ['-4', '-6'])
    for (const dev of LINKS) {
      const out = await mustRun([
        'ip',
        '-n',
        node.ns,
        '-j',
        family,
        'route',
        'show',
        'dev',
        dev,
        'proto',
        'boot',
      ]);
      for (const r of JSON.parse(out || '[]') as { dst: string; gateway?: string }[])
        if (r.gateway) routes.push([family, 'route', 'replace', r.dst, 'via', r.gateway, 'dev', dev]);
    }
  cutRoutes.set(node.ns, routes);
  await sysctl(node.ns, ...LINKS.map((dev) => `net.ipv6.conf.${dev}.keep_addr_on_down=1`));
  await Promise.all(LINKS.map((dev) => ipn(node.ns, 'link', 'set', dev, 'down')));
}

/** Brings the links back up with the routes {@link cutLinks} saw. */
async function mendLinks(node: HaNode): Promise<void> {
  await Promise.all(LINKS.map((dev) => ipn(node.ns, 'link', 'set', dev, 'up')));
  for (const route of cutRoutes.get(node.ns) ?? []) await ipn(node.ns, ...route);
  cutRoutes.delete(node.ns);
}

/** Fails `node` the `kind` way (see the file's comment). */
export async function failNode(lab: HaLab, node: HaNode, kind: NodeFailure): Promise<void> {
  if (kind === 'withdrawn+cut') {
    await cutLinks(node);
    node.bird.signal('SIGKILL');
    await node.agent.kill();
    return;
  }
  await Promise.all([lab.isolate(node, true), isolateIngress(node, true)]);
  node.bird.signal('SIGSTOP');
  node.agent.signal('SIGSTOP');
}

/** Brings `node` back from {@link failNode} (the caller waits for the router to use it again). */
export async function restoreNode(lab: HaLab, node: HaNode, kind: NodeFailure): Promise<void> {
  if (kind === 'withdrawn+cut') {
    await mendLinks(node);
    await node.bird.start();
    await node.agent.start();
    return;
  }
  // The network first, then the processes. Resumed the other way round, one e2e run broke 67 of 500
  // dsr flows on the return; suspected (not shown): the agent's checks, still dropped, marked a
  // backend down, and the node re-hashed the flows ECMP brought back.
  await Promise.all([lab.isolate(node, false), isolateIngress(node, false)]);
  node.bird.signal('SIGCONT');
  node.agent.signal('SIGCONT');
}
