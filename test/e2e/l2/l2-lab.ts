/**
 * The layer-2 lab: a client and two LB nodes on one bridge (the shared segment), two backends on a
 * second bridge behind the nodes, PostgreSQL for the store and the leases, and an agent process per
 * node running the layer-2 announcer. Namespaces are made here and removed by destroy().
 *
 *   client 198.18.50.2 / fd00:50::2 --+                       +-- b0 198.18.51.21 / fd00:51::21
 *   lb1 eth0 .11 / ::11 --------------+-- front (br0)  back --+-- b1 198.18.51.22 / fd00:51::22
 *   lb2 eth0 .12 / ::12 --------------+   (br1): lb eth1 .11/.12
 *   VIPs 198.18.50.100 and fd00:50::100 (on the front segment; the owner holds them on eth0)
 */
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { runnableProgram } from '../../../src/common/runnable-program.js';
import { BackendServer, LabClient } from '../../../src/lab/lab-programs.js';
import { createPostgresStore } from '../../../src/native/store/postgres-store.js';
import type { StateStore } from '../../../src/native/store/types.js';
import { makeNetns } from '../../native/netns.js';
import { type PostgresServer, postgresBinDir, startPostgres } from '../../native/postgres-server.js';
import { makeRecord } from '../../native/store-record.js';
import { requireRootNetns } from '../harness/require-root-netns.js';
import type { L2AgentArgs } from './l2-agent-main.js';

const run = promisify(execFile);
export const VIP4 = '198.18.50.100';
export const VIP6 = 'fd00:50::100';
/** Lease timings for the lab: the defaults with the watchdog (createL2Announcer). */
export const TIMING = { ttlMs: 1000, renewMs: 250, marginMs: 300 } as const;
/** The longest a VIP may be held by nobody after its owner dies: TTL + a renewal + slack for load. */
export const TAKEOVER_BOUND_MS = TIMING.ttlMs + TIMING.renewMs + 1500;

/** True when the lab can run; locally false with a reason, under CI=true a missing piece throws. */
export function requireL2Lab(): boolean {
  if (!requireRootNetns()) return false;
  const missing = [
    ['arping', ['-V']],
    ['na6', ['-h']],
  ]
    .filter(([file, args]) => spawnSync(file as string, args as string[]).error !== undefined)
    .map(([file]) => file as string);
  if (!postgresBinDir()) missing.push('PostgreSQL (initdb, postgres)');
  if (missing.length === 0) return true;
  const reason = `layer-2 e2e tests need ${missing.join(', ')} (scripts/setup.sh installs them)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`skipping: ${reason}`);
  return false;
}

const sh = (ns: string, ...argv: string[]) => execFileSync('ip', ['-n', ns, ...argv], { stdio: 'pipe' });
const inNs = (ns: string, argv: string[]) =>
  execFileSync('ip', ['netns', 'exec', ns, ...argv], { stdio: 'pipe', encoding: 'utf8' });

/** One LB node: its namespace, front MAC, and its agent process. */
export class LbNode {
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;
  log = '';
  constructor(
    readonly name: string,
    readonly ns: string,
    readonly mac: string,
    readonly args: L2AgentArgs,
  ) {}
  get running(): boolean {
    return this.#child !== undefined;
  }
  /** Starts the agent and waits until its first reconcile is done. */
  async start(): Promise<void> {
    if (this.#child) return;
    // Transpiled once into a cache: loading tsx in every restart would cost a second of CPU each.
    const file = await runnableProgram(import.meta.url, 'l2-agent-main');
    const child = spawn(process.execPath, [file, JSON.stringify(this.args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stderr?.on('data', (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-20_000);
    });
    this.#exited = new Promise((r) => child.once('exit', () => r()));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`agent ${this.name} exited (${code}): ${this.log}`)));
    });
  }
  /** Takes the node off the shared segment (its front link down) or puts it back. */
  setLink(up: boolean): void {
    sh(this.ns, 'link', 'set', 'dev', 'eth0', up ? 'up' : 'down');
  }
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the agent alone; its watchdog runs on. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.#child?.kill(signal);
  }
  /** kill -9 (the kernel keeps what the agent put there) or SIGTERM (graceful: VIPs handed over). */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill(signal);
    await this.#exited;
    this.#child = undefined;
  }
}

/** Which nodes hold each VIP on their interface, read from the kernels (`ip addr`). */
export interface Sample {
  at: number;
  /** How long reading both namespaces took (ms). */
  spanMs: number;
  v4: string[];
  v6: string[];
}

export interface L2Lab {
  nodes: LbNode[];
  client: LabClient;
  clientNs: string;
  store: StateStore;
  pg: PostgresServer;
  sample(): Promise<Sample>;
  /** The client's neighbour entry (MAC) for `vip`, if any. */
  neighbour(vip: string): string | undefined;
  destroy(): Promise<void>;
}

/** Builds the lab and writes one NLB per family (TCP 80 -> both backends' 8080, SNAT). */
export async function startL2Lab(): Promise<L2Lab> {
  const made: { remove(): void }[] = [];
  const ns = (tag: string) => {
    const n = makeNetns(`l2${tag}`);
    made.push(n);
    return n.name;
  };
  const cleanups: (() => Promise<void> | void)[] = [
    () => {
      for (const m of made) m.remove();
    },
  ];
  const destroy = async () => {
    for (const c of cleanups.reverse())
      try {
        await c();
      } catch {
        // Best effort: the namespaces (removed last) take everything else with them.
      }
  };
  try {
    const sw = ns('sw');
    for (const br of ['br0', 'br1']) {
      sh(sw, 'link', 'add', br, 'type', 'bridge');
      sh(sw, 'link', 'set', br, 'up');
    }
    let port = 0;
    const plug = (target: string, dev: string, br: string, v4: string, v6: string) => {
      const peer = `p${++port}`;
      sh(sw, 'link', 'add', peer, 'type', 'veth', 'peer', 'name', dev, 'netns', target);
      sh(sw, 'link', 'set', peer, 'master', br, 'up');
      sh(target, 'addr', 'add', `${v4}/24`, 'dev', dev);
      sh(target, '-6', 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad');
      sh(target, 'link', 'set', dev, 'up');
    };
    const clientNs = ns('c');
    plug(clientNs, 'eth0', 'br0', '198.18.50.2', 'fd00:50::2');
    const backends = ['b0', 'b1'].map((id, i) => {
      const b = ns(id);
      plug(b, 'eth0', 'br1', `198.18.51.${21 + i}`, `fd00:51::${21 + i}`);
      return { id: `vm-${i}`, ns: b, v4: `198.18.51.${21 + i}`, v6: `fd00:51::${21 + i}` };
    });

    const bin = postgresBinDir() as string;
    const pg = await startPostgres(bin);
    cleanups.push(() => pg.stop());
    const schema = `l2e2e_${process.pid}`;
    const store = createPostgresStore({ connection: { connectionString: pg.url }, schema });
    cleanups.push(() => store.close());
    await store.create();
    for (const [name, vip, fam] of [
      ['web4', VIP4, 'v4'],
      ['web6', VIP6, 'v6'],
    ] as const) {
      const record = makeRecord(name, { vip, vms: Object.fromEntries(backends.map((b) => [b.id, b[fam]])) });
      record.service.snat = true; // replies come back through the node that forwarded them
      await store.put(record);
    }

    const nodes = ['lb1', 'lb2'].map((name, i) => {
      const n = ns(name);
      plug(n, 'eth0', 'br0', `198.18.50.${11 + i}`, `fd00:50::${11 + i}`);
      plug(n, 'eth1', 'br1', `198.18.51.${11 + i}`, `fd00:51::${11 + i}`);
      // keep_addr_on_down: a node taken off the segment (bench: "node dies") keeps its own IPv6
      // addresses when its link comes back, as a rebooted node would have them configured again.
      inNs(n, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
      inNs(n, ['sysctl', '-qw', 'net.ipv6.conf.eth0.keep_addr_on_down=1']);
      const mac = JSON.parse(sh(n, '-j', 'link', 'show', 'dev', 'eth0').toString())[0].address as string;
      return new LbNode(name, n, mac, {
        node: name,
        netns: n,
        pgUrl: pg.url,
        schema,
        iface: 'eth0',
        ...TIMING,
      });
    });
    cleanups.push(() => Promise.all(nodes.map((n) => n.stop('SIGKILL'))).then(() => undefined));

    const servers = backends.map((b) => new BackendServer(b.ns, b.id, { tcp: [8080], udp: [], http: [] }));
    cleanups.push(() => Promise.all(servers.map((s) => s.stop())).then(() => undefined));
    await Promise.all(servers.map((s) => s.start()));
    const client = await LabClient.start(clientNs);
    cleanups.push(() => client.stop());

    const held = async (node: LbNode) => {
      const { stdout } = await run('ip', ['-n', node.ns, '-j', 'addr', 'show', 'dev', 'eth0']);
      const addrs = (JSON.parse(stdout) as { addr_info: { local: string }[] }[]).flatMap((l) =>
        l.addr_info.map((a) => a.local),
      );
      return { v4: addrs.includes(VIP4), v6: addrs.includes(VIP6) };
    };
    return {
      nodes,
      client,
      clientNs,
      store,
      pg,
      sample: async () => {
        const start = performance.now();
        const seen = await Promise.all(nodes.map(held));
        return {
          at: start,
          spanMs: performance.now() - start,
          v4: nodes.filter((_, i) => seen[i]!.v4).map((n) => n.name),
          v6: nodes.filter((_, i) => seen[i]!.v6).map((n) => n.name),
        };
      },
      neighbour: (vip) => {
        const out = sh(clientNs, '-j', 'neigh', 'show', 'to', vip, 'dev', 'eth0').toString();
        return (JSON.parse(out || '[]') as { lladdr?: string }[])[0]?.lladdr;
      },
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}

/** Samples the lab every `everyMs` until stopped; returns every sample. */
export function startSampler(lab: L2Lab, everyMs = 50): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      const started = performance.now();
      const s = await lab.sample().catch(() => undefined); // the lab may be going away
      if (s) samples.push(s);
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (performance.now() - started))));
    }
  })();
  return {
    stop: async () => {
      on = false;
      await loop;
      return samples;
    },
  };
}

/** Samples where a VIP was on two nodes at once, and the longest time a VIP was on none (ms). */
export function analyse(samples: readonly Sample[]): { splitBrain: Sample[]; longestNoneMs: number } {
  const splitBrain = samples.filter((s) => s.v4.length > 1 || s.v6.length > 1);
  let longestNoneMs = 0;
  for (const fam of ['v4', 'v6'] as const) {
    let since: number | undefined;
    for (const s of samples) {
      if (s[fam].length === 0) since ??= s.at;
      else if (since !== undefined) {
        longestNoneMs = Math.max(longestNoneMs, s.at - since);
        since = undefined;
      }
    }
  }
  return { splitBrain, longestNoneMs };
}
