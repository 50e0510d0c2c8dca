/**
 * BIRD for the tunnel VM lab (tunnel-guest.ts): each LB node announces the VIP over eBGP with BFD to
 * the client's namespace, which is the router and installs one ECMP route over both nodes (the HA
 * lab's configurations, src/lab/lab-bird.ts). A node then dies the way the e2e lab's do: BIRD killed
 * and links cut, or silently (BIRD stopped, every packet dropped, ingress included): only BFD notices.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabBird, type LabPeer, nodeConfig, routerConfig } from '../../src/lab/lab-bird.js';
import { DSR_LAB, type DsrLab } from '../native/dsr-lab.js';

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: 'pipe' });
const nft = (ns: string, script: string) =>
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: script, stdio: 'pipe' });

/** The lab's routing by BIRD, and the two ways a node dies. */
export interface TunnelBird {
  /** The router's next hops for the VIP now. */
  nexthops(): string[];
  /** Waits until the router routes the VIP over exactly `n` nodes; the milliseconds it took. */
  until(n: number, ms?: number): Promise<number>;
  /** Node `i` dies: `withdrawn+cut` (BIRD killed, links down) or `silent` (BIRD stopped, all dropped). */
  kill(i: 0 | 1, kind: 'withdrawn+cut' | 'silent'): Promise<void>;
  /** Node `i` returns from `kind`. */
  revive(i: 0 | 1, kind: 'withdrawn+cut' | 'silent'): Promise<void>;
  stop(): Promise<void>;
}

/** Starts BIRD on the router (the client's namespace) and both LB nodes of a two-node tunnel lab. */
export async function startTunnelBird(lab: DsrLab): Promise<TunnelBird> {
  const dir = mkdtempSync(join(tmpdir(), 'nlbk-bird-'));
  const nodes = [lab.lb, lab.lb2!];
  const links = [
    { node: DSR_LAB.lbUp, router: DSR_LAB.client },
    { node: DSR_LAB.lb2Up, router: DSR_LAB.client2 },
  ];
  const birds: LabBird[] = [];
  try {
    // BIRD's routes replace the lab's static multipath route.
    ip('-n', lab.client, 'route', 'del', `${DSR_LAB.vip}/32`);
    const include = join(dir, 'nlbkit.conf');
    writeFileSync(include, `protocol static nlbkit_v4 { ipv4; route ${DSR_LAB.vip}/32 blackhole; }\n`);
    const peers: LabPeer[] = links.map((l, i) => ({
      name: `lb${i}`,
      local: l.router,
      neighbor: l.node,
      family: 4,
      neighborAs: 65001,
    }));
    birds.push(await LabBird.start(lab.client, dir, 'router', routerConfig(DSR_LAB.client, peers)));
    for (const [i, ns] of nodes.entries()) {
      const up: LabPeer = {
        name: 'r',
        local: links[i]!.node,
        neighbor: links[i]!.router,
        family: 4,
        neighborAs: 65000,
      };
      birds.push(await LabBird.start(ns, dir, `lb${i}`, nodeConfig(links[i]!.node, include, [up])));
    }
  } catch (e) {
    for (const b of birds) await b.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const nexthops = () =>
    [...ip('-n', lab.client, 'route', 'show', `${DSR_LAB.vip}/32`).matchAll(/via (\S+)/g)]
      .map((m) => m[1]!)
      .sort();
  const drops = (ns: string, on: boolean) =>
    nft(
      ns,
      on
        ? 'table netdev nlbkfault {\n chain in { type filter hook ingress devices = { "up0", "dn0" } priority -1000; policy drop; }\n}\n' +
            'table inet nlbkfault {\n chain out { type filter hook output priority -500; policy drop; }\n}\n'
        : 'delete table netdev nlbkfault\ndelete table inet nlbkfault\n',
    );
  return {
    nexthops,
    async until(n, ms = 90_000) {
      const t0 = Date.now();
      while (nexthops().length !== n) {
        if (Date.now() - t0 > ms)
          throw new Error(`the router did not route the VIP over ${n} nodes: ${nexthops()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return Date.now() - t0;
    },
    async kill(i, kind) {
      const bird = birds[i + 1]!;
      if (kind === 'silent') {
        bird.signal('SIGSTOP');
        drops(nodes[i]!, true);
        return;
      }
      bird.signal('SIGKILL');
      for (const dev of ['up0', 'dn0']) ip('-n', nodes[i]!, 'link', 'set', dev, 'down');
    },
    async revive(i, kind) {
      const bird = birds[i + 1]!;
      if (kind === 'silent') {
        drops(nodes[i]!, false);
        bird.signal('SIGCONT');
        return;
      }
      for (const dev of ['up0', 'dn0']) ip('-n', nodes[i]!, 'link', 'set', dev, 'up');
      // The link's routes went with it.
      ip('-n', nodes[i]!, 'route', 'replace', DSR_LAB.farSubnet, 'via', DSR_LAB.routerOnSegment);
      await bird.stop();
      await bird.start();
    },
    async stop() {
      for (const b of birds) await b.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
