/**
 * The tunnel lab for the IPVS forwarding VM test: the dsr lab's shape (a client that is also the ECMP
 * router over two LB nodes), but the backends sit on another subnet behind a router, so only a tunnel
 * reaches them. Runs inside the test VM (this machine's kernel has no ipip). Test-only.
 *
 *   client (up0, up1: multipath to the VIP; seg0 on the core segment)
 *   lb, lb2 (VIP on lo; dn0 on the core segment)     core 10.77.1.0/24 -- router -- 10.78.0.0/24 backends
 *
 * Backends decapsulate with the helper below (tunl0 up, the VIP on lo, ARP and rp_filter sysctls):
 * `nlbkit backend setup --mode tunnel` will replace it.
 */
import { execFileSync } from 'node:child_process';
import { LAB_PREFIXES, type LabNamespace, makeNamespace, nextLabId } from '../../src/lab/lab-names.js';
import { DSR_LAB, type DsrLab, ECHO_SERVER, HOLDING_CLIENT, LineProcess } from '../native/dsr-lab.js';

/** Addresses beyond DSR_LAB's: the router and the backends' subnet. */
export const TUNNEL_LAB = {
  routerCore: '10.77.1.254',
  routerBackends: '10.78.0.1',
  subnet: '10.78.0.0/24',
  backend: (n: number) => `10.78.0.${10 + n}`,
} as const;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const sysctl = (ns: string, ...settings: string[]) =>
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', ...settings], { stdio: 'pipe' });

/** What a tunnel backend needs: the IPIP device up, the VIP on lo, no ARP for it, no reverse-path check. */
export function tunnelBackend(ns: string, vip: string): void {
  ip('-n', ns, 'link', 'set', 'tunl0', 'up');
  ip('-n', ns, 'addr', 'replace', `${vip}/32`, 'dev', 'lo', 'scope', 'host');
  sysctl(ns, 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2');
  for (const dev of ['all', 'default', 'lo', 'tunl0', 'eth0']) sysctl(ns, `net.ipv4.conf.${dev}.rp_filter=0`);
}

/** Builds the lab with `count` backends (the ipip module must be loaded: each namespace gets a tunl0). */
export function buildTunnelLab(count: number): DsrLab {
  const labId = nextLabId(LAB_PREFIXES.test);
  const made: LabNamespace[] = [];
  const ns = (role: string) => {
    const n = makeNamespace(labId, role);
    made.push(n);
    return n.name;
  };
  const processes: LineProcess[] = [];
  const remove = () => {
    for (const p of processes) p.stop();
    for (const n of made) n.remove();
  };
  try {
    const client = ns('c');
    const lb = ns('lb');
    const lb2 = ns('lb2');
    const rt = ns('rt');
    const backends = Array.from({ length: count }, (_, i) => ns(`b${i}`));
    for (const br of ['core', 'back']) {
      ip('-n', rt, 'link', 'add', br, 'type', 'bridge');
      ip('-n', rt, 'link', 'set', br, 'up');
    }
    ip('-n', rt, 'addr', 'add', `${TUNNEL_LAB.routerCore}/24`, 'dev', 'core');
    ip('-n', rt, 'addr', 'add', `${TUNNEL_LAB.routerBackends}/24`, 'dev', 'back');
    const plug = (where: string, dev: string, br: string, port: string, address: string) => {
      ip('link', 'add', dev, 'netns', where, 'type', 'veth', 'peer', 'name', port, 'netns', rt);
      ip('-n', rt, 'link', 'set', port, 'master', br, 'up');
      ip('-n', where, 'addr', 'add', `${address}/24`, 'dev', dev);
      ip('-n', where, 'link', 'set', dev, 'up');
    };
    const link = (node: string, clientDev: string, clientAddr: string, nodeAddr: string) => {
      ip('link', 'add', clientDev, 'netns', client, 'type', 'veth', 'peer', 'name', 'up0', 'netns', node);
      ip('-n', client, 'addr', 'add', `${clientAddr}/24`, 'dev', clientDev);
      ip('-n', client, 'link', 'set', clientDev, 'up');
      ip('-n', node, 'addr', 'add', `${nodeAddr}/24`, 'dev', 'up0');
      ip('-n', node, 'link', 'set', 'up0', 'up');
    };
    link(lb, 'up0', DSR_LAB.client, DSR_LAB.lbUp);
    link(lb2, 'up1', DSR_LAB.client2, DSR_LAB.lb2Up);
    plug(lb, 'dn0', 'core', 'p-lb', DSR_LAB.lbDown);
    plug(lb2, 'dn0', 'core', 'p-lb2', DSR_LAB.lb2Down);
    plug(client, 'seg0', 'core', 'p-c', DSR_LAB.clientOnSegment);
    sysctl(client, 'net.ipv4.fib_multipath_hash_policy=1');
    for (const dev of ['all', 'default', 'up0', 'up1', 'seg0'])
      sysctl(client, `net.ipv4.conf.${dev}.rp_filter=0`);
    ip(
      '-n',
      client,
      'route',
      'add',
      `${DSR_LAB.vip}/32`,
      'nexthop',
      'via',
      DSR_LAB.lbUp,
      'dev',
      'up0',
      'nexthop',
      'via',
      DSR_LAB.lb2Up,
      'dev',
      'up1',
    );
    // Replies leave the backends from the VIP, which the router has no route back to: no reverse-path check.
    sysctl(rt, 'net.ipv4.ip_forward=1');
    for (const dev of ['all', 'default', 'core', 'back']) sysctl(rt, `net.ipv4.conf.${dev}.rp_filter=0`);
    // Replies from the backends reach the client by its core-segment address, never through an LB node.
    for (const c of [DSR_LAB.client, DSR_LAB.client2])
      ip('-n', rt, 'route', 'add', `${c}/32`, 'via', DSR_LAB.clientOnSegment);
    for (const node of [lb, lb2])
      ip('-n', node, 'route', 'add', TUNNEL_LAB.subnet, 'via', TUNNEL_LAB.routerCore);
    for (const [i, b] of backends.entries()) {
      plug(b, 'eth0', 'back', `p-b${i}`, TUNNEL_LAB.backend(i));
      ip('-n', b, 'route', 'add', 'default', 'via', TUNNEL_LAB.routerBackends);
      tunnelBackend(b, DSR_LAB.vip);
    }
    return {
      client,
      lb,
      lb2,
      backends,
      servers: processes,
      startClient: async (source = HOLDING_CLIENT) => {
        const p = new LineProcess(client, source, [DSR_LAB.vip, String(DSR_LAB.port)]);
        processes.push(p);
        await p.next();
        return p;
      },
      startServer: async (n: number) => {
        const p = new LineProcess(backends[n]!, ECHO_SERVER, [`b${n}`, String(DSR_LAB.port)]);
        processes.push(p);
        await p.next();
      },
      remove,
    };
  } catch (e) {
    remove();
    throw e;
  }
}
