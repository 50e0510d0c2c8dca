/**
 * BIRD 2 in a lab namespace (the HA demo, its end-to-end tests and bench:failover): a router that
 * installs ECMP routes to the VIPs, and one BIRD per LB node whose nlbkit include the agent writes.
 * Lab configurations only: every value here is the lab's own constant, not user input.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runArgv } from './lab-exec.js';

/** One BGP neighbour as the lab wires it. */
export interface LabPeer {
  name: string;
  local: string;
  neighbor: string;
  family: 4 | 6;
  neighborAs: number;
}

/** BFD 100 ms x 3, and session timers short enough that a node that comes back is taken at once. */
const BFD =
  'protocol bfd { interface "*" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; }; }';
const TIMERS = 'bfd on; error wait time 1, 5; connect retry time 2; hold time 9;';

const bgp = (p: LabPeer, localAs: number, channel: string) =>
  `protocol bgp ${p.name} { local ${p.local} as ${localAs}; neighbor ${p.neighbor} as ${p.neighborAs}; ${TIMERS} ipv${p.family} { ${channel} }; }`;

/** The router: imports every LB node's VIP routes and installs them as ECMP routes (`merge paths`). */
export function routerConfig(routerId: string, peers: LabPeer[], localAs = 65000): string {
  return [
    `router id ${routerId};`,
    'protocol device { scan time 10; }',
    'protocol kernel { ipv4 { import none; export all; }; merge paths on; }',
    'protocol kernel { ipv6 { import none; export all; }; merge paths on; }',
    BFD,
    ...peers.map((p) => bgp(p, localAs, 'import all; export none;')),
    '',
  ].join('\n');
}

/** An LB node: exports only nlbkit's static routes (the two lines docs/native-ha.md shows). */
export function nodeConfig(routerId: string, includeFile: string, peers: LabPeer[], localAs = 65001): string {
  return [
    `router id ${routerId};`,
    'protocol device { scan time 10; }',
    BFD,
    `include "${includeFile}";`,
    ...peers.map((p) => bgp(p, localAs, 'import none; export where proto ~ "nlbkit*";')),
    '',
  ].join('\n');
}

/** A BIRD daemon running in a namespace, in the foreground of its own process group. */
export class LabBird {
  readonly socket: string;
  #child: ChildProcess | undefined;
  #stderr = '';

  private constructor(
    readonly ns: string,
    readonly config: string,
  ) {
    this.socket = `${config}.ctl`;
  }

  /** Writes `text` as the configuration in `dir` (named `name.conf`), starts BIRD and waits for its socket. */
  static async start(ns: string, dir: string, name: string, text: string): Promise<LabBird> {
    const config = join(dir, `${name}.conf`);
    await writeFile(config, text);
    const bird = new LabBird(ns, config);
    await bird.start();
    return bird;
  }

  /** Starts (or restarts) the daemon with the same configuration. */
  async start(): Promise<void> {
    const child = spawn(
      'ip',
      ['netns', 'exec', this.ns, 'bird', '-f', '-c', this.config, '-s', this.socket],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.#child = child;
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`bird in ${this.ns} exited: ${this.#stderr.trim()}`);
      if ((await runArgv(['birdc', '-s', this.socket, 'show', 'status'])).code === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`bird in ${this.ns} did not open ${this.socket}: ${this.#stderr.trim()}`);
  }

  /** The daemon's pid (`ip netns exec` execs bird), while it runs. */
  get pid(): number | undefined {
    const child = this.#child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** Runs `birdc` against this daemon; resolves with its stdout, throws unless it exits 0. */
  async birdc(...args: string[]): Promise<string> {
    const r = await runArgv(['birdc', '-s', this.socket, ...args]);
    if (r.code !== 0) throw new Error(`birdc ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  /** Sends `signal` to the daemon (SIGSTOP / SIGCONT for a silent death, SIGKILL for a crash). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid) process.kill(pid, signal);
  }

  /** Stops the daemon (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  async stop(graceMs = 2000): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}
