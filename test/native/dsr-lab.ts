/**
 * A small direct-server-return lab for the live nft test: client -- LB -- switch -- backends, the
 * client also on the switch so replies bypass the LB. Backends are prepared by `setupBackend`
 * (`nlbkit backend setup`); their echo servers answer with their name, the client
 * address they saw and the local address the client reached. Test-only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import readline from 'node:readline';
import { LAB_PREFIXES, type LabNamespace, makeNamespace, nextLabId } from '../../src/lab/lab-names.js';
import { setupBackend } from '../../src/native/backend/backend-host.js';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import type { NodeDataplaneState } from '../../src/native/model.js';

/** Addresses of the lab. */
export const DSR_LAB = {
  vip: '10.77.9.9',
  client: '10.77.0.2',
  lbUp: '10.77.0.1',
  lbDown: '10.77.1.1',
  /** The second LB node (lbNodes 2): its client-side link, its segment address. */
  lb2Up: '10.77.3.1',
  client2: '10.77.3.2',
  lb2Down: '10.77.1.3',
  clientOnSegment: '10.77.1.2',
  backend: (n: number) => `10.77.1.${10 + n}`,
  /** Tunnel labs: backends on another subnet, behind a router on the segment. */
  farBackend: (n: number) => `10.78.0.${10 + n}`,
  farSubnet: '10.78.0.0/24',
  routerOnSegment: '10.77.1.254',
  routerFar: '10.78.0.1',
  port: 7000,
} as const;

/** The lab's one service on the VIP over backends `b<n>`: dsr, tunnel, or nat with masquerade. */
export function labState(mode: 'dsr' | 'nat' | 'tunnel', backends: number[]): NodeDataplaneState {
  return {
    hashSeed: 0x5eed,
    maglevTableSize: 251,
    services: [
      {
        id: 'web',
        vip: DSR_LAB.vip,
        family: 4,
        protocol: 'tcp',
        port: DSR_LAB.port,
        algorithm: 'MAGLEV',
        hashFields: 'FIVE_TUPLE',
        snat: mode === 'nat',
        ...(mode !== 'nat' ? { forwarding: mode } : {}),
        backends: backends.map((n) => ({
          id: `b${n}`,
          address: mode === 'tunnel' ? DSR_LAB.farBackend(n) : DSR_LAB.backend(n),
          port: DSR_LAB.port,
          weight: 1,
        })),
      },
    ],
  };
}

/** The client's multipath route over both LB nodes. */
export const bothNodes = [
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
];

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const inNs = (ns: string, ...argv: string[]) =>
  execFileSync('ip', ['netns', 'exec', ns, ...argv], { stdio: 'pipe' });

/** An echo server (also the tunnel lab's): first line names it, the peer and the local address; then echoes lines. */
export const ECHO_SERVER = `
const net = require('node:net');
const [id, port] = process.argv.slice(1);
net.createServer((s) => {
  s.on('error', () => s.destroy());
  s.write(JSON.stringify({ backend: id, client: s.remoteAddress, local: s.localAddress }) + '\\n');
  s.on('data', (d) => s.write(d));
}).listen(Number(port), '0.0.0.0', () => console.log('ready'));
`;

/**
 * A client holding connections: reads commands on stdin, one JSON answer line each.
 * `open N`: opens N connections to VIP:port; answers each one's greeting (or error).
 * `ping`: sends a line on every open connection; answers which echoed it within 2 s.
 */
export const HOLDING_CLIENT = `
const net = require('node:net');
const readline = require('node:readline');
const [vip, port] = process.argv.slice(1);
const conns = [];
function open() {
  return new Promise((resolve) => {
    const s = net.connect({ host: vip, port: Number(port) });
    const c = { s, buf: '', waiting: null, dead: false, peer: null };
    s.setNoDelay(true);
    s.on('error', () => { c.dead = true; if (c.waiting) c.waiting(null); });
    s.on('close', () => { c.dead = true; if (c.waiting) c.waiting(null); });
    s.on('data', (d) => {
      c.buf += d;
      const nl = c.buf.indexOf('\\n');
      if (nl >= 0) { const line = c.buf.slice(0, nl); c.buf = c.buf.slice(nl + 1); if (c.waiting) c.waiting(line); }
    });
    c.waiting = (line) => { c.waiting = null; c.peer = s.remoteAddress; resolve({ c, line }); };
    setTimeout(() => c.waiting && c.waiting(null), 2000);
  });
}
function ping(c, n) {
  return new Promise((resolve) => {
    if (c.dead) return resolve(false);
    c.waiting = (line) => { c.waiting = null; resolve(line === 'ping ' + n); };
    setTimeout(() => c.waiting && c.waiting(null), 2000);
    c.s.write('ping ' + n + '\\n');
  });
}
let n = 0;
readline.createInterface({ input: process.stdin }).on('line', async (cmd) => {
  if (cmd.startsWith('open ')) {
    const out = [];
    for (let i = 0; i < Number(cmd.slice(5)); i++) {
      const { c, line } = await open();
      conns.push(c);
      out.push(line === null ? null : { ...JSON.parse(line), peer: c.peer });
    }
    console.log(JSON.stringify(out));
  } else if (cmd === 'ping') {
    n++;
    console.log(JSON.stringify(await Promise.all(conns.map((c) => ping(c, n)))));
  }
});
console.log('ready');
`;

/** A process in a namespace that answers one JSON line per command. */
export class LineProcess {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  #wake: (() => void) | undefined;

  constructor(ns: string, source: string, args: string[]) {
    this.#child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', source, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    readline.createInterface({ input: this.#child.stdout! }).on('line', (l) => {
      this.#lines.push(l);
      this.#wake?.();
    });
  }

  /** The next line printed, within `ms`. */
  async next(ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (this.#lines.length === 0) {
      if (Date.now() > deadline) throw new Error('no answer from lab process');
      await new Promise<void>((r) => {
        this.#wake = r;
        setTimeout(r, 100);
      });
    }
    return this.#lines.shift()!;
  }

  async ask<T>(cmd: string): Promise<T> {
    this.#child.stdin!.write(`${cmd}\n`);
    return JSON.parse(await this.next()) as T;
  }

  stop(): void {
    this.#child.kill('SIGKILL');
  }
}

/** What a client learnt from one new connection. */
export interface Greeting {
  backend: string;
  client: string;
  local: string;
  peer: string;
}

/** The lab's namespaces and processes. */
export interface DsrLab {
  client: string;
  lb: string;
  /** The second LB node, when built with two. */
  lb2?: string;
  backends: string[];
  servers: LineProcess[];
  /** Starts the client holding-process (or another client program with the VIP and port as arguments). */
  startClient(source?: string): Promise<LineProcess>;
  /** Starts backend `n`'s server (backends are made up front; servers on demand). */
  startServer(n: number): Promise<void>;
  remove(): void;
}

/**
 * Builds the lab with `count` backends in namespaces made by the lab's one maker (`nlbk-test-...`).
 * With `tunnel`, the backends sit on another subnet behind a router on the segment (IPIP reaches them;
 * the kernel needs the ipip module: the VM test).
 */
export async function buildDsrLab(
  count: number,
  lbNodes: 1 | 2 = 1,
  mode: 'dsr' | 'tunnel' = 'dsr',
): Promise<DsrLab> {
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
  const names = { client: '', lb: '', sw: '', lb2: '' };
  let backends: string[] = [];
  try {
    names.client = ns('c');
    names.lb = ns('lb');
    names.sw = ns('sw');
    if (lbNodes === 2) names.lb2 = ns('lb2');
    backends = Array.from({ length: count }, (_, i) => ns(`b${i}`));
    ip('-n', names.sw, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', names.sw, 'link', 'set', 'br0', 'up');
    const toSwitch = (ns: string, dev: string, port: string, address: string) => {
      ip('link', 'add', dev, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', names.sw);
      ip('-n', names.sw, 'link', 'set', port, 'master', 'br0', 'up');
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', dev);
      ip('-n', ns, 'link', 'set', dev, 'up');
    };
    // Client <-> LB: the client's route to the VIP.
    ip('link', 'add', 'up0', 'netns', names.client, 'type', 'veth', 'peer', 'name', 'up0', 'netns', names.lb);
    ip('-n', names.client, 'addr', 'add', `${DSR_LAB.client}/24`, 'dev', 'up0');
    ip('-n', names.client, 'link', 'set', 'up0', 'up');
    ip('-n', names.lb, 'addr', 'add', `${DSR_LAB.lbUp}/24`, 'dev', 'up0');
    ip('-n', names.lb, 'link', 'set', 'up0', 'up');
    if (lbNodes === 2) {
      // The client is the ECMP router too: one multipath route over both nodes, hashed on ports.
      ip(
        'link',
        'add',
        'up1',
        'netns',
        names.client,
        'type',
        'veth',
        'peer',
        'name',
        'up0',
        'netns',
        names.lb2,
      );
      ip('-n', names.client, 'addr', 'add', `${DSR_LAB.client2}/24`, 'dev', 'up1');
      ip('-n', names.client, 'link', 'set', 'up1', 'up');
      ip('-n', names.lb2, 'addr', 'add', `${DSR_LAB.lb2Up}/24`, 'dev', 'up0');
      ip('-n', names.lb2, 'link', 'set', 'up0', 'up');
      inNs(names.client, 'sysctl', '-qw', 'net.ipv4.fib_multipath_hash_policy=1');
      ip('-n', names.client, 'route', 'add', `${DSR_LAB.vip}/32`, ...bothNodes);
      toSwitch(names.lb2, 'dn0', 'p-lb2', DSR_LAB.lb2Down);
      for (const lb of [names.lb, names.lb2]) inNs(lb, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
      // NAT replies leave each node towards the client by its own link.
      ip('-n', names.lb, 'route', 'add', 'default', 'via', DSR_LAB.client);
      ip('-n', names.lb2, 'route', 'add', 'default', 'via', DSR_LAB.client2);
    } else ip('-n', names.client, 'route', 'add', `${DSR_LAB.vip}/32`, 'via', DSR_LAB.lbUp);
    inNs(names.client, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0');
    toSwitch(names.lb, 'dn0', 'p-lb', DSR_LAB.lbDown);
    toSwitch(names.client, 'seg0', 'p-c', DSR_LAB.clientOnSegment);
    inNs(names.client, 'sysctl', '-qw', 'net.ipv4.conf.seg0.rp_filter=0', 'net.ipv4.conf.up0.rp_filter=0');
    if (mode === 'tunnel') {
      // A router between the segment and the backends' subnet (a bridge of its own in it).
      const r = ns('r');
      toSwitch(r, 'seg0', 'p-r', DSR_LAB.routerOnSegment);
      ip('-n', r, 'link', 'add', 'far0', 'type', 'bridge');
      ip('-n', r, 'addr', 'add', `${DSR_LAB.routerFar}/24`, 'dev', 'far0');
      ip('-n', r, 'link', 'set', 'far0', 'up');
      inNs(r, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
      // Replies (from the VIP) go to the client over the segment, never through an LB node.
      for (const c of [DSR_LAB.client, DSR_LAB.client2])
        ip('-n', r, 'route', 'add', `${c}/32`, 'via', DSR_LAB.clientOnSegment);
      for (const lb of [names.lb, names.lb2].filter(Boolean))
        ip('-n', lb, 'route', 'add', DSR_LAB.farSubnet, 'via', DSR_LAB.routerOnSegment);
      for (const [i, b] of backends.entries()) {
        ip('link', 'add', 'eth0', 'netns', b, 'type', 'veth', 'peer', 'name', `p-b${i}`, 'netns', r);
        ip('-n', r, 'link', 'set', `p-b${i}`, 'master', 'far0', 'up');
        ip('-n', b, 'addr', 'add', `${DSR_LAB.farBackend(i)}/24`, 'dev', 'eth0');
        ip('-n', b, 'link', 'set', 'eth0', 'up');
        ip('-n', b, 'route', 'add', 'default', 'via', DSR_LAB.routerFar);
        await setupBackend(netnsExecutor(b), { vip: DSR_LAB.vip, mode: 'tunnel', interface: 'eth0' });
      }
    }
    for (const [i, ns] of mode === 'dsr' ? backends.entries() : []) {
      toSwitch(ns, 'eth0', `p-b${i}`, DSR_LAB.backend(i));
      // Replies go to the client over the segment, not through the LB.
      ip('-n', ns, 'route', 'add', `${DSR_LAB.client}/32`, 'via', DSR_LAB.clientOnSegment);
      if (lbNodes === 2)
        ip('-n', ns, 'route', 'add', `${DSR_LAB.client2}/32`, 'via', DSR_LAB.clientOnSegment);
      // What `nlbkit backend setup` does: the test proves it is enough.
      await setupBackend(netnsExecutor(ns), { vip: DSR_LAB.vip, mode: 'dsr', interface: 'eth0' });
    }
  } catch (e) {
    remove();
    throw e;
  }
  return {
    client: names.client,
    lb: names.lb,
    ...(lbNodes === 2 ? { lb2: names.lb2 } : {}),
    backends,
    servers: processes,
    startClient: async (source = HOLDING_CLIENT) => {
      const p = new LineProcess(names.client, source, [DSR_LAB.vip, String(DSR_LAB.port)]);
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
}
